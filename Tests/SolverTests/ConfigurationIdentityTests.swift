@testable import Solver
import XCTest

/// The identity text of every preset and of every CLI flag that changes it (`LoadedExperiment`
/// hashes it into each results file's experiment identity). The expected strings are what the
/// reflection-based text of the flat configuration (commit 7d709cc) printed for the same settings,
/// so results files written before the configuration was grouped by concern keep their hashes.
/// A change here is deliberate: it orphans results files (bump the identity version).
final class ConfigurationIdentityTests: XCTestCase {
    static var pinned: [(name: String, change: (inout QueryConfiguration) -> Void, text: String)] { [
        // the library default (robustness runs start from it); its escalated Adam attack
        // (added 2026-12-05) orphaned the results files written before
        ("default", { _ in },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: true, useLinear: true, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 20000, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 10000, smt2Directory: nil)"),
        // where Z3 runs and batch threads: left out, same text as the default
        ("placement", { $0.leaves.leafProcessExecutable = "/x"; $0.leaves.leafProcessGrace = 9; $0.search.searchThreads = 7 },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: true, useLinear: true, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 20000, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 10000, smt2Directory: nil)"),
        // --disable attack
        ("noAttack", { $0.attack.useAttack = false },
         "QueryConfiguration(useRelaxationLP: true, useAttack: false, useInterval: true, useLinear: true, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 20000, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 10000, smt2Directory: nil)"),
        // --disable interval
        ("noInterval", { $0.bounds.useInterval = false },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: false, useLinear: true, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 20000, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 10000, smt2Directory: nil)"),
        // --disable linear
        ("noLinear", { $0.bounds.useLinear = false },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: true, useLinear: false, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 20000, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 10000, smt2Directory: nil)"),
        // --disable split
        ("noSplit", { $0.search.useSplit = false },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: true, useLinear: true, useSplit: false, useSMT: true, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 20000, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 10000, smt2Directory: nil)"),
        // --disable smt
        ("noSMT", { $0.leaves.useSMT = false },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: true, useLinear: true, useSplit: true, useSMT: false, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 20000, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 10000, smt2Directory: nil)"),
        // --disable lp
        ("noLP", { $0.bounds.useRelaxationLP = false },
         "QueryConfiguration(useRelaxationLP: false, useAttack: true, useInterval: true, useLinear: true, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 20000, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 10000, smt2Directory: nil)"),
        // --attack random
        ("random", { $0.attack.attackMethod = .random },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: true, useLinear: true, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.random, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 20000, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 10000, smt2Directory: nil)"),
        // --attack both
        ("both", { $0.attack.attackMethod = .both },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: true, useLinear: true, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.both, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 20000, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 10000, smt2Directory: nil)"),
        // --max-depth, --smt-threshold, --rlimit 0, --timeout, --max-nodes (and the experiment's budgets)
        ("budgets", { $0.leaves.maxDepth = 7; $0.leaves.smtUnstableThreshold = 3; $0.limits.smtResourceLimit = 0; $0.limits.timeLimit = 12.5; $0.limits.maxNodes = 500 },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: true, useLinear: true, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 500, splitAspectRatio: 64.0, smtUnstableThreshold: 3, maxDepth: 7, leafTimeLimit: 5.0, smtResourceLimit: 0, timeLimit: 12.5, maxRecordedLeaves: 10000, smt2Directory: nil)"),
        // --smt2 (robustness identities clear it; the text still has the field)
        ("smt2", { $0.leaves.smt2Directory = "dir" },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: true, useLinear: true, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 20000, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 10000, smt2Directory: Optional(\"dir\"))"),
        // library-only settings
        ("leaves", { $0.limits.leafTimeLimit = 2.5; $0.limits.maxRecordedLeaves = 7; $0.search.splitAspectRatio = .infinity },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: true, useLinear: true, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 20000, splitAspectRatio: inf, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 2.5, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 7, smt2Directory: nil)"),
        // escalateAfterNodes without an escalated attack: left out
        ("escalateNoAttack", { $0.attack.escalatedAttack = nil; $0.attack.escalateAfterNodes = 3 },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: true, useLinear: true, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 20000, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 10000, smt2Directory: nil)"),
        // attack settings with every optional part set
        ("attacks", { $0.attack.wholeBox = AttackConfiguration(restarts: 2, steps: 3, seed: 5, stepSize: 0.25); $0.attack.nodeAttack = AttackConfiguration(samples: 4, decay: true); $0.attack.randomAttack = RandomSearchConfiguration(restarts: 1, steps: 2, candidates: 3, initialStep: 0.25, minimumStep: 0.125, seed: 9) },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: true, useLinear: true, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 2, steps: 3, seed: 5, stepSize: Optional(0.25)), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 1, steps: 2, candidates: 3, initialStep: 0.25, minimumStep: 0.125, seed: 9), nodeAttack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil, samples: 4, decay: true), maxNodes: 20000, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 10000, smt2Directory: nil)"),
        // verify vnnlib's configuration (--json: every leaf recorded)
        ("vnnlib", { $0.limits.maxNodes = Int.max; $0.attack.wholeBox = QueryConfiguration.vnnlibAttack; $0.attack.escalatedAttack = QueryConfiguration.vnnlibEscalatedAttack; $0.attack.nodeAttack = QueryConfiguration.vnnlibNodeAttack; $0.search.searchBatch = QueryConfiguration.oneShotSearchBatch; $0.limits.maxRecordedLeaves = .max; $0.search.strongBranchingDepth = QueryConfiguration.oneShotStrongBranchingDepth; $0.search.plainTrackPeriod = QueryConfiguration.oneShotPlainTrackPeriod; $0.search.searchThreads = 4 },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: true, useLinear: true, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 16, steps: 60, seed: 24301, stepSize: nil, samples: 8192, decay: true), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 256, steps: 100, seed: 3855227518, stepSize: nil, samples: 65536, decay: true)), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 2, seed: 24301, stepSize: nil), maxNodes: 9223372036854775807, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 9223372036854775807, smt2Directory: nil, searchBatch: 8, strongBranchingDepth: 16, plainTrackPeriod: 8)"),
        // verify local's configuration
        ("local", { $0.search.searchBatch = QueryConfiguration.oneShotSearchBatch },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: true, useLinear: true, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 20000, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 10000, smt2Directory: nil, searchBatch: 8)"),
        // verify local --strong-branching 16
        ("localStrong", { $0.search.searchBatch = QueryConfiguration.oneShotSearchBatch; $0.search.strongBranchingDepth = 16; $0.search.plainTrackPeriod = 8 },
         "QueryConfiguration(useRelaxationLP: true, useAttack: true, useInterval: true, useLinear: true, useSplit: true, useSMT: true, attack: Solver.AttackConfiguration(restarts: 4, steps: 40, seed: 24301, stepSize: nil), escalatedAttack: Optional(Solver.AttackConfiguration(restarts: 64, steps: 200, seed: 3855227518, stepSize: nil, samples: 4096, decay: true, rule: adam(rate: 0.1))), escalateAfterNodes: 2000, attackMethod: Solver.AttackMethod.gradient, randomAttack: Solver.RandomSearchConfiguration(restarts: 4, steps: 40, candidates: 8, initialStep: 0.5, minimumStep: 0.0078125, seed: 24301), nodeAttack: Solver.AttackConfiguration(restarts: 1, steps: 10, seed: 24301, stepSize: nil), maxNodes: 20000, splitAspectRatio: 64.0, smtUnstableThreshold: 0, maxDepth: 60, leafTimeLimit: 5.0, smtResourceLimit: 5000000, timeLimit: 60.0, maxRecordedLeaves: 10000, smt2Directory: nil, searchBatch: 8, strongBranchingDepth: 16, plainTrackPeriod: 8)"),
    ] }

    func testEveryPresetHasItsPinnedIdentityText() {
        for (name, change, text) in Self.pinned {
            var configuration = QueryConfiguration()
            change(&configuration)
            XCTAssertEqual(configuration.description, text, name)
            XCTAssertEqual("\(configuration)", text, name)
        }
    }

    /// Every stored setting of every group is either in the identity text, under its label,
    /// or one of the settings that only choose where and on how many threads the work runs.
    /// Fails when a setting is added to a group without an identity entry (or a placement
    /// setting gets one by mistake).
    func testEverySettingIsInTheIdentityUnlessItOnlyPlacesTheWork() {
        var everything = QueryConfiguration()
        everything.attack.escalatedAttack = QueryConfiguration.vnnlibEscalatedAttack
        everything.search.searchBatch = 2
        everything.search.strongBranchingDepth = 1
        everything.search.plainTrackPeriod = 1
        everything.bounds.slopeSteps = 1
        everything.phaseSplit.engine = .auto
        let labels = everything.identityFields.map(\.label)
        XCTAssertEqual(labels.count, QueryConfiguration.identityOrder.count)
        XCTAssertEqual(Set(labels), Set(QueryConfiguration.identityOrder))
        let placement: Set = ["leafProcessExecutable", "leafProcessGrace", "searchThreads"]
        var settings = 0
        for group in Mirror(reflecting: everything).children {
            // The phase engine's settings are one entry, its options' description.
            if group.label == "phaseSplit" {
                XCTAssertTrue(labels.contains("phaseSplit"))
                settings += 1
                continue
            }
            for setting in Mirror(reflecting: group.value).children {
                guard let label = setting.label else { continue }
                settings += 1
                let identityLabel = label == "wholeBox" ? "attack" : label
                XCTAssertNotEqual(labels.contains(identityLabel), placement.contains(label), label)
            }
        }
        XCTAssertEqual(settings, labels.count + placement.count)
    }

    /// The input engine's slope steps (``BoundSettings/slopeSteps``) enter the identity only
    /// when on, at the end, so that every results file written without them keeps its
    /// identity and one written with them is not resumed without them.
    func testSlopeStepsEnterTheIdentityOnlyWhenOn() {
        let plain = QueryConfiguration()
        XCTAssertFalse(plain.description.contains("slopeSteps"), plain.description)
        var slopes = plain
        slopes.bounds.slopeSteps = 20
        XCTAssertTrue(slopes.description.hasSuffix(", slopeSteps: 20)"), slopes.description)
        slopes.phaseSplit.engine = .auto
        XCTAssertTrue(slopes.description.hasSuffix(", phaseSplit: \(slopes.phaseSplit), slopeSteps: 20)"), slopes.description)
    }

    /// The phase engine at its defaults (input splitting) leaves the identity of every
    /// earlier results file unchanged; any other setting of it is part of the identity.
    func testThePhaseEngineEntersTheIdentityOnlyWhenNotDefault() {
        let plain = QueryConfiguration()
        XCTAssertFalse(plain.description.contains("phaseSplit"), plain.description)
        var phases = plain
        phases.phaseSplit.engine = .auto
        XCTAssertTrue(phases.description.hasSuffix(", phaseSplit: \(phases.phaseSplit))"), phases.description)
        var leaves = plain
        leaves.phaseSplit.leafUnstableThreshold = 3
        XCTAssertNotEqual(leaves.description, plain.description)
    }

    /// The phase engine's branching enters its identity entry only off BaBSR alone (the
    /// choice of every run before filtered smart branching existed), so earlier phase-engine
    /// identities stay; switching the falsifier off changes the entry too.
    func testBranchingAndFalsifierEnterThePhaseEntryOnlyOffTheirDefaults() {
        var phases = QueryConfiguration()
        phases.phaseSplit.engine = .auto
        XCTAssertFalse(phases.description.contains("branching"), phases.description)
        var babsr = phases
        babsr.phaseSplit.branching.objective = .negativeSum
        XCTAssertEqual(babsr.description, phases.description, "one candidate ignores the objective")
        var filtered = phases
        filtered.phaseSplit.branching.candidates = 4
        XCTAssertTrue(filtered.description.contains("branching: BranchingOptions(candidates: 4, objective: lowest, estimate: fixedIntermediates)"),
                      filtered.description)
        var off = phases
        off.phaseSplit.falsifier.enabled = false
        XCTAssertNotEqual(off.description, phases.description)
    }

    /// Node intermediates enter the phase entry only off `.refined` (the behaviour of every
    /// run before the option existed), so earlier phase-engine identities stay valid for
    /// `.refined`; the default, `.afterSplit`, and `.fixed` each have their own text.
    func testNodeIntermediatesEnterThePhaseEntryOnlyOffRefined() {
        var phases = QueryConfiguration()
        phases.phaseSplit.engine = .auto
        XCTAssertTrue(phases.description.contains(", nodeIntermediates: after-split, disjuncts: separate, ascent: "), phases.description)
        var refined = phases
        refined.phaseSplit.nodeIntermediates = .refined
        XCTAssertFalse(refined.description.contains("nodeIntermediates"), refined.description)
        var fixed = phases
        fixed.phaseSplit.nodeIntermediates = .fixed
        XCTAssertTrue(fixed.description.contains(", nodeIntermediates: fixed, disjuncts: separate, ascent: "), fixed.description)
        XCTAssertEqual(Set([fixed.description, phases.description, refined.description]).count, 3)
    }

    /// One tree per disjunct (the default) enters the phase entry; one tree for all, the
    /// search of every run before the option existed, does not, so those identities stay
    /// with the search that wrote them.
    func testSeparateDisjunctsEnterThePhaseEntryOnlyOffJoint() {
        var separate = QueryConfiguration()
        separate.phaseSplit.engine = .auto
        XCTAssertTrue(separate.description.contains(", disjuncts: separate, ascent: "), separate.description)
        var joint = separate
        joint.phaseSplit.disjuncts = .joint
        XCTAssertFalse(joint.description.contains("disjuncts"), joint.description)
        XCTAssertEqual(QueryConfiguration().description.contains("disjuncts"), false, "the input engine's identity is unchanged")
    }

    /// Adam (the default) enters the phase entry with its three rates, and any rate changes
    /// it; sign steps, the ascent of every run before Adam existed, leave it as it was.
    func testAdamAscentEntersThePhaseEntryWithItsRates() {
        var adam = QueryConfiguration()
        adam.phaseSplit.engine = .auto
        XCTAssertTrue(adam.description.hasSuffix(", ascent: adam(slopes 0.1, child slopes 0.01, multipliers 0.1), rootIntermediateIterations: 10"
                                                 + ", rootBranching: (perBound 100, total 20000, layers 1)))"),
                      adam.description)
        for change in [{ (o: inout PhaseSplitOptions) in o.slopeRate = 0.2 }, { $0.childSlopeRate = 0.02 }, { $0.multiplierRate = 0.05 }] {
            var changed = adam
            change(&changed.phaseSplit)
            XCTAssertNotEqual(changed.description, adam.description)
        }
        var sign = adam
        sign.phaseSplit.optimiser = .sign
        XCTAssertFalse(sign.description.contains("ascent"), sign.description)
        XCTAssertTrue(sign.description.hasSuffix(", disjuncts: separate, rootIntermediateIterations: 10, rootBranching: (perBound 100, total 20000, layers 1)))"),
                      sign.description)
        sign.phaseSplit.slopeRate = 0.3
        XCTAssertFalse(sign.description.contains("ascent"), "sign steps do not use the rates")
        XCTAssertEqual(QueryConfiguration().description.contains("ascent"), false, "the input engine's identity is unchanged")
    }

    /// The root's intermediate tightening enters the phase entry with its step count (it
    /// changes the trees); off (0), the entry is what it was before the option existed.
    func testRootIntermediateStepsEnterThePhaseEntryOnlyWhenOn() {
        var on = QueryConfiguration()
        on.phaseSplit.engine = .auto
        on.phaseSplit.rootBranching.perBound = 0
        XCTAssertTrue(on.description.contains(", rootIntermediateIterations: 10)"), on.description)
        var more = on
        more.phaseSplit.rootIntermediateIterations = 30
        XCTAssertNotEqual(more.description, on.description)
        var off = on
        off.phaseSplit.rootIntermediateIterations = 0
        XCTAssertFalse(off.description.contains("rootIntermediate"), off.description)
        XCTAssertTrue(off.description.hasSuffix(", ascent: adam(slopes 0.1, child slopes 0.01, multipliers 0.1)))"), off.description)
    }

    /// The root's branching enters the phase entry with its budget (it changes the trees),
    /// and each part of the budget changes it; off (0), the entry is what it was before.
    func testRootBranchingEntersThePhaseEntryOnlyWhenOn() {
        var on = QueryConfiguration()
        on.phaseSplit.engine = .auto
        XCTAssertTrue(on.description.hasSuffix(", rootBranching: (perBound 100, total 20000, layers 1)))"), on.description)
        for change in [{ (o: inout PhaseSplitOptions) in o.rootBranching.perBound = 20 }, { $0.rootBranching.total = 5000 },
                       { $0.rootBranching.layers = 2 }] {
            var changed = on
            change(&changed.phaseSplit)
            XCTAssertNotEqual(changed.description, on.description)
        }
        var off = on
        off.phaseSplit.rootBranching.perBound = 0
        XCTAssertFalse(off.description.contains("rootBranching"), off.description)
        XCTAssertTrue(off.description.hasSuffix(", rootIntermediateIterations: 10))"), off.description)
        XCTAssertEqual(QueryConfiguration().description.contains("rootBranching"), false, "the input engine's identity is unchanged")
    }

    /// Where Z3 runs is left out; a setting that changes verdicts is not.
    func testWhereZ3RunsStaysOutOfTheIdentity() {
        let plain = QueryConfiguration()
        var isolated = plain
        isolated.leaves.leafProcessExecutable = "/usr/local/bin/verify-leaf"
        isolated.leaves.leafProcessGrace = 9
        XCTAssertEqual(isolated.description, plain.description)
        XCTAssertFalse(plain.description.contains("leafProcess"), plain.description)
        var budget = plain
        budget.leaves.maxDepth = 7
        XCTAssertNotEqual(budget.description, plain.description)
    }
}
