extension LoadedExperiment {
    /// The first part in which two identity texts (``identity``, one entry per line) differ,
    /// in words, for the error that refuses to mix their samples: `"eps differs"`, `"the
    /// solver settings differ (...)"`, and so on. The solver line also changes when another
    /// version of `verify` has other defaults (a stronger attack, say), which the message says.
    public static func identityDifference(_ recorded: String, _ requested: String) -> String {
        let old = recorded.split(separator: "\n", omittingEmptySubsequences: false)
        let new = requested.split(separator: "\n", omittingEmptySubsequences: false)
        guard let index = (0..<max(old.count, new.count)).first(where: { $0 >= old.count || $0 >= new.count || old[$0] != new[$0] })
        else { return "the identity texts agree" }
        let line = index < new.count ? new[index] : old[index]
        let words = line.split(separator: " ")
        switch words.first {
        case "classifier": return "the classifier differs"
        case "class" where words.count > 1: return "the generator of class \(words[1]) differs"
        case "conditional": return "the conditional generator differs"
        case "adapter": return "the adapter differs"
        case "eps": return "eps differs"
        case "noises": return "the noises differ"
        case "solver":
            return "the solver settings differ (budgets, engine or switches, or the defaults of the version of verify that wrote it)"
        default: return "the networks, eps, noises or solver settings differ"
        }
    }
}
