import Foundation
import Sampling

/// `verify plan --delta D --precision T --confidence C`: sample sizes per class.
enum PlanCommand: Subcommand {
    static let spec = CommandSpec(
        name: "plan",
        summary: "Samples per class needed to certify p >= 1 - delta, under Hoeffding and Clopper-Pearson.",
        options: [
            .value("--delta", "D", "tolerated failure probability per class (required)"),
            .value("--confidence", "C", "confidence 1 - alpha of the whole claim (default 0.99)"),
            .value("--precision", "T", "margin between delta and the assumed failure rate: f = delta - T (0 < T <= delta; default delta, i.e. f = 0)"),
            .value("--failure-rate", "F", "the assumed failure rate f directly (0 <= f < delta; instead of --precision)"),
            .value("--classes", "M", "number of classes of the claim: alpha is split by a union bound (default 1)"),
        ],
        discussion: """
        The plan is the smallest n at which the lower confidence bound reaches 1 - delta when a \
        fraction f of the samples fail (UNKNOWN counts as failing):
          Hoeffding:        n = ceil(ln(1/alpha_c) / (2 T^2))   with T = delta - f
          Clopper-Pearson:  smallest n with Beta^-1(alpha_c; (1-f) n, f n + 1) >= 1 - delta
        where alpha_c = (1 - C) / M. Example: --delta 0.01 --confidence 0.999 (f = 0) needs \
        34,539 samples under Hoeffding and 688 under Clopper-Pearson.
        """)

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        guard let delta = try arguments.double("--delta") else {
            throw UsageError(description: "verify plan: give the tolerated failure probability with --delta D, e.g. --delta 0.01")
        }
        guard delta > 0, delta < 1 else { throw UsageError(description: "verify plan: --delta must lie in (0, 1), got \(delta)") }
        let confidence = try arguments.double("--confidence") ?? 0.99
        guard confidence > 0, confidence < 1 else {
            throw UsageError(description: "verify plan: --confidence must lie in (0, 1), got \(confidence); e.g. 0.99")
        }
        let classes = try arguments.int("--classes", minimum: 1) ?? 1
        let precision = try arguments.double("--precision")
        let givenRate = try arguments.double("--failure-rate")
        if precision != nil && givenRate != nil {
            throw UsageError(description: "verify plan: give --precision T or --failure-rate F, not both")
        }
        let rate: Double
        if let givenRate {
            guard givenRate >= 0, givenRate < delta else {
                throw UsageError(description: "verify plan: --failure-rate must lie in [0, delta) = [0, \(delta)), got \(givenRate)")
            }
            rate = givenRate
        } else {
            let t = precision ?? delta
            guard t > 0, t <= delta else {
                throw UsageError(description: "verify plan: --precision must lie in (0, delta] = (0, \(delta)], got \(t)")
            }
            rate = max(0, delta - t)
        }
        let level = UnionBound.perClassLevel(overall: AlphaLevel(confidence: confidence), classCount: classes)
        let alpha = level.value
        print("claim: p >= 1 - delta = \(format(1 - delta)) per class, confidence \(format(confidence)) over \(classes) class\(classes == 1 ? "" : "es") (alpha_c = \(level.decimal))")
        print("assumed failure rate f = \(format(rate)) (precision T = delta - f = \(format(delta - rate))); UNKNOWN samples count as failures")
        for method in ConfidenceBoundMethod.allCases {
            let n = SampleSizePlanner.samplesToCertify(delta: delta, alpha: alpha, assumedFailureRate: rate, method: method)
            let name = (method == .hoeffding ? "Hoeffding:" : "Clopper-Pearson:").padding(toLength: 17, withPad: " ", startingAt: 0)
            if let n {
                let total = classes > 1 ? " (\(n * classes) in all)" : ""
                print("\(name)\(n) samples per class\(total)")
            } else {
                print("\(name)more than \(SampleSizePlanner.defaultMaximumSampleSize) samples per class")
            }
        }
        return .success
    }
}
