import Network

/// Which bound of a unit's pre-activation an ``IntermediateBranchTree`` tightens.
public enum IntermediateBoundSide: String, Sendable, Equatable, Codable {
    /// The tree bounds the row `z_i` from below: a new lower bound.
    case lower
    /// The tree bounds the row `-z_i` from below: a new upper bound.
    case upper
}

/// The phase-split tree that tightened one bound of one pre-activation unit
/// (``IntermediateBranching``).
///
/// `nodes` lists the tree in preorder: `nil` is a leaf; a unit is an inner node split at the
/// unit's breakpoint 0 (a ReLU or LeakyReLU unit of an earlier layer), followed by its child
/// `z >= 0` and then its child `z <= 0`. The root is the whole box; the leaves partition it.
public struct IntermediateBranchTree: Sendable, Equatable {
    /// The activation layer whose input (pre-activation) bound is tightened.
    public var layer: Int
    /// The unit of that layer.
    public var unit: Int
    public var side: IntermediateBoundSide
    public var nodes: [ActivationUnit?]

    public init(layer: Int, unit: Int, side: IntermediateBoundSide, nodes: [ActivationUnit?]) {
        self.layer = layer
        self.unit = unit
        self.side = side
        self.nodes = nodes
    }
}

/// How much branching ``IntermediateBranching`` may do: deterministic counts, no clock.
public struct IntermediateBranchingBudget: Sendable, Equatable {
    /// Bound evaluations per unit and side (the root and every child; 0: no branching).
    public var perBound: Int
    /// Bound evaluations over the whole query; units past it keep their bounds.
    public var total: Int
    /// How many of the target layers (``IntermediateTightening/targetLayers(_:)``), front
    /// to back, are tightened.
    public var layers: Int

    public init(perBound: Int, total: Int, layers: Int) {
        self.perBound = perBound
        self.total = total
        self.layers = layers
    }
}

/// Tightens the pre-activation bounds of a network's deeper activation layers over a box by
/// branch and bound over the phases of the earlier ReLU units: one best-first tree per loose
/// unit and side.
///
/// For a target layer `k` fed by `z = W h + b`, unit `i`'s row `s (W_i · h + b_i)` (`s = +1`
/// for the lower bound, `-1` for the upper) is bounded on the prefix network that computes
/// `h`. A tree's node is a sub-problem `S_P = { x in box : the phases P hold }`; its bound is
/// the sound linear lower bound of the row on `S_P` (``PhaseSplitBounds`` with the prefix's
/// current layer bounds as enclosing bounds, fixed intermediates, adaptive slopes), and a node
/// whose constraints are contradictory (nil) is empty. The leaves of a tree partition the box
/// (each split adds `z_j >= 0` to one child and `z_j <= 0` to the other), so
///
/// ```
/// min_box s z_i(x)  >=  min over the non-empty leaves L of (sound lower bound of s z_i on S_L)
/// ```
///
/// where a node's bound is the larger of its own sound bound and its parent's (the parent's
/// holds on the larger set), and the unit's bound is intersected with the right-hand side `m`
/// (lower: `max(l_i, m)`; upper: `min(u_i, -m)`). Splitting a unit of the prefix makes its
/// relaxation exact on each child, which the single convex relaxation of the whole box
/// cannot: on `mnistfc` 256x4 this stabilises a quarter of the second hidden layer's unstable
/// units, about as many as exact MILP bounds do.
///
/// The search (``tighten(_:box:enclosing:budget:expired:)``) expands the leaf with the least
/// bound, splitting its prefix unit with the best BaBSR score
/// (``PhaseSplitNodeBounds/branchingScores(rows:specification:)``) among the ReLU / LeakyReLU
/// units, until the tree's least bound settles the side (`>= 0`: the unit is stable) or its
/// budget is spent. A checker re-derives the bounds from the recorded trees
/// (``replay(_:box:enclosing:trees:)``), computing every node's bound itself: it takes
/// nothing from the search but the trees, and checks that they are complete split trees.
public enum IntermediateBranching {
    /// What the search did, for the run's statistics.
    public struct Statistics: Sendable, Equatable {
        /// Bound evaluations (tree nodes) over all trees.
        public var evaluations = 0
        /// Units that were loose before and stable after.
        public var stabilised = 0
        /// Loose units that got trees.
        public var loose = 0

