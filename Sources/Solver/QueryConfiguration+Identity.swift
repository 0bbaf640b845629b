/// The identity text of a configuration: what `LoadedExperiment` hashes into the experiment
/// identity of every results file, so a change to it orphans every results file written
/// before. It is written by hand, field by field (a renamed property changes nothing here),
/// and pinned for every preset by `ConfigurationIdentityTests`.
///
/// Version 1, the layout every results file so far was hashed with (the text carries no
/// version mark, so that those hashes stay valid; a version 2 would start with
/// `QueryConfiguration/2(`):
///
/// ```
/// QueryConfiguration(label: value, ...)
/// ```
///
/// with the labels in ``identityOrder`` and each value written as Swift's default rendering
/// wrote it when these were the struct's reflected fields (`true`, `60.0`, `nil`,
/// `Optional("dir")`, `Solver.AttackMethod.gradient`, `Solver.AttackConfiguration(restarts:
/// 4, ...)`). Left out:
/// - where Z3 runs and how many threads prepare a batch (``LeafSettings/leafProcessExecutable``,
///   ``LeafSettings/leafProcessGrace``, ``SearchSettings/searchThreads``): they never change
///   a verdict, so a run with leaf processes resumes a file written in-process;
/// - settings added after results files existed, while they keep the value that those runs
///   had: the escalated attack and ``AttackSettings/escalateAfterNodes`` while no escalated
///   attack is set, ``SearchSettings/searchBatch`` at 1, ``SearchSettings/strongBranchingDepth``
///   and ``SearchSettings/plainTrackPeriod`` at 0, ``BoundSettings/slopeSteps`` at 0,
///   ``phaseSplit`` at its defaults (input
///   splitting).
///
/// A new setting that can change a verdict must appear in the text (a new label at the end,
/// left out while it keeps the value that runs so far had).
extension QueryConfiguration: CustomStringConvertible {
    /// One `label: value` entry of the identity text.
    struct IdentityField: Equatable {
        var label: String
        var value: String
        init(_ label: String, text: String) { self.label = label; self.value = text }
        init(_ label: String, _ value: Bool) { self.init(label, text: "\(value)") }
        init(_ label: String, _ value: Int) { self.init(label, text: "\(value)") }
        init(_ label: String, _ value: UInt64) { self.init(label, text: "\(value)") }
        /// Swift's shortest round-trip rendering (`60.0`, `0.0078125`, `inf`).
        init(_ label: String, _ value: Double) { self.init(label, text: String(reflecting: value)) }
        /// `nil` or `Optional("text")` (the string quoted and escaped as a Swift literal).
        init(_ label: String, _ value: String?) {
            self.init(label, text: value.map { "Optional(\(String(reflecting: $0)))" } ?? "nil")
        }
    }

    /// The order of the labels in version 1 (the declaration order of the settings when they
    /// were one flat struct).
    static let identityOrder = [
        "useRelaxationLP", "useAttack", "useInterval", "useLinear", "useSplit", "useSMT", "attack",
        "escalatedAttack", "escalateAfterNodes", "attackMethod", "randomAttack", "nodeAttack", "maxNodes",
        "splitAspectRatio", "smtUnstableThreshold", "maxDepth", "leafTimeLimit", "smtResourceLimit",
        "timeLimit", "maxRecordedLeaves", "smt2Directory", "searchBatch", "strongBranchingDepth",
        "plainTrackPeriod", "phaseSplit", "slopeSteps",
    ]

    /// Every group's entries, in no particular order.
    var identityFields: [IdentityField] {
        bounds.identityFields + attack.identityFields + search.identityFields + leaves.identityFields
            + limits.identityFields
            + (phaseSplit == PhaseSplitOptions() ? [] : [IdentityField("phaseSplit", text: phaseSplit.description)])
    }

    public var description: String {
        let fields = Dictionary(uniqueKeysWithValues: identityFields.map { ($0.label, $0.value) })
        let entries = Self.identityOrder.compactMap { label in fields[label].map { "\(label): \($0)" } }
        return "QueryConfiguration(" + entries.joined(separator: ", ") + ")"
    }
}

extension BoundSettings {
    var identityFields: [QueryConfiguration.IdentityField] {
        [.init("useRelaxationLP", useRelaxationLP), .init("useInterval", useInterval), .init("useLinear", useLinear)]
            + (slopeSteps == 0 ? [] : [.init("slopeSteps", slopeSteps)])
    }
}

extension AttackSettings {
    var identityFields: [QueryConfiguration.IdentityField] {
        var fields: [QueryConfiguration.IdentityField] = [
            .init("useAttack", useAttack), .init("attack", text: wholeBox.identityText),
            .init("attackMethod", text: attackMethod.identityText), .init("randomAttack", text: randomAttack.identityText),
            .init("nodeAttack", text: nodeAttack.identityText),
        ]
        if let escalatedAttack {
            fields += [.init("escalatedAttack", text: "Optional(\(escalatedAttack.identityText))"),
                       .init("escalateAfterNodes", escalateAfterNodes)]
        }
        return fields
    }
}

extension SearchSettings {
    var identityFields: [QueryConfiguration.IdentityField] {
        var fields: [QueryConfiguration.IdentityField] = [.init("useSplit", useSplit), .init("splitAspectRatio", splitAspectRatio)]
        if searchBatch != 1 { fields.append(.init("searchBatch", searchBatch)) }
        if strongBranchingDepth != 0 { fields.append(.init("strongBranchingDepth", strongBranchingDepth)) }
        if plainTrackPeriod != 0 { fields.append(.init("plainTrackPeriod", plainTrackPeriod)) }
        return fields
    }
}

extension LeafSettings {
    var identityFields: [QueryConfiguration.IdentityField] {
        [.init("useSMT", useSMT), .init("smtUnstableThreshold", smtUnstableThreshold), .init("maxDepth", maxDepth),
         .init("smt2Directory", smt2Directory)]
    }
}

extension QueryLimits {
    var identityFields: [QueryConfiguration.IdentityField] {
        [.init("maxNodes", maxNodes), .init("leafTimeLimit", leafTimeLimit), .init("smtResourceLimit", smtResourceLimit),
         .init("timeLimit", timeLimit), .init("maxRecordedLeaves", maxRecordedLeaves)]
    }
}
