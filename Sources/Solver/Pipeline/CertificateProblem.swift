import Encoding

/// One thing in a certificate that does not check out; `description` is the line
/// `verify check` prints after `problem:`.
public enum CertificateProblem: Sendable, Equatable, CustomStringConvertible {
    /// Which copy of the question differs from the re-derived one.
    public enum Copy: String, Sendable {
        case box = "box"
        case unsafeSet = "unsafe set"
    }

    /// Why a counterexample does not show a violation.
    public enum CounterexampleFailure: String, Sendable {
        case outsideInputRegion = "is not inside the property's input region"
        case notUnsafe = "does not reach the unsafe set (checked in exact arithmetic)"
    }

    /// The certificate's centre, eps or class is not the one the user asked about.
    case otherQuestion(field: String, recorded: String, expected: String)
    /// A file's SHA-256 differs from the digest recorded for its role.
    case digestMismatch(role: String, file: String, recorded: String, actual: String)
    /// A query of the re-derived property has no record in the certificate.
    case missingQuery(place: String)
    /// The certificate holds more query records than the property has queries.
    case extraRecords(count: Int, queries: Int)
    /// The certificate's copy of a query's box or unsafe set is not the re-derived one.
    case copyDiffers(place: String, what: Copy)
    /// The claim needs this query proved, but its verdict is another.
    case queryNotProved(place: String, verdict: String)
    /// The proof's leaf list was cut when written.
    case truncatedProof(place: String)
    /// A node of the rebuilt bisection tree that no recorded leaf covers.
    case notCovered(place: String, box: Box)
    /// Recorded leaves inside a node disagree on how it was split (or a leaf crosses the split).
    case inconsistentSplit(place: String, box: Box)
    /// A recorded leaf that is not a node of the rebuilt tree.
    case strayLeaves(place: String, count: Int)
    /// A leaf that neither the checker's bounds nor (for `smt` leaves) Z3 close.
    case doesNotClose(place: String, box: Box, method: LeafMethod)
    /// cvc5 does not confirm Z3's `unsat`.
    case cvc5Disagrees(place: String, box: Box)
    /// A `slopes` leaf whose recorded slopes for `layer` are not one per unit of a ReLU /
    /// LeakyReLU / clip layer within `[low, high]` (outside, a line is no lower bound).
    case invalidSlopes(place: String, box: Box, layer: Int, low: Double, high: Double)
    /// A node of a recorded ReLU-phase proof tree (its index) that does not check out.
    case phaseProof(place: String, node: Int, PhaseProofFault)
    /// A claimed violation without any counterexample.
    case noCounterexample
    case counterexampleMalformed(place: String)
    case counterexampleFails(place: String, CounterexampleFailure)

    public var description: String {
        switch self {
        case let .otherQuestion(field, recorded, expected):
            return "the certificate is about \(field) \(recorded), not the \(expected) asked for"
        case let .digestMismatch(role, file, recorded, actual):
            return "the \(role) file \(file) has SHA-256 \(actual.prefix(16))…, the certificate was written for \(recorded.prefix(16))…: it is about another file"
        case .missingQuery(let place):
            return "\(place) has no record in the certificate (every query must be proved)"
        case let .extraRecords(count, queries):
            return "the certificate holds \(count) query records more than the property's \(queries) queries"
        case let .copyDiffers(place, what):
            return "\(place): the certificate's \(what.rawValue) is not the one the inputs define"
        case let .queryNotProved(place, verdict):
            return "\(place) has verdict \(verdict), not holds: the claimed answer does not follow"
        case .truncatedProof(let place):
            return "\(place): the proof's sub-box list was truncated when written; it cannot be re-checked (raise the recorded-leaf limit)"
        case let .notCovered(place, box):
            return "\(place): sub-box \(box.lower)...\(box.upper) is covered by no recorded sub-box"
        case let .inconsistentSplit(place, box):
            return "\(place): the recorded sub-boxes inside \(box.lower)...\(box.upper) do not follow one bisection"
        case let .strayLeaves(place, count):
            return "\(place): \(count) recorded sub-boxes are not part of the box's bisection"
        case let .doesNotClose(place, box, method):
            return "\(place): sub-box \(box.lower)...\(box.upper) (\(method.rawValue)) does not close when re-proved"
        case let .cvc5Disagrees(place, box):
            return "\(place): cvc5 does not confirm unsat on sub-box \(box.lower)...\(box.upper)"
        case let .invalidSlopes(place, box, layer, low, high):
            return "\(place): sub-box \(box.lower)...\(box.upper) records slopes for layer \(layer) that are not one per unit of a ReLU / LeakyReLU / clip layer within [\(low), \(high)]"
        case let .phaseProof(place, node, fault):
            return "\(place): phase proof node \(node): \(fault)"
        case .noCounterexample:
            return "a violation is claimed but no query record has verdict violated with a counterexample"
        case .counterexampleMalformed(let place):
            return "\(place): the counterexample's input is missing or has the wrong size"
        case let .counterexampleFails(place, failure):
            return "\(place): the counterexample \(failure.rawValue)"
        }
    }
}
