import Encoding

/// The certificate record of one query: what was asked (copies of the box and unsafe set,
/// for people; `verify check` re-derives both and only compares), the verdict, how it was
/// reached, and the evidence: the sub-boxes of a split proof with the method that closed
/// each and the dimensions split above it, or the counterexample.
///
/// Written by ``init(query:result:)`` and read back by ``CertificateChecker`` through the
/// same `Codable` conformance. Every field is written; on reading, every field is optional,
/// because certificates written by earlier builds lack fields added since (the checker
/// treats a missing piece of evidence as a problem of the certificate, not of the format).
public struct QueryCertificate: Codable, Sendable, Equatable {
    public var verdict: CertificateVerdict?
    /// False when the network has tanh/sigmoid layers (``QueryResult/exact``).
    public var exact: Bool?
    public var seconds: Double?
    /// The copy of the query's input box.
    public var box: BoxCertificate?
    /// The copy of the query's unsafe set: a disjunction of conjunctions of atoms `<= 0`.
    public var unsafeSet: [[AtomCertificate]]?
    public var steps: [StepCertificate]?
    public var statistics: StatisticsCertificate?
    /// ``QueryResult/rootAtomLowerBounds``; `null` for a non-finite bound.
    public var rootAtomLowerBounds: [Double?]?
    /// HOLDS: how it was proved.
    public var method: ProofMethod?
    /// HOLDS: the closed sub-boxes (none for a proof by bounds over the whole box).
    public var proofLeaves: [LeafCertificate]?
    /// HOLDS: true when more sub-boxes closed than were recorded (the proof cannot be re-checked).
    public var proofLeavesTruncated: Bool?
    /// HOLDS by the ReLU-phase engine: its proof tree (certificate format 2).
    public var phaseProof: PhaseProof?
    /// VIOLATED (confirmed or not): the counterexample.
    public var counterexample: CounterexampleCertificate?
    /// UNKNOWN: ``UnknownReason/description``.
    public var reason: String?

    enum CodingKeys: String, CodingKey {
        case verdict, exact, seconds, box, steps, statistics, method, counterexample, reason
        case unsafeSet = "unsafe_set"
        case rootAtomLowerBounds = "root_atom_lower_bounds"
        case proofLeaves = "proof_leaves"
        case proofLeavesTruncated = "proof_leaves_truncated"
        case phaseProof = "phase_proof"
    }

    public init(query: SafetyQuery, result: QueryResult) {
        verdict = CertificateVerdict(result.verdict)
        exact = result.exact
        seconds = result.seconds
        box = BoxCertificate(lower: query.box.lower, upper: query.box.upper)
        unsafeSet = query.property.disjuncts.map { $0.map(AtomCertificate.init) }
        steps = result.steps.map { StepCertificate(step: $0.name, seconds: $0.seconds, decided: $0.decided) }
        statistics = StatisticsCertificate(result.statistics)
        rootAtomLowerBounds = result.rootAtomLowerBounds.map { $0.isFinite ? $0 : nil }
        switch result.verdict {
        case .holds(let proof):
            method = proof
            proofLeaves = result.leaves.map {
                LeafCertificate(lower: $0.lower, upper: $0.upper, depth: $0.depth, method: $0.method, path: $0.path,
                                slopes: $0.slopes.map(SlopeLayerCertificate.list))
            }
            proofLeavesTruncated = result.leavesTruncated
            phaseProof = result.phaseProof
        case .violated(let found), .violatedUnconfirmed(let found):
            counterexample = CounterexampleCertificate(found)
        case .unknown(let why):
            reason = why.description
        }
    }
}

/// A query's verdict as certificates write it (``Verdict/label``).
public enum CertificateVerdict: String, Codable, Sendable, CaseIterable {
    case holds, violated
    case violatedUnconfirmed = "violated-unconfirmed"
    case unknown

    public init(_ verdict: Verdict) {
        switch verdict {
        case .holds: self = .holds
        case .violated: self = .violated
        case .violatedUnconfirmed: self = .violatedUnconfirmed
        case .unknown: self = .unknown
        }
    }
}

public struct BoxCertificate: Codable, Sendable, Equatable {
    public var lower: [Double]
    public var upper: [Double]
}

/// One atom `coefficients · y + constant <= 0` of the unsafe set.
public struct AtomCertificate: Codable, Sendable, Equatable {
    public var coefficients: [Double]
    public var constant: Double
    /// Always `<= 0` (the atom's form, written for people).
    public var relation: String?

    init(_ atom: OutputAtom) {
        coefficients = atom.coefficients
        constant = atom.constant
        relation = "<= 0"
    }

    var atom: OutputAtom { OutputAtom(coefficients: coefficients, constant: constant) }
}

public struct StepCertificate: Codable, Sendable, Equatable {
    public var step: PipelineStep
    public var seconds: Double
    public var decided: Bool
}

