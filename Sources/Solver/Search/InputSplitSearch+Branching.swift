import Encoding
import Network

extension InputSplitSearch {
    /// Step 5: the node's two halves, in search order. Strong branching above
    /// ``SearchSettings/strongBranchingDepth`` (main search, linear bounds) chooses the
    /// dimension and keeps the halves' bounds; else ``splitDimension(_:_:_:)``. Once the search
    /// has escalated (a long search, likely around a tiny violating region or a tight proof),
    /// the half whose centre comes closer to the unsafe set goes first: the order never changes
    /// which boxes an unsat query must close.
    func children(of node: Node, bounds: BoundResult, open: [Int], subProperty: OutputProperty, onPlainTrack: Bool) -> [Node] {
        let method = boundMethod
        let strong = !onPlainTrack && node.depth < configuration.search.strongBranchingDepth && method == .linear
            ? strongBranching(node.box, bounds, open, threads: threads) : nil
        let dimension = strong?.dimension ?? splitDimension(node.box, bounds, open)
        let (left, right) = node.box.split(dimension: dimension)
        let enclosing = method == .linear ? bounds.layerBounds : nil
        var pair = [Node(box: left, open: open, depth: node.depth + 1, enclosing: enclosing, known: strong?.left,
                         path: node.path + [dimension]),
                    Node(box: right, open: open, depth: node.depth + 1, enclosing: enclosing, known: strong?.right,
                         path: node.path + [dimension])]
        let trackNodes = onPlainTrack ? statistics.plainTrackNodes : statistics.nodes - statistics.plainTrackNodes
        if configuration.attack.useAttack, configuration.attack.escalatedAttack != nil,
           trackNodes > configuration.attack.escalateAfterNodes,
           subProperty.violationScore(query.network.evaluate(right.center))
            < subProperty.violationScore(query.network.evaluate(left.center)) {
            pair.swapAt(0, 1)
        }
        return pair
    }

    /// Strong branching (step 5, above ``SearchSettings/strongBranchingDepth``): both
    /// halves of every splittable dimension are bounded inside the node's bounds; a half
    /// scores `min` over the open disjuncts of the disjunct's largest atom lower bound (how
    /// close it is to closing), and the dimension with the largest sum of its two halves'
    /// scores wins (ties: the lowest index). Returns the dimension and its halves' bounds (the
    /// children reuse them), or nil when no dimension splits.
    func strongBranching(_ box: Box, _ bounds: BoundResult, _ open: [Int], threads: Int)
        -> (dimension: Int, left: BoundResult, right: BoundResult)? {
        let widths = box.widths
        let rootWidths = query.box.widths
        let candidates = widths.indices.filter { widths[$0] > 0 && widths[$0] > rootWidths[$0] * HeuristicTolerances.minimumSplitWidth }
        guard !candidates.isEmpty else { return nil }
        let halves = candidates.flatMap { d -> [Box] in let (l, r) = box.split(dimension: d); return [l, r] }
        let network = query.network, specification = specification, enclosing = bounds.layerBounds
        let results = ParallelMap.map(halves, threads: threads) { half in
            BoundPropagation.bounds(of: network, over: half, specification: specification,
                                    options: BoundOptions(method: .linear, enclosing: enclosing))
        }
        func score(_ lower: [Double]) -> Double {
            open.map { disjunct in rows[disjunct].map { lower[$0] }.max() ?? -.infinity }.min() ?? .infinity
        }
        var best: (index: Int, score: Double)?
        for index in candidates.indices {
            let total = score(results[2 * index].specLower) + score(results[2 * index + 1].specLower)
            if best == nil || total > best!.score { best = (index, total) }
        }
        guard let best else { return nil }
        return (candidates[best.index], results[2 * best.index], results[2 * best.index + 1])
    }

    /// Whether some side of `box` is wider than 0 and than 2^-20 of the root box's side (the
    /// dimensions ``splitDimension(_:_:_:)`` may split).
    func hasSplittableDimension(_ box: Box) -> Bool {
        let widths = box.widths, rootWidths = query.box.widths
        return widths.indices.contains { widths[$0] > 0 && widths[$0] > rootWidths[$0] * HeuristicTolerances.minimumSplitWidth }
    }

    /// See the type's documentation (step 5).
    func splitDimension(_ box: Box, _ bounds: BoundResult, _ open: [Int]) -> Int {
        let widths = box.widths
        let rootWidths = query.box.widths
        // A dimension already cut to 2^-20 of its root width is not split further: past that,
        // splitting it again changes the bounds by rounding only (it would let one dimension
        // absorb every split while the others stay wide).
        let splittable = widths.indices.filter { widths[$0] > 0 && widths[$0] > rootWidths[$0] * HeuristicTolerances.minimumSplitWidth }
        var scores = [Double](repeating: 0, count: widths.count)
        if !bounds.inputCoefficients.isEmpty {
            for disjunct in open {
                let best = rows[disjunct].max { bounds.specLower[$0] < bounds.specLower[$1] }!
                for (i, coefficient) in bounds.inputCoefficients[best].enumerated() {
                    scores[i] += widths[i] * abs(coefficient)
                }
            }
        }
        func relative(_ i: Int) -> Double { rootWidths[i] > 0 ? widths[i] / rootWidths[i] : 0 }
        var choice: Int?
        for i in splittable where choice == nil || scores[i] > scores[choice!] { choice = i }
        if let chosen = choice, scores[chosen] > 0 {
            // The aspect-ratio guard (``SearchSettings/splitAspectRatio``).
            if let widest = splittable.max(by: { relative($0) < relative($1) }),
               relative(widest) > configuration.search.splitAspectRatio * relative(chosen) { return widest }
            return chosen
        }
        // No gradient information: the dimension widest relative to the root box.
        return widths.indices.max { relative($0) < relative($1) } ?? 0
    }
}
