import Foundation
import XCTest

/// `verify vnnlib` reads VNN-LIB constants exactly (issue 15, item 2).
final class VNNLibExactConstantsCommandTests: XCTestCase {
    /// y = x with X_0 >= 0, X_0 + 0.1 + 0.1 + 0.1 <= 0.5, Y_0 >= 0.19999999999999998: the
    /// Double 0.19999999999999998 satisfies every constraint exactly (X_0 <= 1/5), so the
    /// answer is sat with that witness. Folding 0.1 + 0.1 + 0.1 in Double answered unsat.
    func testIssueInstanceIsSatAndTheResultFileHoldsAnExactWitness() throws {
        let directory = temporaryDirectory()
        let network = directory.appendingPathComponent("identity.json")
        try #"{"input_shape":[1],"layers":[{"type":"dense","weights":[[1]],"bias":[0]}]}"#
            .write(to: network, atomically: true, encoding: .utf8)
        let property = directory.appendingPathComponent("p.vnnlib")
        try """
        (declare-const X_0 Real)
        (declare-const Y_0 Real)
        (assert (>= X_0 0))
        (assert (<= (+ X_0 0.1 0.1 0.1) 0.5))
        (assert (>= Y_0 0.19999999999999998))
        """.write(to: property, atomically: true, encoding: .utf8)
        let result = directory.appendingPathComponent("result.txt").path
        let certificate = directory.appendingPathComponent("cert.json").path
        let run = try runVerify(["vnnlib", network.path, property.path, "--result", result, "--json", certificate])
        XCTAssertEqual(run.stdout, "sat\n", run.stderr)
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(try String(contentsOfFile: result, encoding: .utf8),
                       "sat\n((X_0 0.19999999999999998)\n(Y_0 0.19999999999999998))\n")
        // The certificate records the confirmed witness (not the solver's point 0.2 of the
        // outward-rounded query, which the exact property excludes), so it checks VALID.
        let check = try runVerify(["check", certificate, "--no-cvc5"])
        XCTAssertEqual(check.status, 0, check.stdout + check.stderr)
        XCTAssertTrue(check.stdout.contains("certificate VALID"), check.stdout)
    }

    /// An output constraint with no exact Double form is an input error (exit 2) naming the
    /// file and place, not a silently rounded property.
    func testInexactOutputCoefficientsAreAnInputError() throws {
        let directory = temporaryDirectory()
        let network = directory.appendingPathComponent("sum.json")
        try #"{"input_shape":[1],"layers":[{"type":"dense","weights":[[1],[2]],"bias":[0,0]}]}"#
            .write(to: network, atomically: true, encoding: .utf8)
        let property = directory.appendingPathComponent("q.vnnlib")
        try """
        (declare-const X_0 Real)
        (declare-const Y_0 Real)
        (declare-const Y_1 Real)
        (assert (>= X_0 0))
        (assert (<= X_0 1))
        (assert (<= (* 0.30000000000000004 Y_0) (* 0.19999999999999998 Y_1)))
        """.write(to: property, atomically: true, encoding: .utf8)
        let run = try runVerify(["vnnlib", network.path, property.path])
        XCTAssertEqual(run.status, 2, run.stdout + run.stderr)
        XCTAssertTrue(run.stderr.contains("q.vnnlib:6:9: the output constraint"), run.stderr)
    }
}