/// A closed sub-box of a split proof (``ClosedLeaf``).
public struct LeafCertificate: Codable, Sendable, Equatable {
    public var lower: [Double]
    public var upper: [Double]
    public var depth: Int?
    public var method: LeafMethod
    /// The dimension split at each ancestor, from the root; absent in earlier certificates.
    public var path: [Int]?
    /// The lower slopes that close a `slopes` leaf (``ClosedLeaf/slopes``); `verify check`
    /// validates their ranges and re-evaluates the sound bound with them.
    public var slopes: [SlopeLayerCertificate]?
}

/// The counters of ``QueryStatistics``, for people (`verify check` does not read them).
public struct StatisticsCertificate: Codable, Sendable, Equatable {
    public var nodes, maxDepth, smtLeaves, smtUnsat, smtSat, smtUnknown: Int?
    public var smtRlimitCount: Double?
    public var rootUnstableUnits, dualExclusions, lpExclusions: Int?
    public var escalatedAttackFound: Bool?
    public var plainTrackNodes: Int?
    public var plainTrackFound: Bool?
    /// The phase engine's falsifier (``FalsifierEffort``); absent in earlier certificates and
    /// where it tried nothing.
    public var falsifierCandidates, falsifierSteps: Int?
    public var falsifierFound: Bool?
    /// Sub-boxes closed by optimised slopes (``QueryStatistics/slopeClosures``); absent where
    /// none was.
    public var slopeClosures: Int?

    enum CodingKeys: String, CodingKey {
        case nodes
        case maxDepth = "max_depth"
        case smtLeaves = "smt_leaves"
        case smtUnsat = "smt_unsat"
        case smtSat = "smt_sat"
        case smtUnknown = "smt_unknown"
        case smtRlimitCount = "smt_rlimit_count"
        case rootUnstableUnits = "root_unstable_units"
        case dualExclusions = "dual_exclusions"
        case lpExclusions = "lp_exclusions"
        case escalatedAttackFound = "escalated_attack_found"
        case plainTrackNodes = "plain_track_nodes"
        case plainTrackFound = "plain_track_found"
        case falsifierCandidates = "falsifier_candidates"
        case falsifierSteps = "falsifier_steps"
        case falsifierFound = "falsifier_found"
        case slopeClosures = "slope_closures"
    }

    init(_ s: QueryStatistics) {
        nodes = s.nodes
        maxDepth = s.maxDepth
        smtLeaves = s.smtLeaves
        smtUnsat = s.smtUnsat
        smtSat = s.smtSat
        smtUnknown = s.smtUnknown
        smtRlimitCount = s.smtResourceCount
        rootUnstableUnits = s.rootUnstableUnits
        dualExclusions = s.dualExclusions
        lpExclusions = s.lpExclusions
        escalatedAttackFound = s.escalatedAttackFound
        plainTrackNodes = s.plainTrackNodes
        plainTrackFound = s.plainTrackFound
        // Absent where the falsifier tried nothing (the input engine), as in earlier certificates.
        if s.falsifier != FalsifierEffort() || s.falsifierFound {
            falsifierCandidates = s.falsifier.candidates
            falsifierSteps = s.falsifier.steps
            falsifierFound = s.falsifierFound
        }
        if s.slopeClosures > 0 { slopeClosures = s.slopeClosures }
    }
}

/// A counterexample: its input (the evidence `verify check` replays) and what the tool's
/// exact check and float passes said about it.
public struct CounterexampleCertificate: Codable, Sendable, Equatable {
    public var input: [Double]?
    public var outputs: [Double]?
    public var floatViolationScore: Double?
    public var confirmedInFloat: Bool?
    public var confirmed: Bool?
    /// ``ViolationCheck/label``.
    public var check: String?
    public var float32Outputs: [Double]?
    public var float32ViolationScore: Double?
    public var confirmedInFloat32: Bool?
    public var float32Float64Disagree: Bool?
    public var source: CounterexampleSource?
    /// Z3's exact rational input (`p/q`), when the point came from a model.
    public var exactInput: [String]?

    enum CodingKeys: String, CodingKey {
        case input, outputs, confirmed, check, source
        case floatViolationScore = "float_violation_score"
        case confirmedInFloat = "confirmed_in_float"
        case float32Outputs = "float32_outputs"
        case float32ViolationScore = "float32_violation_score"
        case confirmedInFloat32 = "confirmed_in_float32"
        case float32Float64Disagree = "float32_float64_disagree"
        case exactInput = "exact_input"
    }

    public init(_ counterexample: Counterexample) {
        input = counterexample.input
        outputs = counterexample.outputs
        floatViolationScore = counterexample.floatScore
        confirmedInFloat = counterexample.isConfirmedInFloat
        confirmed = counterexample.isConfirmed
        check = counterexample.check.label
        float32Outputs = counterexample.float32Outputs
        float32ViolationScore = counterexample.float32Score
        confirmedInFloat32 = counterexample.isConfirmedInFloat32
        float32Float64Disagree = counterexample.precisionsDisagree
        source = counterexample.source
        exactInput = counterexample.exactInput
    }
}
