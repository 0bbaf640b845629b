import XCTest
import Encoding
import Foundation
@testable import Solver

final class Z3LimitTests: XCTestCase {
    /// Pigeonhole principle, `holes + 1` pigeons into `holes` holes, as propositional
    /// SMT-LIB2: unsat, and exponentially hard for resolution (CDCL), so it stands in for
    /// "a hard query" without any timing assumption.
    static func pigeonhole(holes: Int) -> String {
        var text = ""
        let pigeons = holes + 1
        for p in 0..<pigeons { for h in 0..<holes { text += "(declare-const p\(p)_\(h) Bool)\n" } }
        for p in 0..<pigeons { text += "(assert (or \((0..<holes).map { "p\(p)_\($0)" }.joined(separator: " "))))\n" }
        for h in 0..<holes {
            for a in 0..<pigeons { for b in (a + 1)..<pigeons { text += "(assert (or (not p\(a)_\(h)) (not p\(b)_\(h))))\n" } }
        }
        return text
    }

    /// The same principle as a piecewise-linear system with Boolean phases.
    static func pigeonholeSystem(holes: Int) -> PiecewiseLinearSystem {
        var system = PiecewiseLinearSystem()
        let pigeons = holes + 1
        let phase = (0..<pigeons).map { p in (0..<holes).map { h in system.addPhase("p\(p)_\(h)") } }
        for p in 0..<pigeons {
            system.add(.init(.init(terms: phase[p].map { .init(1, $0) }, constants: [-1]), .greaterOrEqual))
        }
        for h in 0..<holes {
            for a in 0..<pigeons { for b in (a + 1)..<pigeons {
                system.add(.init(.init(terms: [.init(1, phase[a][h]), .init(1, phase[b][h])], constants: [-1]), .lessOrEqual))
            } }
        }
        return system
    }

    func testResourceLimitGivesUnknown() throws {
        let context = try Z3Context()
        let options = Z3QueryOptions(resourceLimit: 200_000)
        let text = try context.solve(smtlib2: Self.pigeonhole(holes: 12), options: options)
        XCTAssertEqual(text.outcome, .unknown(.resourceLimit))
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(text.statistics.resourceUsed), 200_000)
        let system = try context.solve(Self.pigeonholeSystem(holes: 12), options: Z3QueryOptions(resourceLimit: 200_000, phases: .boolean))
        XCTAssertEqual(system.outcome, .unknown(.resourceLimit))
        // the context is still usable afterwards
        XCTAssertEqual(try context.solve(smtlib2: "(declare-const x Real)(assert (< x 0))").outcome.isSat, true)
    }

    func testTimeoutGivesUnknown() throws {
        let context = try Z3Context()
        let result = try context.solve(smtlib2: Self.pigeonhole(holes: 14), options: Z3QueryOptions(timeoutMilliseconds: 200))
        XCTAssertEqual(result.outcome, .unknown(.timeout))
    }

    /// Another thread interrupts until the query returns; no timing assertion.
    func testInterruptFromAnotherThreadStopsTheQuery() throws {
        let context = try Z3Context()
        let handle = context.interruptHandle
        let done = DoneFlag()
        let thread = Thread {
            while !done.isSet {
                Thread.sleep(forTimeInterval: 0.02)
                handle.interrupt()
            }
        }
        thread.start()
        let result = try context.solve(smtlib2: Self.pigeonhole(holes: 14))
        done.set()
        XCTAssertEqual(result.outcome, .unknown(.interrupted))
        // a later query on the same context is not poisoned by the interrupt
        Thread.sleep(forTimeInterval: 0.1)
        XCTAssertEqual(try context.solve(smtlib2: "(declare-const x Real)(assert (< x 0))").outcome.isSat, true)
    }
}

final class DoneFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}

extension Z3Outcome {
    var isSat: Bool { if case .sat = self { return true } else { return false } }
}
