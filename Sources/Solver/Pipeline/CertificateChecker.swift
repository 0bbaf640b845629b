import Foundation
import Encoding
import Network

/// Independent re-validation of a certificate (`verify check`).
///
/// - A counterexample is re-run through the plain float forward pass: it must lie in the box
///   and reach the unsafe set.
/// - A proof is re-proved leaf by leaf from scratch. The recorded sub-boxes must tile the box
///   exactly as bisection would produce them (the tiling is rebuilt by splitting at midpoints,
///   so a missing or overlapping sub-box is found); each sub-box closed by bounds must close
///   again under freshly computed bounds; each sub-box closed by Z3 is re-encoded with fresh
///   bounds and re-solved by a fresh Z3 context and, when a `cvc5` binary is given, by cvc5 on
///   the exported SMT-LIB2 file. A root proof by bounds (no sub-boxes) is re-bounded.
public enum CertificateChecker {
    public struct Leaf: Sendable {
        public var lower: [Double]
        public var upper: [Double]
        public var method: LeafMethod
        public init(lower: [Double], upper: [Double], method: LeafMethod) {
            self.lower = lower
            self.upper = upper
            self.method = method
        }
    }

    public struct Report: Sendable {
        public var leavesChecked = 0
        public var reprovedByBounds = 0
        public var reprovedByZ3 = 0
        public var confirmedByCVC5 = 0
        public var counterexamplesReplayed = 0
        /// Anything that does not check out. Empty means the certificate is valid.
        public var problems: [String] = []
        public init() {}
    }

    /// Checks a proof that `query` holds.
    ///
    /// `leafProcessExecutable`: when set, each Z3 leaf is re-solved in a child process of
    /// that `verify` binary (``QueryConfiguration/leafProcessExecutable``), killed when it
    /// overruns its 600 s limit, so a Z3 call that ignores its timeout makes the leaf "not
    /// re-proved" instead of hanging the check.
    public static func checkProof(_ query: SafetyQuery, leaves: [Leaf], cvc5: String?,
                                  leafProcessExecutable: String? = nil, report: inout Report) throws {
        let (specification, rows) = query.specification
        let solver = try ExactLeafSolver()
        solver.isolation = leafProcessExecutable.map { IsolatedLeaf(executable: $0, grace: QueryConfiguration().leafProcessGrace) }
        func closes(_ box: Box, _ method: LeafMethod) -> Bool {
            let bounds = BoundPropagation.bounds(of: query.network, over: box, specification: specification, method: .linear)
            var open = InputSplitSearch.openDisjuncts(bounds.specLower, rows: rows, among: Array(rows.indices))
            open = open.filter { disjunct in
                rows[disjunct].count < 2 || !solver.relaxationExcludes(
                    box: box, rows: rows[disjunct].map { (bounds.inputCoefficients[$0], bounds.inputConstants[$0]) })
            }
            if open.isEmpty { report.reprovedByBounds += 1; return true }
            guard method == .smt else { return false }
            let property = OutputProperty(outputCount: query.property.outputCount,
                                          disjuncts: open.map { query.property.disjuncts[$0] })
            let (outcome, _) = solver.solve(network: query.network, box: box, bounds: bounds, property: property,
                                            resourceLimit: 0, timeLimit: 600, smt2Directory: nil)
            guard case .unsat = outcome else { return false }
            report.reprovedByZ3 += 1
            if let cvc5 {
                guard confirmByCVC5(query.network, box, bounds, property, cvc5) else {
                    report.problems.append("cvc5 does not confirm unsat on sub-box \(box.lower)...\(box.upper)")
                    return false
                }
                report.confirmedByCVC5 += 1
            }
            return true
        }
        if leaves.isEmpty {
            report.leavesChecked = 1
            if !closes(query.box, .bounds) { report.problems.append("the bounds over the whole box do not exclude the unsafe set") }
            return
        }
        var remaining = Dictionary(leaves.map { ($0.lower + $0.upper, $0) }, uniquingKeysWith: { first, _ in first })
        // Rebuild the bisection tree: a box that is not a leaf must have been split at the
        // midpoint of a dimension that no recorded leaf inside it straddles (and at which at
        // least one has a face). When several dimensions qualify, either order of the splits
        // yields the same tiling.
        var stack = [query.box]
        while let box = stack.popLast() {
            if let leaf = remaining.removeValue(forKey: box.lower + box.upper) {
                report.leavesChecked += 1
                if !closes(box, leaf.method) {
                    report.problems.append("sub-box \(box.lower)...\(box.upper) (\(leaf.method.rawValue)) does not close when re-proved")
                }
                continue
            }
            let inside = remaining.values.filter { leaf in
                leaf.lower.indices.allSatisfy { leaf.lower[$0] >= box.lower[$0] && leaf.upper[$0] <= box.upper[$0] }
            }
            let dimension = box.lower.indices.first { d in
                let middle = box.split(dimension: d).0.upper[d]
                guard middle > box.lower[d] && middle < box.upper[d] else { return false }
                return inside.allSatisfy { $0.upper[d] <= middle || $0.lower[d] >= middle }
                    && inside.contains { $0.lower[d] == middle || $0.upper[d] == middle }
            }
            guard let dimension else {
                report.problems.append("sub-box \(box.lower)...\(box.upper) is covered by no recorded sub-box")
                continue
            }
            let (left, right) = box.split(dimension: dimension)
            stack.append(right)
            stack.append(left)
        }
        if !remaining.isEmpty { report.problems.append("\(remaining.count) recorded sub-boxes are not part of the box's bisection") }
    }

    /// Checks a counterexample: inside the box, unsafe under the plain float forward pass.
    public static func checkCounterexample(_ query: SafetyQuery, input: [Double], report: inout Report) {
        report.counterexamplesReplayed += 1
        guard input.count == query.box.dimension, query.box.contains(input) else {
            report.problems.append("the counterexample is not inside the box")
            return
        }
        if query.property.violatedDisjunct(query.network.evaluate(input)) == nil {
            report.problems.append("the counterexample does not reach the unsafe set in the float forward pass")
        }
    }

    /// Runs `cvc5` on the exported SMT-LIB2 of a leaf; true when it answers `unsat`.
    static func confirmByCVC5(_ network: NeuralNetwork, _ box: Box, _ bounds: BoundResult,
                              _ property: OutputProperty, _ cvc5: String) -> Bool {
        let layers = network.layers.indices.filter { if case .affine = network.layers[$0] { return false }; return true }
        let pre = layers.map { PreActivationBounds(lower: bounds.preActivationBounds(ofLayer: $0).lower,
                                                   upper: bounds.preActivationBounds(ofLayer: $0).upper) }
        guard let encoding = try? NetworkEncoder().encode(network, inputLower: box.lower, inputUpper: box.upper,
                                                          preActivationBounds: pre, property: property) else { return false }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("verify-check-\(UUID().uuidString).smt2")
        defer { try? FileManager.default.removeItem(at: file) }
        guard (try? encoding.system.smtlib2().write(to: file, atomically: true, encoding: .utf8)) != nil else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: cvc5)
        process.arguments = ["--lang", "smt2", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return false }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.split(separator: "\n").contains("unsat")
    }
}
