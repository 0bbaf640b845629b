/// Exit codes of `verify`, the same for every subcommand.
enum ExitCode: Int32 {
    /// Success; for verification commands, the property holds / every verdict is positive.
    case success = 0
    /// The property or verdict is negative (violated, not robust, fails).
    case negative = 1
    /// Usage or input error: bad flag, unreadable or invalid file. One line on stderr.
    case inputError = 2
    /// The verification ran but could not decide (timeout, budget, unknown).
    case unknown = 3
    /// Exploratory statistics: `verify summary` recomputed the verdicts with a statistical
    /// setting (delta, confidence, bound, samples) other than the one the results file
    /// recorded at its first run. Choosing a setting after seeing the samples voids the
    /// confidence guarantee, whatever verdict is printed.
    case exploratory = 4
}