        public init() {}
    }

    /// Tightens the first `budget.layers` target layers of `enclosing` (sound bounds of every
    /// layer's input over `box`) front to back; returns the bounds, the trees that moved a
    /// bound (in the order they were applied) and the statistics, or nil when two bounds of a
    /// unit cross (the box has no point). `expired` is asked before every tree (fewer trees:
    /// looser bounds, never unsound ones).
    public static func tighten(_ network: NeuralNetwork, box: Box, enclosing: [LayerBounds],
                               budget: IntermediateBranchingBudget,
                               expired: () -> Bool = { false }) -> (bounds: [LayerBounds], trees: [IntermediateBranchTree], statistics: Statistics)? {
        var bounds = enclosing
        var trees: [IntermediateBranchTree] = []
        var statistics = Statistics()
        guard budget.perBound >= 1 else { return (bounds, trees, statistics) }
        targets: for k in IntermediateTightening.targetLayers(network).prefix(budget.layers) {
            let problem = PrefixRows(network, box: box, layer: k, bounds: bounds)
            for i in problem.loose {
                statistics.loose += 1
                for side in [IntermediateBoundSide.lower, .upper] {
                    let remaining = budget.total - statistics.evaluations
                    if remaining < 1 || expired() { break targets }
                    if problem.isSettled(bounds[k], unit: i) { continue }
                    let search = problem.bestFirst(unit: i, side: side, budget: Swift.min(budget.perBound, remaining))
                    statistics.evaluations += search.evaluations
                    guard let least = search.least else { return nil }
                    if problem.apply(least, unit: i, side: side, to: &bounds) {
                        trees.append(IntermediateBranchTree(layer: k, unit: i, side: side, nodes: search.nodes))
                    }
                    if bounds[k].lower[i] > bounds[k].upper[i] { return nil }
                }
                if bounds[k].lower[i] >= 0 || bounds[k].upper[i] <= 0 { statistics.stabilised += 1 }
            }
        }
        return (bounds, trees, statistics)
    }

    /// Re-derives the tightened bounds from recorded trees, in the order given, each leaf's
    /// bound computed anew. Nil when a tree names a layer that is not a target layer, a unit
    /// outside it, or a layer before an earlier tree's; when its nodes are not a complete
    /// preorder tree; when a split names no ReLU / LeakyReLU unit of a layer before the
    /// target or splits a unit twice on one path; or when two bounds of a unit cross.
    public static func replay(_ network: NeuralNetwork, box: Box, enclosing: [LayerBounds],
                              trees: [IntermediateBranchTree]) -> [LayerBounds]? {
        let targets = Set(IntermediateTightening.targetLayers(network))
        var bounds = enclosing
        var problem: PrefixRows?
        for tree in trees {
            guard targets.contains(tree.layer), tree.unit >= 0, tree.unit < bounds[tree.layer].count,
                  tree.layer >= (problem?.layer ?? 0) else { return nil }
            if problem?.layer != tree.layer { problem = PrefixRows(network, box: box, layer: tree.layer, bounds: bounds) }
            guard let rows = problem, let least = rows.replay(tree) else { return nil }
            _ = rows.apply(least, unit: tree.unit, side: tree.side, to: &bounds)
            if bounds[tree.layer].lower[tree.unit] > bounds[tree.layer].upper[tree.unit] { return nil }
        }
        return bounds
    }

