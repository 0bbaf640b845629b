import Dispatch
import Encoding
import Network

/// Decides one ``SafetyQuery`` with the pipeline of the design:
///
/// 1. **center**: the float forward pass at the box centre;
/// 2. **interval**: interval bounds of every unsafe atom over the box;
/// 3. **linear**: linear (CROWN-style) bounds of every unsafe atom;
/// 4. **attack**: projected gradient descent on the violation score (``GradientAttack``),
///    or random search / both (``AttackSettings/attackMethod``).
///    It runs after the bounds because on our networks the bounds are the cheaper step
///    (digits C∘G, release: linear bounds ≈ 0.3 ms, a 4 × 40-step attack ≈ 3.5 ms) and
///    decide almost every robust box, so the attack is only paid for boxes still open;
/// 5. **split**: branch and bound over the input box (``InputSplitSearch``), closing sub-boxes
///    by bounds and sending small or deep open ones to
/// 6. **smt**: Z3 on the exact big-M encoding of the sub-box, with the sub-box's sound
///    pre-activation bounds as big-M constants.
///
/// A disjunct `AND_k a_k(y) <= 0` is excluded on a box when some atom has a lower bound
/// `> 0` there (that atom can never hold). HOLDS needs every disjunct excluded on every
/// sub-box by bounds or by `unsat`; VIOLATED needs a point whose outputs, in exact real
/// arithmetic, are unsafe (``CounterexampleCheck``): every step that proposes a point (centre,
/// attack, split-search attacks, Z3 models) goes through that one check, so which steps ran
/// never changes the verdict.
///
/// Not `Sendable`: it owns a Z3 context; use one solver per thread.
public final class QuerySolver {
    public var configuration: QueryConfiguration
    let leafSolver: ExactLeafSolver

    public init(configuration: QueryConfiguration = QueryConfiguration()) throws {
        self.configuration = configuration
        self.leafSolver = try ExactLeafSolver()
    }

    /// A handle that stops the query running on this solver from another thread: the
    /// current Z3 call is interrupted and the search ends with UNKNOWN ("interrupted").
    public var interruptHandle: QueryInterruptHandle { leafSolver.interruptHandle }

    public func solve(_ query: SafetyQuery) -> QueryResult {
        leafSolver.resetInterrupt()
        leafSolver.isolation = configuration.leaves.leafProcessExecutable.map {
            IsolatedLeaf(executable: $0, grace: configuration.leaves.leafProcessGrace)
        }
        // The wall-clock safety net is enforced from outside as well: Z3 does not always
        // notice its own timeout promptly, so a watchdog interrupts the query one second
        // after the limit (the search then ends with UNKNOWN "time limit").
        let handle = leafSolver.interruptHandle
        let watchdog = DispatchWorkItem { handle.interrupt() }
        DispatchQueue.global().asyncAfter(deadline: .now() + configuration.limits.timeLimit + 1, execute: watchdog)
        defer { watchdog.cancel() }
        let run = PipelineRun(query: query, configuration: configuration, leafSolver: leafSolver)
        return run.execute()
    }
}

/// The state of one pipeline execution.
struct PipelineRun {
    let query: SafetyQuery
    let configuration: QueryConfiguration
    let leafSolver: ExactLeafSolver
    let started = DispatchTime.now()

    init(query: SafetyQuery, configuration: QueryConfiguration, leafSolver: ExactLeafSolver) {
        self.query = query
        self.configuration = configuration
        self.leafSolver = leafSolver
    }

