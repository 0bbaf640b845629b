import Foundation
import Encoding
import Network
import Solver

/// Options shared by the commands that run the exact pipeline (`local`, `vnnlib`).
enum SolverOptions {
    /// Where every default printed below comes from: the library's configuration, so that
    /// the help cannot drift from what runs.
    private static let defaults = QueryConfiguration()

    /// `--strong-branching` of `verify local`: off (``QueryConfiguration/oneShotStrongBranchingDepth``
    /// says why); `verify vnnlib` uses ``QueryConfiguration/oneShotStrongBranchingDepth``.
    static let localStrongBranchingDepth = 0

    static let options: [OptionSpec] = [
        .value("--timeout", "SEC", "wall-clock safety net per query (default \(helpNumber(defaults.limits.timeLimit)))"),
        .value("--rlimit", "N", "Z3 resource limit per leaf, deterministic (default \(defaults.limits.smtResourceLimit); 0 = none)"),
        .value("--max-nodes", "N", "split-search budget in sub-boxes, plain track not counted (default \(defaults.limits.maxNodes); none for vnnlib, where --timeout is the budget)"),
        .value("--max-depth", "N", "split depth at which a sub-box goes to Z3 whatever its size (default \(defaults.leaves.maxDepth))"),
        .value("--smt-threshold", "N", "send a sub-box to Z3 when it has at most N unstable units (default \(defaults.leaves.smtUnstableThreshold); 0 = only once linear, or at the depth limit)"),
        .value("--disable", "STEP[,STEP]", "ablation: turn off attack, interval, linear, split, lp and/or smt"),
        .value("--attack", "METHOD", "whole-box attack step: \(AttackMethod.allCases.map(\.rawValue).joined(separator: ", ")) (default \(defaults.attack.attackMethod.rawValue))"),
        .value("--falsifier", "on|off",
               "phase engine: gradient descents on the whole box and from each sub-problem's bound minimiser (default \(defaults.phaseSplit.falsifier.enabled ? "on" : "off"); off: only the minimisers are checked, and the escalated attack of vnnlib runs instead)"),
        .value("--json", "FILE", "write the certificate record (JSON) to FILE"),
        .value("--smt2", "DIR", "write every Z3 leaf query as an SMT-LIB2 file into DIR"),
        LeafProcessOption.option,
    ]

    /// The options of the one-query commands (`local`, `vnnlib`); robustness runs parallelise
    /// over samples (`--jobs`) instead and keep their experiment's search.
    static let oneShotOptions: [OptionSpec] = [
        .value("--threads", "N", "threads of the split search (default: all cores); verdicts and counterexamples do not depend on it"),
        .value("--strong-branching", "DEPTH",
               "choose the splits of the top DEPTH levels by strong branching, with a plain track for counterexamples (0 = off; default \(QueryConfiguration.oneShotStrongBranchingDepth) for vnnlib, \(localStrongBranchingDepth) for local)"),
        .value("--engine", "ENGINE",
               "branch and bound on the input box (input), on ReLU phases (phase), or phase from \(PhaseSplitOptions().minimumInputDimension) input dimensions on (auto) (default auto)"),
    ] + phaseTuningOptions

