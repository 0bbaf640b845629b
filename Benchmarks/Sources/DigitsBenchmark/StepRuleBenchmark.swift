import Dispatch
import Encoding
import Foundation
import Network
import Sampling
import Solver

// `digits-bench step-rules EXPERIMENT CLASS SAMPLE EPS [runs] [steps]`: the gradient attack's
// two step rules (``AttackStepRule``) on one sample's query, the eps-box around noise
// `SAMPLE` of class `CLASS` of EXPERIMENT (its noise seed) against misclassification:
//   - per start: `runs` attacks of 2 starts each (the box centre and one uniform start drawn
//     with seed k = 0 ..< runs), `steps` decaying steps per start (Adam at rate 0.1; sign
//     steps of 2.5 · width / steps); how many runs reach the goal, and their evaluations;
//   - the whole escalated attack (``QueryConfiguration/escalatedAttack``) with each rule:
//     found or not, evaluations, seconds.
// Every point counted as found reaches the goal in the reference forward pass (the attack's
// postcondition), and is re-checked here with the exact evaluation (not timed).
enum StepRuleBenchmark {
    static func run(_ arguments: [String]) throws {
        guard arguments.count >= 4, let c = Int(arguments[1]), let sample = Int(arguments[2]), let eps = Double(arguments[3]) else {
            FileHandle.standardError.write(Data("usage: digits-bench step-rules EXPERIMENT CLASS SAMPLE EPS [runs] [steps]\n".utf8))
            exit(2)
        }
        let runs = arguments.count > 4 ? Int(arguments[4]) ?? 100 : 100
        let steps = arguments.count > 5 ? Int(arguments[5]) ?? 200 : 200
        let loaded = try LoadedExperiment(try Experiment.load(contentsOf: arguments[0]))
        let network = loaded.networks[c]!
        let noise = loaded.noise(classIndex: c, sampleIndex: sample)
        let box = try Box.linf(center: noise, radius: eps)
        let goal = AttackGoal.misclassification(outputCount: loaded.outputCount, trueClass: c)
        print("noise \(noise)")

        func exactlyViolated(_ point: [Double]) -> Bool {
            guard let exact = network.evaluateExactly(point) else { return false }
            return (0..<exact.count).contains { $0 != c && exact[$0] >= exact[c] }
        }
        let rules: [(String, AttackStepRule)] = [("sign", .sign), ("adam", .adam)]
        print("| rule | runs reaching the goal (centre + 1 uniform start, \(steps) decaying steps) | evaluations | seconds |")
        print("| --- | --- | --- | --- |")
        for (name, rule) in rules {
            var hits = 0, evaluations = 0, attackSeconds = 0.0
            for k in 0..<runs {
                let configuration = AttackConfiguration(restarts: 2, steps: steps, seed: UInt64(k), decay: true, rule: rule)
                let start = DispatchTime.now()
                let outcome = GradientAttack.search(network: network, box: box, goal: goal, configuration: configuration)
                attackSeconds += seconds(since: start)
                evaluations += outcome.effort.evaluations
                if let point = outcome.point {
                    precondition(exactlyViolated(point), "an attack point that the exact evaluation does not confirm")
                    hits += 1
                }
            }
            print("| \(name) | \(hits) / \(runs) | \(evaluations) | \(String(format: "%.2f", attackSeconds)) |")
        }
        print("")
        print("| escalated attack (4,096 samples, 64 starts of 200 decaying steps) | found | evaluations | seconds |")
        print("| --- | --- | --- | --- |")
        for (name, rule) in rules {
            var configuration = QueryConfiguration.escalatedAttack
            configuration.rule = rule
            let start = DispatchTime.now()
            let outcome = GradientAttack.search(network: network, box: box, goal: goal, configuration: configuration)
            let attackSeconds = seconds(since: start)
            let found = outcome.point.map { exactlyViolated($0) ? "yes (restart \(outcome.effort.restarts))" : "UNCONFIRMED" } ?? "no"
            print("| \(name) | \(found) | \(outcome.effort.evaluations) | \(String(format: "%.2f", attackSeconds)) |")
        }
    }

    static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }
}