    var elapsed: Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }

    func execute() -> QueryResult {
        var steps: [StepRecord] = []
        /// Runs one step, recording its wall time and whether it decided the query.
        func timed<T>(_ name: PipelineStep, _ body: () -> T, decided: (T) -> Bool) -> T {
            let start = DispatchTime.now()
            let value = body()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            steps.append(StepRecord(name: name, seconds: seconds, decided: decided(value)))
            return value
        }
        let network = query.network, box = query.box, property = query.property
        var statistics = QueryStatistics()
        func finish(_ verdict: Verdict, leaves: [ClosedLeaf] = [], truncated: Bool = false,
                    rootLower: [Double] = []) -> QueryResult {
            QueryResult(verdict: verdict, steps: steps, leaves: leaves, leavesTruncated: truncated,
                        statistics: statistics, exact: network.isPiecewiseLinear,
                        rootAtomLowerBounds: rootLower, seconds: elapsed)
        }

        let center = timed(.center, { CounterexampleCheck.check(query, point: box.center, source: .center) },
                           decided: { $0 != nil })
        if let center { return finish(.violated(center)) }

        let (specification, rows) = query.specification
        var rootLower: [Double] = []
        if configuration.bounds.useInterval {
            let result = timed(.interval, {
                BoundPropagation.bounds(of: network, over: box, specification: specification, method: .interval)
            }, decided: { InputSplitSearch.openDisjuncts($0.specLower, rows: rows, among: Array(rows.indices)).isEmpty })
            rootLower = result.specLower
            if steps.last!.decided { return finish(.holds(.bounds), rootLower: rootLower) }
        }
        var root: BoundResult?
        if configuration.bounds.useLinear {
            let result = timed(.linear, {
                BoundPropagation.bounds(of: network, over: box, specification: specification, method: .linear)
            }, decided: { InputSplitSearch.openDisjuncts($0.specLower, rows: rows, among: Array(rows.indices)).isEmpty })
            root = result
            rootLower = result.specLower
            statistics.rootUnstableUnits = InputSplitSearch.unstableUnits(network, result)
            if steps.last!.decided { return finish(.holds(.bounds), rootLower: rootLower) }
        }

        if configuration.attack.useAttack {
            let found = timed(.attack, {
                // The configured attack method (``AttackSettings/attackMethod``).
                AttackStep.run(network: network, box: box, property: property, method: configuration.attack.attackMethod,
                               gradient: configuration.attack.wholeBox, random: configuration.attack.randomAttack,
                               threads: configuration.search.searchThreads)
                    .flatMap { CounterexampleCheck.check(query, point: $0, source: .attack) }
            }, decided: { $0 != nil })
            if let found { return finish(.violated(found)) }
        }

        let searchStart = DispatchTime.now()
        let outcome: InputSplitSearch.Outcome
        let unstable = statistics.rootUnstableUnits
        var leaves: [ClosedLeaf] = [], truncated = false, smtSeconds = 0.0
        var phaseProof: PhaseProof?
        if configuration.search.useSplit, configuration.bounds.useLinear, configuration.phaseSplit.usesPhaseSplitting(network) {
            var search = PhaseSplitSearch(query: query, specification: specification, rows: rows,
                                          configuration: configuration, leafSolver: leafSolver, started: started)
            outcome = search.run(root: root)
            statistics = search.statistics
            smtSeconds = search.smtSeconds
            (phaseProof, truncated) = (search.proof?.proof, search.proofTruncated)
        } else {
            var search = InputSplitSearch(query: query, specification: specification, rows: rows,
                                          configuration: configuration, leafSolver: leafSolver, started: started)
            outcome = search.run(root: root)
            statistics = search.statistics
            (leaves, truncated, smtSeconds) = (search.leaves, search.leavesTruncated, search.smtSeconds)
        }
        let searchSeconds = Double(DispatchTime.now().uptimeNanoseconds - searchStart.uptimeNanoseconds) / 1e9
        statistics.rootUnstableUnits = unstable
        steps.append(StepRecord(name: .split, seconds: searchSeconds - smtSeconds, decided: outcome.decidedBySplit))
        if statistics.smtLeaves > 0 {
            steps.append(StepRecord(name: .smt, seconds: smtSeconds, decided: !outcome.decidedBySplit && outcome.isDecided))
        }
        var result = finish(outcome.verdict, leaves: leaves, truncated: truncated, rootLower: rootLower)
        result.phaseProof = phaseProof
        return result
    }
}