    /// The prefix network of one target layer `k` (``IntermediateTightening``'s prefix: the
    /// layers before the affine layer `z = W h + b` that feeds `k`) and its rows `±(W_i·h + b_i)`.
    private struct PrefixRows {
        let prefix: NeuralNetwork
        let box: Box
        let layer: Int
        let affine: AffineLayer
        /// The current bounds of the prefix's layers and of its output (`bounds[0..<layer]`).
        let enclosing: [LayerBounds]
        /// The units loose under the bounds the problem was made with, in increasing order.
        let loose: [Int]
        /// The prefix's interval products over the box (``IntervalMemo``): a sub-problem's
        /// phases clip only the activation layers, so the first affine layer's product, the
        /// costliest, is the same at every node.
        let intervals: IntervalMemo

        init(_ network: NeuralNetwork, box: Box, layer: Int, bounds: [LayerBounds]) {
            (prefix, affine, loose) = IntermediateTightening.prefix(of: network, layer: layer, bounds: bounds)
            self.box = box
            self.layer = layer
            enclosing = Array(bounds[0..<layer])
            intervals = PhaseSplitBounds.bounds(of: prefix, over: box, phases: PhaseConstraints(), specification: .none,
                                                enclosing: enclosing, intermediates: .fixed,
                                                intervals: IntervalMemo())?.intervals ?? IntervalMemo()
        }

        /// The row `s z_i` (exact: the network's Doubles, negated).
        func row(unit i: Int, side: IntermediateBoundSide) -> LinearSpecification {
            let sign = side == .lower ? 1.0 : -1.0
            return LinearSpecification(coefficients: [(0..<affine.inputSize).map { sign * affine.weight(row: i, column: $0) }],
                                       constants: [sign * affine.bias[i]])
        }

        /// Whether the unit's bounds already keep it on one side of 0 (nothing to gain).
        func isSettled(_ bounds: LayerBounds, unit i: Int) -> Bool {
            bounds.lower[i] >= 0 || bounds.upper[i] <= 0
        }

        /// The sound bounds of `row` on the sub-problem `phases`; nil when it is empty.
        func evaluate(_ row: LinearSpecification, _ phases: PhaseConstraints) -> PhaseSplitNodeBounds? {
            PhaseSplitBounds.bounds(of: prefix, over: box, phases: phases, specification: row,
                                    enclosing: enclosing, intermediates: .fixed, intervals: intervals)
        }

        /// Intersects the unit's bound with the tree's least leaf bound `least` (a lower bound
        /// of `s z_i`); true when the bound moved.
        func apply(_ least: Double, unit i: Int, side: IntermediateBoundSide, to bounds: inout [LayerBounds]) -> Bool {
            switch side {
            case .lower:
                guard least > bounds[layer].lower[i] else { return false }
                bounds[layer].lower[i] = least
            case .upper:
                guard -least < bounds[layer].upper[i] else { return false }
                bounds[layer].upper[i] = -least
            }
            return true
        }

