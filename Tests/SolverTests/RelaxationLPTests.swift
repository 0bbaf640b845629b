import Network
import Encoding
@testable import Solver
import Support
import XCTest

final class RelaxationLPTests: XCTestCase {
    /// On the box [0, 1]^2, the rows `x0 + x1 - 3 <= 0` and `-x0 + 0.5 <= 0` are jointly
    /// satisfiable (x0 = 1), while adding `x0 - 0.25 <= 0` makes them infeasible (x0 >= 0.5
    /// and x0 <= 0.25).
    func testLPDecidesJointFeasibility() throws {
        let solver = try ExactLeafSolver()
        let box = try Box(lower: [0, 0], upper: [1, 1])
        let feasible = [([1.0, 1.0], -3.0), ([-1.0, 0.0], 0.5)]
        XCTAssertFalse(solver.relaxationExcludes(box: box, rows: feasible.map { ($0.0, $0.1) }))
        let infeasible = feasible + [([1.0, 0.0], -0.25)]
        XCTAssertTrue(solver.relaxationExcludes(box: box, rows: infeasible.map { ($0.0, $0.1) }))
    }
}

/// The solver-free dual certificate (``ConjunctionExclusion``) against Z3's exact LP (the
/// oracle) on random small LPs: it must never exclude a feasible system (soundness: checked
/// also by the witness point Z3 would accept, via dense sampling), and it should exclude
/// every system the exact LP excludes by a clear margin (completeness of the vertex search).
final class ConjunctionExclusionTests: XCTestCase {
    func testHandExample() throws {
        let rows: [(coefficients: [Double], constant: Double)] = [([1, 1], -3), ([-1, 0], 0.5), ([1, 0], -0.25)]
        let search = ConjunctionExclusion.search(lower: [0, 0], upper: [1, 1], rows: rows)
        XCTAssertTrue(search.excludes)
        // Any certificate's value is at most the LP optimum min_x max_r = 0.125 (at x0 = 0.375).
        XCTAssertGreaterThan(search.certifiedValue, 0)
        XCTAssertLessThanOrEqual(search.certifiedValue, 0.125)
        let vertex = try XCTUnwrap(ConjunctionExclusion.bestVertex(lower: [0, 0], upper: [1, 1], rows: rows))
        XCTAssertEqual(vertex.value, 0.125, accuracy: 1e-12)
        XCTAssertFalse(ConjunctionExclusion.search(lower: [0, 0], upper: [1, 1], rows: Array(rows.prefix(2))).excludes)
    }

    /// A random box of `1 + trial % 5` dimensions and `2 + trial % 3` rows.
    static func randomSystem(_ trial: Int, _ rng: inout SplitMix64)
        -> (lower: [Double], upper: [Double], rows: [(coefficients: [Double], constant: Double)]) {
        func uniform(_ a: Double, _ b: Double) -> Double { Double.random(in: a...b, using: &rng) }
        let n = 1 + trial % 5, m = 2 + trial % 3
        let lower = (0..<n).map { _ in uniform(-1, 0) }
        let upper = lower.map { $0 + uniform(0.01, 1) }
        let rows = (0..<m).map { _ in (coefficients: (0..<n).map { _ in uniform(-2, 2) }, constant: uniform(-0.6, 0.6)) }
        return (lower, upper, rows)
    }

    func testAgreesWithZ3OnRandomSystems() throws {
        let solver = try ExactLeafSolver()
        var rng = SplitMix64(seed: 2024)
        func uniform(_ a: Double, _ b: Double) -> Double { Double.random(in: a...b, using: &rng) }
        var excludedByZ3 = 0, excludedByDual = 0
        for trial in 0..<300 {
            let (lower, upper, rows) = Self.randomSystem(trial, &rng)
            let n = lower.count
            let box = try Box(lower: lower, upper: upper)
            let z3 = solver.relaxationExcludes(box: box, rows: rows)
            let dual = ConjunctionExclusion.search(lower: lower, upper: upper, rows: rows)
            if dual.excludes {
                excludedByDual += 1
                XCTAssertTrue(z3, "trial \(trial): the certificate excludes a system Z3 finds feasible")
                // Independent refutation attempt: no sampled point satisfies every row.
                for _ in 0..<200 {
                    let x = (0..<n).map { uniform(lower[$0], upper[$0]) }
                    XCTAssertFalse(rows.allSatisfy { row in zip(row.coefficients, x).reduce(row.constant) { $0 + $1.0 * $1.1 } <= 0 })
                }
            }
            if z3 {
                excludedByZ3 += 1
                // Completeness up to a margin: the float LP optimum is within 1e-9 of the truth.
                XCTAssertTrue(dual.excludes || dual.value > -1e-9, "trial \(trial): Z3 excludes, the vertex search reached only \(dual.value)")
            }
        }
        XCTAssertGreaterThan(excludedByZ3, 30, "the random systems should exercise exclusion")
        XCTAssertGreaterThan(excludedByDual, 30)
    }

    /// The vertex witness that lets the split search skip the dual search: a value below zero
    /// must mean the system is feasible (Z3's exact LP agrees), and it should find witnesses
    /// often enough to matter.
    func testVertexWitnessOnlyFlagsFeasibleSystems() throws {
        let solver = try ExactLeafSolver()
        var rng = SplitMix64(seed: 77)
        var witnessed = 0, feasible = 0
        for trial in 0..<300 {
            let (lower, upper, rows) = Self.randomSystem(trial, &rng)
            let excluded = solver.relaxationExcludes(box: try Box(lower: lower, upper: upper), rows: rows)
            if !excluded { feasible += 1 }
            if ConjunctionExclusion.bestVertexWitness(lower: lower, upper: upper, rows: rows) < 0 {
                witnessed += 1
                XCTAssertFalse(excluded, "trial \(trial): a witness on a system Z3 excludes")
                XCTAssertFalse(ConjunctionExclusion.search(lower: lower, upper: upper, rows: rows).excludes, "trial \(trial)")
            }
        }
        XCTAssertGreaterThan(witnessed, feasible / 3, "witnesses found for \(witnessed) of \(feasible) feasible systems")
    }
}
