import Dispatch
import Encoding
import Foundation
import Network
import Sampling
import Solver

// `digits-bench attacks [perClass] [eps,eps,...]`: the two attacks of `verify attack` against
// the exact pipeline on the same samples. For every eps and every class c, the experiment's
// noises x_0 ... x_{perClass-1} of class c (examples/digits/experiment.json, noise seed 0,
// the noises `verify attack` and `verify robustness` use) whose centre is classified c:
//   - exact: the pipeline with its attack step disabled (`--disable attack`): NOT ROBUST
//     counts the real counterexamples (found by split or Z3);
//   - blackbox / whitebox: `RealisticAdversarialSearch` on that one sample with the default
//     budget (100 steps, 5 starts, 8 candidates / step eps/100), success rate and median
//     time of the successful searches; "missed" = exact NOT ROBUST but no pair found.
// A pair found on a sample the exact pipeline proves robust would be a soundness bug: it is
// counted in the "contradictions" column (must be 0).
enum AttackBenchmark {
    struct Row {
        var samples = 0, skipped = 0, exactNotRobust = 0, exactUnknown = 0
        var found: [RealisticAttackMethod: Int] = [:]
        var missed: [RealisticAttackMethod: Int] = [:]
        var times: [RealisticAttackMethod: [Double]] = [:]
        var firstTimes: [RealisticAttackMethod: [Double]] = [:]
        var contradictions = 0
        var exactTimes: [Double] = []
    }

    static func run(_ arguments: [String]) throws {
        let perClass = arguments.first.flatMap { Int($0) } ?? 100
        let epsilons = arguments.count > 1 ? arguments[1].split(separator: ",").compactMap { Double($0) } : [0.05, 0.1, 0.2]
        let experiment = try Experiment.load(contentsOf: "examples/digits/experiment.json")
        let loaded = try LoadedExperiment(experiment)
        var exactConfiguration = QueryConfiguration()
        exactConfiguration.attack.useAttack = false
        exactConfiguration.limits.timeLimit = 60
        let solver = try QuerySolver(configuration: exactConfiguration)
        let methods = RealisticAttackMethod.allCases

        print("| eps | samples (centre correct) | exact NOT ROBUST (attack off) | exact unknown | blackbox found | blackbox missed | blackbox median ms | whitebox found | whitebox missed | whitebox median ms | first example per class, median ms (blackbox / whitebox) | contradictions |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for eps in epsilons {
            var row = Row()
            for c in loaded.classes {
                var cumulative: [RealisticAttackMethod: Double] = [:]
                var firstFound: Set<RealisticAttackMethod> = []
                for i in 0..<perClass {
                    let x = loaded.noise(classIndex: c, sampleIndex: i)
                    let logits = loaded.logits(classIndex: c, noise: x)
                    guard (0..<logits.count).allSatisfy({ $0 == c || logits[$0] < logits[c] }) else { row.skipped += 1; continue }
                    row.samples += 1
                    let query = SafetyQuery(network: loaded.networks[c]!, box: try Box.linf(center: x, radius: eps),
                                            property: .misclassification(outputCount: loaded.outputCount, trueClass: c))
                    let exact = solver.solve(query)
                    row.exactTimes.append(exact.seconds * 1000)
                    var exactViolated = false, exactRobust = false
                    switch exact.verdict {
                    case .violated, .violatedUnconfirmed: row.exactNotRobust += 1; exactViolated = true
                    case .holds: exactRobust = true
                    case .unknown: row.exactUnknown += 1
                    }
                    for method in methods {
                        var search = RealisticAdversarialSearch(classIndex: c, target: .anyOther, method: method)
                        search.eps = eps
                        search.startSample = i
                        search.samples = 1
                        let start = DispatchTime.now()
                        let outcome = try search.run(loaded)
                        let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
                        if !firstFound.contains(method) { cumulative[method, default: 0] += ms }
                        if case .found = outcome {
                            row.found[method, default: 0] += 1
                            row.times[method, default: []].append(ms)
                            if exactRobust { row.contradictions += 1 }
                            if !firstFound.contains(method) {
                                firstFound.insert(method)
                                row.firstTimes[method, default: []].append(cumulative[method]!)
                            }
                        } else if exactViolated {
                            row.missed[method, default: 0] += 1
                        }
                    }
                }
            }
            func median(_ values: [Double]?) -> String {
                guard let values, !values.isEmpty else { return "-" }
                let sorted = values.sorted()
                return String(format: "%.2f", sorted[sorted.count / 2])
            }
            let cells = methods.map { method in
                "\(row.found[method] ?? 0) (\(String(format: "%.1f", 100 * Double(row.found[method] ?? 0) / Double(max(row.samples, 1))))%) | \(row.missed[method] ?? 0) | \(median(row.times[method]))"
            }.joined(separator: " | ")
            let first = methods.map { "\(median(row.firstTimes[$0])) (\(row.firstTimes[$0]?.count ?? 0) classes)" }.joined(separator: " / ")
            print("| \(eps) | \(row.samples) (\(row.skipped) skipped) | \(row.exactNotRobust) | \(row.exactUnknown) | \(cells) | \(first) | \(row.contradictions) |")
            FileHandle.standardError.write(Data("eps \(eps): exact median \(median(row.exactTimes)) ms\n".utf8))
        }
    }
}