        /// The best-first tree of one unit and side: at most `budget` evaluations; `least` is
        /// the least bound over its non-empty leaves (+infinity when every leaf is empty), nil
        /// when the root itself is empty (cannot happen on a non-empty box). A node's bound is
        /// the larger of its own sound bound and its parent's (which holds on the parent's
        /// sub-problem, a superset): a child's linear bound alone can be lower than its
        /// parent's, since fixing a phase changes the relaxation the row is carried through.
        func bestFirst(unit i: Int, side: IntermediateBoundSide, budget: Int) -> (least: Double?, nodes: [ActivationUnit?], evaluations: Int) {
            let row = row(unit: i, side: side)
            struct Leaf { var phases: PhaseConstraints; var bounds: PhaseSplitNodeBounds; var bound: Double; var id: Int }
            // splits[id]: the split of tree node `id` and its two children's ids (nil: a leaf).
            var splits: [(unit: ActivationUnit, above: Int, below: Int)?] = [nil]
            guard let root = evaluate(row, PhaseConstraints()) else { return (nil, [nil], 1) }
            var leaves = [Leaf(phases: PhaseConstraints(), bounds: root, bound: root.result.specLower[0], id: 0)]
            var evaluations = 1
            while evaluations + 2 <= budget, let worst = leaves.indices.min(by: { leaves[$0].bound < leaves[$1].bound }) {
                let leaf = leaves[worst]
                guard leaf.bound < 0, let unit = bestSplit(leaf.bounds, row: row) else { break }
                leaves.remove(at: worst)
                let width = leaf.bounds.result.layerBounds[unit.layer].count
                let above = SplitSide(breakpoint: 0, above: true)
                var ids: [Int] = []
                for side in [above, above.opposite] {
                    let id = splits.count
                    splits.append(nil)
                    ids.append(id)
                    let phases = leaf.phases.constraining(unit, side, width: width)
                    if let child = evaluate(row, phases) {
                        leaves.append(Leaf(phases: phases, bounds: child, bound: Swift.max(leaf.bound, child.result.specLower[0]), id: id))
                    }
                }
                splits[leaf.id] = (unit, ids[0], ids[1])
                evaluations += 2
            }
            var nodes: [ActivationUnit?] = []
            func emit(_ id: Int) {
                guard let split = splits[id] else { nodes.append(nil); return }
                nodes.append(split.unit)
                emit(split.above)
                emit(split.below)
            }
            emit(0)
            return (leaves.map(\.bound).min() ?? .infinity, nodes, evaluations)
        }

        /// The ReLU / LeakyReLU unit of the prefix with the best positive BaBSR score for
        /// `row` (the lowest unit on a tie); nil when none scores above 0.
        func bestSplit(_ bounds: PhaseSplitNodeBounds, row: LinearSpecification) -> ActivationUnit? {
            var best: (unit: ActivationUnit, score: Double)?
            for candidate in bounds.branchingScores(rows: [0], specification: row) where candidate.score > 0 {
                switch prefix.layers[candidate.unit.layer] {
                case .relu, .leakyRelu: break
                case .affine, .clip, .tanh, .sigmoid, .enclosedScale: continue
                }
                if best == nil || candidate.score > best!.score
                    || (candidate.score == best!.score && candidate.unit < best!.unit) { best = candidate }
            }
            return best?.unit
        }

        /// The least bound over the non-empty leaves of a recorded tree, every node evaluated
        /// anew and bounded by the larger of its own bound and its parent's (as
        /// ``bestFirst(unit:side:budget:)``); nil when the tree is malformed (see
        /// ``IntermediateBranching/replay(_:box:enclosing:trees:)``).
        func replay(_ tree: IntermediateBranchTree) -> Double? {
            let row = row(unit: tree.unit, side: tree.side)
            var position = 0
            var least = Double.infinity
            // Depth-first over the preorder list; `inherited` is the parent's bound (nil: the
            // parent is empty, and so is this node). False: malformed.
            func visit(_ phases: PhaseConstraints, inherited: Double?) -> Bool {
                guard position < tree.nodes.count else { return false }
                let node = tree.nodes[position]
                position += 1
                let bound = inherited.flatMap { parent in evaluate(row, phases).map { Swift.max(parent, $0.result.specLower[0]) } }
                guard let unit = node else {
                    if let bound { least = Swift.min(least, bound) }
                    return true
                }
                guard unit.layer >= 0, unit.layer < prefix.layers.count, unit.unit >= 0,
                      unit.unit < enclosing[unit.layer].count, phases.interval(of: unit) == nil else { return false }
                switch prefix.layers[unit.layer] {
                case .relu, .leakyRelu: break
                case .affine, .clip, .tanh, .sigmoid, .enclosedScale: return false
                }
                let width = enclosing[unit.layer].count
                let above = SplitSide(breakpoint: 0, above: true)
                return visit(phases.constraining(unit, above, width: width), inherited: bound)
                    && visit(phases.constraining(unit, above.opposite, width: width), inherited: bound)
            }
            guard visit(PhaseConstraints(), inherited: -.infinity), position == tree.nodes.count else { return nil }
            return least
        }
    }
}
