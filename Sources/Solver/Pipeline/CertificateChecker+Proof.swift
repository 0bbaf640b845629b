import Foundation
import Encoding
import Network

extension CertificateChecker {
    /// Re-proves that no input of `query.box` reaches `query.property`, using the recorded
    /// leaves only as a map of the search's bisection tree.
    ///
    /// The checker builds the tree itself, from `query.box` down, splitting a node only at
    /// the midpoint (``Box/split(dimension:)``), so its leaves tile the box exactly whatever
    /// the certificate says; every node must end in a recorded leaf with exactly its box
    /// (else ``CertificateProblem/notCovered(place:box:)``), and every recorded leaf must be
    /// such a node (else ``CertificateProblem/strayLeaves(place:count:)``). The dimension
    /// split at a node is the one the leaves below it record in their `path`; for leaves
    /// without paths it is inferred (a midpoint that no leaf inside straddles and that some
    /// leaf has a face on; with several candidates the lowest, which tiles the same way but
    /// may bound intermediate nodes differently from the search).
    ///
    /// Every node is bounded as the search bounds it (``SplitNodePreparation``: linear bounds
    /// with each layer intersected with the parent's bounds, ``BoundOptions/enclosing``; the
    /// dual certificate of conjunctions; Z3's exact LP where the float LP is too close to
    /// zero), and the disjuncts closed at a node stay closed below it. Every bound used is
    /// computed here, over a box of the checker's own tree, and is sound for it: bounds on a
    /// superset box hold on the sub-box. A node whose disjuncts are all excluded closes with
    /// everything below it. A recorded leaf that stays open is given the exact LP on every
    /// open conjunction and, for an `smt` leaf, Z3 on the exact encoding with the node's
    /// bounds as big-M constants (in a child process with `leafProcessExecutable`, killed
    /// after 600 s + grace; with `cvc5`, also cvc5 on the exported SMT-LIB2).
    ///
    /// An empty `leaves` list claims a proof by bounds over the whole box.
    public static func checkProof(_ query: SafetyQuery, leaves: [Leaf], cvc5: String?,
                                  leafProcessExecutable: String? = nil, place: String = "the query",
                                  report: inout Report) throws {
        let (specification, rows) = query.specification
        let solver = try ExactLeafSolver()
        solver.isolation = leafProcessExecutable.map { IsolatedLeaf(executable: $0, grace: QueryConfiguration().leaves.leafProcessGrace) }
        let preparation = SplitNodePreparation(
            network: query.network, property: query.property, specification: specification, rows: rows,
            method: .linear, useRelaxationLP: true, nodeAttack: nil)
        let malformed = leaves.filter { $0.lower.count != query.box.dimension || $0.upper.count != query.box.dimension }
        guard malformed.isEmpty else {
            report.problems.append(.strayLeaves(place: place, count: malformed.count))
            return
        }
        let withPaths = !leaves.isEmpty && leaves.allSatisfy { $0.path != nil }
        let widths = [query.network.inputSize] + query.network.layerOutputSizes

        struct Node {
            var box: Box
            var depth: Int
            var open: [Int]
            var enclosing: [LayerBounds]?
            var leaves: [Leaf]
        }
        let rootLeaves = leaves.isEmpty ? [Leaf(lower: query.box.lower, upper: query.box.upper, method: .bounds, path: [])] : leaves
        var stack = [Node(box: query.box, depth: 0, open: Array(rows.indices), enclosing: nil, leaves: rootLeaves)]
        while let node = stack.popLast() {
            guard !node.leaves.isEmpty else {
                report.problems.append(.notCovered(place: place, box: node.box))
                continue
            }
            let ready = preparation.prepare(box: node.box, candidates: node.open, depth: node.depth, enclosing: node.enclosing)
            report.nodesBounded += 1
            var open = ready.open.filter { disjunct in
                !(ready.nearZero.contains(disjunct)
                  && solver.relaxationExcludes(box: node.box, rows: preparation.linearRows(ready.bounds, disjunct)))
            }
            if open.isEmpty {
                report.leavesChecked += node.leaves.count
                report.reprovedByBounds += node.leaves.count
                continue
            }
            let isLeaf = withPaths ? node.leaves.contains { $0.path!.count == node.depth }
                : node.leaves.contains { $0.lower == node.box.lower && $0.upper == node.box.upper }
            if isLeaf {
                guard node.leaves.count == 1, let leaf = node.leaves.first,
                      leaf.lower == node.box.lower, leaf.upper == node.box.upper else {
                    report.problems.append(.inconsistentSplit(place: place, box: node.box))
                    continue
                }
                report.leavesChecked += 1
                if leaf.method == .slopes {
                    // The recorded slopes, validated, in the sound evaluation the search used.
                    let fault = (leaf.slopes ?? []).lazy.compactMap { slopeFault($0, network: query.network, widths: widths) }.first
                    if case .slopeOutOfRange(let layer, let low, let high) = fault {
                        report.problems.append(.invalidSlopes(place: place, box: node.box, layer: layer, low: low, high: high))
                        continue
                    }
                    open = preparation.openAfterSlopes(box: node.box, plain: ready.bounds, open: open,
                                                       slopes: SlopeLayerCertificate.dictionary(leaf.slopes ?? []))
                    if open.isEmpty { report.reprovedBySlopes += 1; continue }
                }
                // The exact LP on every open conjunction, not only the near-zero ones.
                open = open.filter { disjunct in
                    rows[disjunct].count < 2
                        || !solver.relaxationExcludes(box: node.box, rows: preparation.linearRows(ready.bounds, disjunct))
                }
                if open.isEmpty { report.reprovedByBounds += 1; continue }
                guard leaf.method == .smt else {
                    report.problems.append(.doesNotClose(place: place, box: node.box, method: leaf.method))
                    continue
                }
                let property = preparation.subProperty(open)
                let (outcome, _) = solver.solve(network: query.network, box: node.box, bounds: ready.bounds, property: property,
                                                resourceLimit: 0, timeLimit: 600, smt2Directory: nil)
                guard case .unsat = outcome else {
                    report.problems.append(.doesNotClose(place: place, box: node.box, method: leaf.method))
                    continue
                }
                report.reprovedByZ3 += 1
                if let cvc5 {
                    guard confirmByCVC5(query.network, node.box, ready.bounds, property, cvc5) else {
                        report.problems.append(.cvc5Disagrees(place: place, box: node.box))
                        continue
                    }
                    report.confirmedByCVC5 += 1
                }
                continue
            }
            guard let dimension = withPaths ? recordedDimension(node.leaves, depth: node.depth)
                                            : inferredDimension(node.box, node.leaves) else {
                report.problems.append(.inconsistentSplit(place: place, box: node.box))
                continue
            }
            let (left, right) = node.box.split(dimension: dimension)
            let middle = left.upper[dimension]
            let inLeft = node.leaves.filter { $0.upper[dimension] <= middle }
            let inRight = node.leaves.filter { $0.lower[dimension] >= middle && $0.upper[dimension] > middle }
            if inLeft.count + inRight.count != node.leaves.count {
                report.problems.append(.strayLeaves(place: place, count: node.leaves.count - inLeft.count - inRight.count))
            }
            stack.append(Node(box: right, depth: node.depth + 1, open: open, enclosing: ready.bounds.layerBounds, leaves: inRight))
            stack.append(Node(box: left, depth: node.depth + 1, open: open, enclosing: ready.bounds.layerBounds, leaves: inLeft))
        }
    }

    /// The dimension every leaf below a node records at the node's depth, or nil when they
    /// disagree.
    private static func recordedDimension(_ leaves: [Leaf], depth: Int) -> Int? {
        let dimensions = Set(leaves.map { $0.path!.count > depth ? $0.path![depth] : -1 })
        guard dimensions.count == 1, let dimension = dimensions.first, dimension >= 0 else { return nil }
        return dimension
    }

    /// For leaves without paths: the lowest dimension whose midpoint no leaf inside straddles
    /// and some leaf has a face on.
    private static func inferredDimension(_ box: Box, _ leaves: [Leaf]) -> Int? {
        box.lower.indices.first { d in
            let middle = box.split(dimension: d).0.upper[d]
            guard middle > box.lower[d] && middle < box.upper[d] else { return false }
            return leaves.allSatisfy { $0.upper[d] <= middle || $0.lower[d] >= middle }
                && leaves.contains { $0.lower[d] == middle || $0.upper[d] == middle }
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
