// Per pipeline step timing of a set of sample records.

import Foundation
import Sampling
import Solver

/// How long one pipeline step (`center`, `attack`, `interval`, `linear`, `split`, `smt`)
/// took over a set of samples, and how many samples it decided.
///
/// Quantiles use the nearest-rank rule on the `m` samples in which the step ran, sorted
/// ascending as `t_1 <= ... <= t_m`:
///
/// ```
/// q(p) = t_k   with k = max(1, ceil(p * m))      median = q(0.5), p90 = q(0.9), max = t_m
/// ```
public struct StepTiming: Sendable, Hashable {
    public var step: PipelineStep
    /// Samples in which the step ran.
    public var ran: Int
    /// Samples that the step decided (ROBUST or NOT ROBUST).
    public var decided: Int
    public var median: Double
    public var p90: Double
    public var maximum: Double
    /// Sum of the step's seconds over the samples.
    public var total: Double

    /// The order in which the pipeline runs its steps (``QuerySolver``).
    public static let pipelineOrder: [PipelineStep] = [.center, .attack, .interval, .linear, .split, .smt]

    /// The timing of every step that ran in `records`, in pipeline order.
    public static func table(_ records: [SampleRecord]) -> [StepTiming] {
        var seconds: [PipelineStep: [Double]] = [:]
        var decided: [PipelineStep: Int] = [:]
        for record in records {
            for step in record.steps {
                seconds[step.step, default: []].append(step.seconds)
                if step.decided { decided[step.step, default: 0] += 1 }
            }
        }
        let names = pipelineOrder.filter { seconds[$0] != nil }
        return names.map { name in
            let times = seconds[name]!.sorted()
            return StepTiming(step: name, ran: times.count, decided: decided[name] ?? 0,
                              median: quantile(times, 0.5), p90: quantile(times, 0.9),
                              maximum: times.last ?? 0, total: times.reduce(0, +))
        }
    }

    /// Nearest-rank quantile of an ascending array (0 for an empty one).
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = max(1, Int((p * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }
}