    /// The engines' settings (`--input-slopes` and every `--phase-*` option): the one-query
    /// commands and `robustness` take them; a robustness run records them in its results
    /// identity.
    static let phaseTuningOptions: [OptionSpec] = [
        .value("--input-slopes", "N",
               "input engine: optimise the ReLU lower slopes of every sub-box that the plain bounds leave open by N gradient steps before splitting it (alpha-CROWN; default \(QueryConfiguration.oneShotSlopeSteps) for vnnlib, \(defaults.bounds.slopeSteps) for local and robustness; 0 = off)"),
        .value("--phase-leaf", "N",
               "phase engine: send a sub-problem with at most N unstable units to Z3 (default \(PhaseSplitOptions().leafUnstableThreshold))"),
        .value("--phase-slopes", "N",
               "phase engine: optimise the ReLU lower slopes at the root by N gradient steps (default \(PhaseSplitOptions().slopeIterations); 0 = adaptive slopes)"),
        .value("--phase-child-slopes", "N",
               "phase engine: the same for every other sub-problem, starting from its parent's slopes (default \(PhaseSplitOptions().childSlopeIterations))"),
        .value("--phase-root-intermediates", "N",
               "phase engine: before the search, tighten the intermediate layers' bounds with slopes optimised for them by N gradient steps per layer and side (default \(PhaseSplitOptions().rootIntermediateIterations); 0 = off)"),
        .value("--phase-root-branching", "N",
               "phase engine: then tighten them by branch and bound over earlier ReLU phases, N bound evaluations per unit and side (default \(PhaseSplitOptions().rootBranching.perBound); 0 = off)"),
        .value("--phase-root-branching-layers", "L",
               "phase engine: how many intermediate layers, front to back, the root branching tightens (default \(PhaseSplitOptions().rootBranching.layers))"),
        .value("--phase-optimiser", "adam|sign",
               "phase engine: how slopes and multipliers are optimised, Adam or sign-gradient steps (default \(PhaseSplitOptions().optimiser.rawValue))"),
        .value("--phase-slope-rate", "R",
               "phase engine: Adam's slope step size at the root (default \(PhaseSplitOptions().slopeRate))"),
        .value("--phase-child-slope-rate", "R",
               "phase engine: Adam's slope step size below the root (default \(PhaseSplitOptions().childSlopeRate))"),
        .value("--phase-beta-rate", "R",
               "phase engine: Adam's split-multiplier step size (default \(PhaseSplitOptions().multiplierRate))"),
        .value("--phase-branching", "K",
               "phase engine: choose each split among the top K units by the BaBSR score by their children's bounds (filtered smart branching; default \(BranchingOptions().candidates); 1 = BaBSR alone)"),
        .value("--phase-branching-objective", "OBJECTIVE",
               "phase engine: what filtered smart branching maximises for the worse child, \(BranchingOptions.Objective.allCases.map(\.rawValue).joined(separator: " or ")) (default \(BranchingOptions().objective.rawValue))"),
        .value("--phase-branching-estimate", "ESTIMATE",
               "phase engine: how filtered smart branching bounds a candidate's children, \(BranchingOptions.Estimate.allCases.map(\.rawValue).joined(separator: " or ")) (default \(BranchingOptions().estimate.rawValue))"),
        .value("--phase-betas", "on|off|shared",
               "phase engine: split constraints in the bounds as optimised Lagrange multipliers (beta-CROWN), per specification row or shared by all rows, optimised where slopes are (default \(PhaseSplitOptions().splitMultipliers ? "on" : "off"))"),
        .value("--phase-node-bounds", "refined|fixed|after-split",
               "phase engine: below the root, re-derive every intermediate layer's bounds (refined), keep the parent's with the split units clipped and bound only the specification rows (fixed), or re-derive only the layers after the node's split (after-split) (default \(PhaseSplitOptions().nodeIntermediates.rawValue))"),
        .value("--phase-falsifier-steps", "N",
               "phase engine: gradient steps of the falsifier's short descent from each sub-problem's bound minimiser (default \(FalsifierOptions().nodeSteps); 0 = the minimisers are only checked)"),
        .value("--phase-disjuncts", "joint|separate",
               "phase engine: one search tree for all disjuncts of the unsafe set (joint), or one tree per disjunct, forked at the first split (separate) (default \(PhaseSplitOptions().disjuncts.rawValue))"),
    ]

    /// A default as the help prints it: integers without a fraction (`60`, not `60.0`).
    static func helpNumber(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }

    /// One query per run: the split search works on batches of sub-boxes
    /// (``QueryConfiguration/oneShotSearchBatch``) prepared on `--threads` threads, and
    /// chooses its top splits by strong branching to `--strong-branching` levels (default
    /// `strongBranching`), with the plain track (``SearchSettings/plainTrackPeriod``)
    /// whenever strong branching is on (without it both tracks would be the same tree), and
    /// tries optimised slopes on open sub-boxes with `--input-slopes` steps (default
    /// `slopeSteps`).
    static func oneShotSearch(_ arguments: ParsedArguments, _ configuration: inout QueryConfiguration,
                              strongBranching: Int, slopeSteps: Int, engine: PhaseSplitOptions.Engine = .input) throws {
        configuration.bounds.slopeSteps = slopeSteps
        try phaseSplit(arguments, &configuration, engine: engine)
        configuration.search.searchBatch = QueryConfiguration.oneShotSearchBatch
        // A certificate (`--json`) is checkable only with every closed sub-box in it.
        if arguments.value("--json") != nil { configuration.limits.maxRecordedLeaves = .max }
        configuration.search.strongBranchingDepth = try arguments.int("--strong-branching") ?? strongBranching
        configuration.search.plainTrackPeriod = configuration.search.strongBranchingDepth > 0 ? QueryConfiguration.oneShotPlainTrackPeriod : 0
        configuration.search.searchThreads = try arguments.int("--threads", minimum: 1) ?? ProcessInfo.processInfo.activeProcessorCount
    }

