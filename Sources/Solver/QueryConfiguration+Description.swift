extension QueryConfiguration: CustomStringConvertible {
    /// Fields that only choose where Z3 runs, never what a leaf means: left out of the text.
    static let placementFields: Set<String> = ["leafProcessExecutable", "leafProcessGrace", "searchThreads"]
    /// Fields added after results files existed, printed only while ``escalatedAttack`` is
    /// set (robustness runs leave it unset, so their identities stay as they were).
    static let escalationFields: Set<String> = ["escalatedAttack", "escalateAfterNodes"]
    /// Fields added after results files existed, printed only while they differ from their
    /// default (robustness runs keep the default): each label with whether it has its default.
    var defaultOmissions: [String: Bool] {
        ["searchBatch": searchBatch == 1, "strongBranchingDepth": strongBranchingDepth == 0,
         "plainTrackPeriod": plainTrackPeriod == 0, "phaseSplit": phaseSplit == PhaseSplitOptions()]
    }
    /// The labels of ``defaultOmissions``.
    static let defaultOmittedFields = Set(QueryConfiguration().defaultOmissions.keys)

    /// Swift's default rendering of the struct, `QueryConfiguration(label: value, ...)` with
    /// each value as `String(reflecting:)` writes it (exactly what `"\(configuration)"`
    /// printed before this conformance), minus ``placementFields``, minus
    /// ``escalationFields`` while no escalated attack is set, and minus
    /// ``defaultOmissions`` while they keep their defaults.
    ///
    /// `LoadedExperiment` hashes this text into the experiment identity, so a field listed
    /// here can change without orphaning results files: a run with leaf processes resumes a
    /// file written in-process and vice versa. A new field that can change a verdict must
    /// not be listed.
    public var description: String {
        let fields = Mirror(reflecting: self).children.compactMap { child -> String? in
            guard let label = child.label else { return String(reflecting: child.value) }
            if Self.placementFields.contains(label) { return nil }
            if Self.escalationFields.contains(label) && escalatedAttack == nil { return nil }
            if defaultOmissions[label] == true { return nil }
            return "\(label): \(String(reflecting: child.value))"
        }
        return "QueryConfiguration(" + fields.joined(separator: ", ") + ")"
    }
}
