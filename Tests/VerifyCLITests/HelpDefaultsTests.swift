import Foundation
import Sampling
import Solver
import XCTest

/// The defaults that `--help` prints are the values the commands run with: each "default X"
/// in an option line of the solver commands is compared with the library's configuration
/// (``QueryConfiguration``), which is what `SolverOptions` starts from, and those of
/// `verify attack` with ``RealisticAdversarialSearch``'s.
final class HelpDefaultsTests: XCTestCase {
    /// `(option, default as printed)` for every option line whose help says "default X" (not
    /// "default: ...", which describes rather than states a value). A clause that lists one
    /// default per command, "default A for vnnlib, B for local" (or "B for local and
    /// robustness"), gives A then B.
    static func printedDefaults(_ help: String) -> [(option: String, value: String)] {
        var found: [(String, String)] = []
        for line in help.split(separator: "\n").map(String.init) where line.hasPrefix("  --") {
            let option = String(line.dropFirst(2).prefix { $0 != " " })
            var rest = Substring(line)
            while let start = rest.range(of: "default ") {
                rest = rest[start.upperBound...]
                let clause = rest.prefix { $0 != ";" && $0 != ")" }
                for (index, item) in clause.components(separatedBy: ", ").enumerated() {
                    let words = item.split(separator: " ")
                    guard let value = words.first else { break }
                    // Later items count only in the "B for COMMAND[ and COMMAND]" form.
                    if index > 0 && !((words.count == 3 || words.count == 5 && words[3] == "and") && words[1] == "for") { break }
                    found.append((option, String(value)))
                }
            }
        }
        return found
    }

    func testEveryDefaultInTheSolverCommandsHelpIsTheConfigurationsValue() throws {
        let configuration = QueryConfiguration()
        // One expected value per option; a list where the line names several commands'
        // defaults in order ("default 16 for vnnlib, 0 for local").
        let expected: [String: [String]] = [
            "--timeout": [configuration.limits.timeLimit == configuration.limits.timeLimit.rounded() ? "\(Int(configuration.limits.timeLimit))" : "\(configuration.limits.timeLimit)"],
            "--rlimit": ["\(configuration.limits.smtResourceLimit)"],
            "--max-nodes": ["\(configuration.limits.maxNodes)"],
            "--max-depth": ["\(configuration.leaves.maxDepth)"],
            "--smt-threshold": ["\(configuration.leaves.smtUnstableThreshold)"],
            "--attack": [configuration.attack.attackMethod.rawValue],
            // vnnlib's preset, then local's 0 (no strong branching on C∘G networks, measured
            // in Benchmarks/README.md), which LocalAndVNNLibCommandTests checks is what runs:
            // the default search equals --strong-branching 0.
            "--strong-branching": ["\(QueryConfiguration.oneShotStrongBranchingDepth)", "0"],
            // vnnlib and local pass auto (phases from 16 input dimensions on).
            "--engine": [PhaseSplitOptions.Engine.auto.rawValue],
            // vnnlib's preset, then local's and robustness's (the configuration's).
            "--input-slopes": ["\(QueryConfiguration.oneShotSlopeSteps)", "\(configuration.bounds.slopeSteps)"],
            "--phase-leaf": ["\(PhaseSplitOptions().leafUnstableThreshold)"],
            "--phase-slopes": ["\(PhaseSplitOptions().slopeIterations)"],
            "--phase-branching": ["\(PhaseSplitOptions().branching.candidates)"],
            "--phase-branching-objective": [PhaseSplitOptions().branching.objective.rawValue],
            "--phase-branching-estimate": [PhaseSplitOptions().branching.estimate.rawValue],
            "--falsifier": [PhaseSplitOptions().falsifier.enabled ? "on" : "off"],
            "--phase-child-slopes": ["\(PhaseSplitOptions().childSlopeIterations)"],
            "--phase-falsifier-steps": ["\(PhaseSplitOptions().falsifier.nodeSteps)"],
            "--phase-root-intermediates": ["\(PhaseSplitOptions().rootIntermediateIterations)"],
            "--phase-root-branching": ["\(PhaseSplitOptions().rootBranching.perBound)"],
            "--phase-root-branching-layers": ["\(PhaseSplitOptions().rootBranching.layers)"],
            "--phase-betas": [PhaseSplitOptions().splitMultipliers ? "on" : "off"],
            "--phase-node-bounds": [PhaseSplitOptions().nodeIntermediates.rawValue],
            "--phase-disjuncts": [PhaseSplitOptions().disjuncts.rawValue],
            "--phase-optimiser": [PhaseSplitOptions().optimiser.rawValue],
            "--phase-slope-rate": ["\(PhaseSplitOptions().slopeRate)"],
            "--phase-child-slope-rate": ["\(PhaseSplitOptions().childSlopeRate)"],
            "--phase-beta-rate": ["\(PhaseSplitOptions().multiplierRate)"],
            // The identity adapter.
            "--adapter-scale": ["1"],
            "--adapter-shift": ["0"],
        ]
        var checked: Set<String> = []
        for command in ["vnnlib", "local", "correctness"] {
            checked.formUnion(try checkDefaults(command, expected))
        }
        // robustness's --engine names the experiment's default engine.
        var robustness = expected
        robustness["--engine"] = [try Experiment.parse(Data("{\"classifier\": \"c\", \"generators\": {\"0\": \"g\"}, \"eps\": 0.1}".utf8),
                                                      file: "e.json", baseDirectory: "").engine.rawValue]
        checked.formUnion(try checkDefaults("robustness", robustness))
        // The drift that started this test: --rlimit's help once said 20000000 while the
        // code ran 5000000.
        for option in ["--timeout", "--rlimit", "--max-nodes", "--max-depth", "--smt-threshold", "--attack",
                       "--strong-branching", "--input-slopes", "--adapter-scale", "--adapter-shift"] {
            XCTAssertTrue(checked.contains(option), "no default printed for \(option)")
        }
    }

