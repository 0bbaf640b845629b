import XCTest
import Encoding
import Foundation
@testable import Solver

final class Z3MemoryTests: XCTestCase {
    /// Resident set size in bytes from /proc/self/statm (Linux), `nil` elsewhere.
    private func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Every AST, solver, model and statistics object is released: 10,000 small queries
    /// (ReLU encodings, sat and unsat) on one context, and fresh contexts now and then,
    /// leave resident memory flat after a warm-up. The margin is generous (64 MiB); a leak
    /// of one model per query would exceed it.
    func testMemoryStaysFlatOverTenThousandQueries() throws {
        guard residentBytes() != nil else { throw XCTSkip("no /proc/self/statm") }
        var rng = Z3SeededGenerator(seed: 5)
        let network = Z3TestNetworks.random(sizes: [2, 4, 2], using: &rng)
        let lower = [-1.0, -1.0], upper = [1.0, 1.0]
        let bounds = Z3TestNetworks.intervalBounds(network, lower: lower, upper: upper).layers
        var systems: [PiecewiseLinearSystem] = []
        for label in 0..<2 {
            var encoding = try NetworkEncoder().encode(network, inputLower: lower, inputUpper: upper, preActivationBounds: bounds)
            try encoding.addViolation(.misclassification(outputCount: 2, trueClass: label))
            systems.append(encoding.system)
        }
        var context = try Z3Context()
        func run(_ count: Int) throws {
            for index in 0..<count {
                if index % 1000 == 999 { context = try Z3Context() }
                let result = try context.solve(systems[index % 2], options: Z3QueryOptions(phases: index % 4 < 2 ? .integer : .boolean))
                if case .unknown(let reason) = result.outcome { XCTFail("unexpected unknown: \(reason)") }
            }
        }
        try run(1000)
        let before = residentBytes()!
        try run(10_000)
        let after = residentBytes()!
        XCTAssertLessThan(after - before, 64 << 20, "resident memory grew from \(before >> 20) MiB to \(after >> 20) MiB")
    }
}