    /// `--engine`, `--phase-leaf` and the slope steps. Both engines write certificates that
    /// `verify check` re-proves (the phase engine its proof tree, format 2).
    static func phaseSplit(_ arguments: ParsedArguments, _ configuration: inout QueryConfiguration,
                           engine defaultEngine: PhaseSplitOptions.Engine) throws {
        let explicit = try arguments.parsed("--engine", as: "input, phase or auto") { PhaseSplitOptions.Engine(rawValue: $0) }
        try phaseTuning(arguments, &configuration)
        configuration.phaseSplit.engine = explicit ?? defaultEngine
    }

    /// `--input-slopes` into `configuration.bounds` and the `--phase-*` options
    /// (``phaseTuningOptions``) into `configuration.phaseSplit`; the engine is left alone.
    static func phaseTuning(_ arguments: ParsedArguments, _ configuration: inout QueryConfiguration) throws {
        if let steps = try arguments.int("--input-slopes", minimum: 0) { configuration.bounds.slopeSteps = steps }
        if let threshold = try arguments.int("--phase-leaf") { configuration.phaseSplit.leafUnstableThreshold = threshold }
        if let steps = try arguments.int("--phase-slopes") { configuration.phaseSplit.slopeIterations = steps }
        if let steps = try arguments.int("--phase-root-intermediates", minimum: 0) { configuration.phaseSplit.rootIntermediateIterations = steps }
        if let budget = try arguments.int("--phase-root-branching", minimum: 0) { configuration.phaseSplit.rootBranching.perBound = budget }
        if let layers = try arguments.int("--phase-root-branching-layers", minimum: 1) { configuration.phaseSplit.rootBranching.layers = layers }
        if let steps = try arguments.int("--phase-child-slopes") { configuration.phaseSplit.childSlopeIterations = steps }
        if let steps = try arguments.int("--phase-falsifier-steps", minimum: 0) { configuration.phaseSplit.falsifier.nodeSteps = steps }
        if let optimiser = try arguments.parsed("--phase-optimiser", as: "adam or sign", { HintAscent.Method(rawValue: $0) }) {
            configuration.phaseSplit.optimiser = optimiser
        }
        let positive = "a positive number"
        func rate(_ text: String) -> Double? { Double(text).flatMap { $0 > 0 && $0.isFinite ? $0 : nil } }
        if let value = try arguments.parsed("--phase-slope-rate", as: positive, rate) { configuration.phaseSplit.slopeRate = value }
        if let value = try arguments.parsed("--phase-child-slope-rate", as: positive, rate) { configuration.phaseSplit.childSlopeRate = value }
        if let value = try arguments.parsed("--phase-beta-rate", as: positive, rate) { configuration.phaseSplit.multiplierRate = value }
        if let candidates = try arguments.int("--phase-branching", minimum: 1) { configuration.phaseSplit.branching.candidates = candidates }
        if let objective = try arguments.parsed("--phase-branching-objective", as: BranchingOptions.Objective.allCases.map(\.rawValue).joined(separator: " or "),
                                                { BranchingOptions.Objective(rawValue: $0) }) {
            configuration.phaseSplit.branching.objective = objective
        }
        if let estimate = try arguments.parsed("--phase-branching-estimate", as: BranchingOptions.Estimate.allCases.map(\.rawValue).joined(separator: " or "),
                                               { BranchingOptions.Estimate(rawValue: $0) }) {
            configuration.phaseSplit.branching.estimate = estimate
        }
        if let betas = try arguments.parsed("--phase-betas", as: "on, off or shared", { ["on": (true, false), "off": (false, false), "shared": (true, true)][$0] }) {
            (configuration.phaseSplit.splitMultipliers, configuration.phaseSplit.sharedMultipliers) = betas
        }
        if let intermediates = try arguments.parsed("--phase-node-bounds", as: "refined, fixed or after-split", { PhaseNodeIntermediates(rawValue: $0) }) {
            configuration.phaseSplit.nodeIntermediates = intermediates
        }
        if let disjuncts = try arguments.parsed("--phase-disjuncts", as: "joint or separate", { PhaseDisjunctSearch(rawValue: $0) }) {
            configuration.phaseSplit.disjuncts = disjuncts
        }
    }