    func testEveryDefaultInTheAttackHelpIsTheSearchsValue() throws {
        let search = RealisticAdversarialSearch(classIndex: 0)
        XCTAssertEqual(search.target, .anyOther)
        XCTAssertNil(search.stepSize)
        XCTAssertNil(search.seconds)
        let checked = try checkDefaults("attack", [
            "--target": ["any"],
            "--samples": ["\(search.samples)"],
            "--start": ["\(search.startSample)"],
            "--steps": ["\(search.steps)"],
            "--restarts": ["\(search.restarts)"],
            "--candidates": ["\(search.candidates)"],
            "--seed": ["\(search.seed)"],
            "--step-size": ["eps"],  // nil: eps / steps
            "--seconds": ["none"],   // nil: no cap
        ])
        XCTAssertEqual(checked.count, 9)
    }

    /// Compares every printed default of `verify COMMAND --help` with `expected`; returns the
    /// options seen. An option that prints a default missing from `expected` fails.
    func checkDefaults(_ command: String, _ expected: [String: [String]]) throws -> Set<String> {
        let help = try runVerify([command, "--help"])
        XCTAssertEqual(help.status, 0, help.stderr)
        var seen: [String: [String]] = [:]
        for (option, value) in Self.printedDefaults(help.stdout) { seen[option, default: []].append(value) }
        for (option, values) in seen {
            guard let want = expected[option] else {
                XCTFail("verify \(command) --help: \(option) prints 'default \(values[0])' that this test does not know; add its source to `expected`")
                continue
            }
            XCTAssertEqual(values, want, "verify \(command) --help: \(option)")
        }
        return Set(seen.keys)
    }

    func testParserReadsDefaultsAndSkipsDescriptions() {
        let help = """
          --a N      budget (default 12; 0 = none)
          --b X      method: x or y (default x)
          --c N      threads (default: all cores)
          --d N      depth (0 = off; default 16 for vnnlib, 0 for local)
          --e N      steps (default 20 for vnnlib, 0 for local and robustness; 0 = off)
          --f N      size (default 3, more with care)
        """
        let found = Self.printedDefaults(help).map { "\($0.option)=\($0.value)" }
        XCTAssertEqual(found, ["--a=12", "--b=x", "--d=16", "--d=0", "--e=20", "--e=0", "--f=3"])
    }
}
