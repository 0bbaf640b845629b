extension AttackConfiguration: CustomDebugStringConvertible {
    /// Swift's default rendering, `Solver.AttackConfiguration(label: value, ...)`, with
    /// ``samples`` and ``decay`` left out while they have their defaults (off): the text is
    /// part of the experiment identity (`LoadedExperiment` hashes the whole
    /// ``QueryConfiguration``), and results files written before the two fields existed must
    /// still resume. Set, they are printed, so a run that uses them is a different experiment.
    public var debugDescription: String {
        let fields = Mirror(reflecting: self).children.compactMap { child -> String? in
            guard let label = child.label else { return String(reflecting: child.value) }
            if label == "samples" && samples == 0 { return nil }
            if label == "decay" && !decay { return nil }
            return "\(label): \(String(reflecting: child.value))"
        }
        return "Solver.AttackConfiguration(" + fields.joined(separator: ", ") + ")"
    }
}