    /// The search statistics of a one-shot query: how many sub-problems the branch and bound
    /// bounded (sub-boxes of the input splitting, or phase sub-problems of the phase engine)
    /// and how many of them went to Z3, with Z3's answers.
    /// The phase engine adds its root branching's effort (``IntermediateBranching``) and its
    /// falsifier's effort (points tried, gradient steps, whether it found the counterexample).
    static func searchLine(_ s: QueryStatistics, phaseEngine: Bool) -> String {
        "search: \(phaseEngine ? "phase engine, \(s.nodes) sub-problems" : "\(s.nodes) sub-boxes"), depth \(s.maxDepth), "
            + "\(s.smtLeaves) Z3 leaves (\(s.smtUnsat) unsat, \(s.smtSat) sat, \(s.smtUnknown) unknown), root unstable units \(s.rootUnstableUnits)"
            + (s.slopeClosures > 0 ? ", \(s.slopeClosures) closed by optimised slopes" : "")
            + (s.rootBranchEvaluations > 0
               ? ", root branching \(s.rootBranchEvaluations) bounds, \(s.rootBranchStabilised) of \(s.rootBranchLoose) loose units made stable" : "")
            + (phaseEngine ? "; falsifier: \(s.falsifier.candidates) candidates, \(s.falsifier.steps) steps, found \(s.falsifierFound ? "yes" : "no")" : "")
    }

    static func configuration(_ arguments: ParsedArguments) throws -> QueryConfiguration {
        var configuration = QueryConfiguration()
        if let timeout = try arguments.double("--timeout") {
            guard timeout > 0 else { throw UsageError(description: "verify \(arguments.command.name): --timeout must be positive") }
            configuration.limits.timeLimit = timeout
        }
        if let limit = try arguments.int("--rlimit") { configuration.limits.smtResourceLimit = UInt64(limit) }
        if let nodes = try arguments.int("--max-nodes", minimum: 1) { configuration.limits.maxNodes = nodes }
        if let depth = try arguments.int("--max-depth", minimum: 1) { configuration.leaves.maxDepth = depth }
        if let threshold = try arguments.int("--smt-threshold") { configuration.leaves.smtUnstableThreshold = threshold }
        for step in (arguments.value("--disable") ?? "").split(separator: ",") {
            switch step.trimmingCharacters(in: .whitespaces) {
            case "attack": configuration.attack.useAttack = false
            case "interval": configuration.bounds.useInterval = false
            case "linear": configuration.bounds.useLinear = false
            case "split": configuration.search.useSplit = false
            case "smt": configuration.leaves.useSMT = false
            case "lp": configuration.bounds.useRelaxationLP = false
            case let other:
                throw UsageError(description: "verify \(arguments.command.name): --disable: unknown step '\(other)'; use attack, interval, linear, split, lp or smt")
            }
        }
        if let method = try arguments.parsed("--attack", as: "gradient, random or both", { AttackMethod(rawValue: $0) }) {
            configuration.attack.attackMethod = method
        }
        if let falsifier = try arguments.parsed("--falsifier", as: "on or off", { ["on": true, "off": false][$0] }) {
            configuration.phaseSplit.falsifier.enabled = falsifier
        }
        configuration.leaves.leafProcessExecutable = try LeafProcessOption.executable(arguments)
        configuration.leaves.smt2Directory = arguments.value("--smt2")
        if let directory = configuration.leaves.smt2Directory {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw UsageError(description: "verify \(arguments.command.name): --smt2: cannot create directory \(directory) (\(error.localizedDescription))")
            }
        }
        return configuration
    }
}
