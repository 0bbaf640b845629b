import Encoding
import Network

/// What is wrong with one node of a recorded ReLU-phase proof (``PhaseProof``).
public enum PhaseProofFault: Sendable, Equatable, CustomStringConvertible {
    /// Node 0 has a parent or a split constraint, or the list is empty.
    case notRoot
    /// The parent index does not name an earlier node.
    case badParent
    /// A node other than the root records neither a split constraint nor a fork's disjuncts.
    case missingSplit
    /// A fork's child names no disjunct, a disjunct the property does not have, or also a split.
    case invalidDisjuncts
    /// The fork's children leave this disjunct, open at the fork, to no child.
    case forkMissesDisjunct(Int)
    /// The split names no unit of a ReLU, LeakyReLU or clip layer, or a value that is not
    /// one of the unit's breakpoints.
    case notABreakpoint
    /// The children are not exactly `z >= b` and `z <= b` of one unit and breakpoint (nor
    /// all of them a fork's children).
    case notAPartition(children: Int)
    /// A leaf records no closing method, or an inner node records one.
    case leafMethodMismatch
    /// A slope list names a layer that is not ReLU / LeakyReLU / clip, has the wrong length, or a
    /// slope lies outside the valid range `[low, high]`.
    case slopeOutOfRange(layer: Int, low: Double, high: Double)
    /// A split multiplier is negative or not finite, names no specification row or no unit of
    /// a ReLU / LeakyReLU / clip layer, or is recorded without slopes.
    case invalidMultiplier(row: Int, layer: Int, unit: Int)
    /// The leaf does not close when re-proved with its recorded method.
    case doesNotClose(PhaseLeafMethod)
    /// cvc5 does not confirm Z3's `unsat` on the leaf.
    case cvc5Disagrees
    /// The root's intermediate slopes (``PhaseProof/rootIntermediates``) name a layer that
    /// cannot be tightened or repeat one out of order, or a slope lies outside its range.
    case invalidRootIntermediates
    /// The root's branching trees (``PhaseProof/rootBranching``) name a layer that cannot be
    /// tightened or come out of layer order, or a tree is not a complete split tree over
    /// earlier ReLU / LeakyReLU units.
    case invalidRootBranching

    public var description: String {
        switch self {
        case .notRoot: return "the first node must be the root (no parent, no split constraint)"
        case .badParent: return "its parent is not an earlier node"
        case .missingSplit: return "it records neither a split constraint nor a fork's disjuncts"
        case .invalidDisjuncts: return "its disjuncts are not a non-empty list of the property's disjuncts without a split"
        case .forkMissesDisjunct(let disjunct): return "no child of the fork is left disjunct \(disjunct), open at the fork"
        case .notABreakpoint: return "its split is not at a breakpoint of a ReLU, LeakyReLU or clip unit"
        case .notAPartition(let children):
            return "its \(children) children are not the two sides z >= b and z <= b of one unit's breakpoint: part of it is covered by no sub-problem"
        case .leafMethodMismatch: return "a leaf must record how it was closed and an inner node must not"
        case let .slopeOutOfRange(layer, low, high):
            return "its slopes for layer \(layer) are not one per unit of a ReLU / LeakyReLU / clip layer within [\(low), \(high)]"
        case let .invalidMultiplier(row, layer, unit):
            return "its split multiplier of row \(row) on layer \(layer) unit \(unit) is not a finite value >= 0 on a ReLU / LeakyReLU / clip unit and a specification row, recorded with slopes"
        case .doesNotClose(let method): return "the leaf (\(method.rawValue)) does not close when re-proved"
        case .cvc5Disagrees: return "cvc5 does not confirm Z3's unsat on the leaf"
        case .invalidRootIntermediates:
            return "its root intermediate slopes must name ReLU / LeakyReLU / clip layers after the first, in increasing order, with every slope in range"
        case .invalidRootBranching:
            return "its root branching trees must name units of ReLU / LeakyReLU / clip layers after the first, in layer order, each a complete preorder tree of splits of earlier ReLU / LeakyReLU units, none split twice on a path"
        }
    }
}

extension CertificateChecker {
    /// Re-proves that no input of `query.box` reaches `query.property` from a recorded
    /// ReLU-phase proof tree, using the tree only as a map.
    ///
    /// Coverage: node 0 is the root (the whole box); every inner node has exactly two
    /// children adding `z >= b` and `z <= b` for one unit and one of its breakpoints (0 for
    /// ReLU / LeakyReLU, `p` or `q` for clip `[p, q]`), whose union is the parent; every
    /// other node is a leaf; or an inner node forks: all its children record no split but
    /// disjuncts, each child is the parent's sub-problem left to exclude only those, and every
    /// disjunct open at the parent is some child's. So the leaves' sub-problems, each with the
    /// disjuncts it must exclude, cover every disjunct on the whole box.
    ///
    /// Leaves: the checker bounds every node itself, top down, as the search does
    /// (``PhaseSplitBounds`` with the node's own split constraints, each layer intersected
    /// with its parent's bounds computed here; the root inside fresh linear bounds of the
    /// box, tightened by the proof's root intermediate slopes when it records them
    /// (``IntermediateTightening/replay(_:box:enclosing:slopes:)``, slopes validated first)):
    /// the inherited slopes, then the node's recorded slopes inside those (validated first:
    /// each in `[0, 1]` for ReLU, between `alpha` and 1 for LeakyReLU), each pass with
    /// the split multipliers that go with its slopes (validated first: finite and `>= 0`, so
    /// the terms `β s z` are `>= 0` on the sub-problem; ``SplitMultipliers``). A disjunct
    /// excluded at a node (an atom's lower bound `> 0`, or a dual certificate
    /// (``ConjunctionExclusion``) over the disjunct's linear bounds and the first layer's fixed
    /// phases) stays excluded below it. A node whose bounds are empty or exclude every open
    /// disjunct closes with everything below it, whatever it records; a leaf still open must
    /// be an `smt` leaf on which Z3 answers `unsat` for the open disjuncts (the encoding with
    /// the node's bounds as big-M constants and every pre-activation constrained to them, so
    /// the split constraints hold), confirmed by `cvc5` when given.
    public static func checkPhaseProof(_ query: SafetyQuery, proof: PhaseProof, cvc5: String?,
                                       leafProcessExecutable: String? = nil, place: String = "the query",
                                       report: inout Report) throws {
        let (specification, rows) = query.specification
        let root = BoundPropagation.bounds(of: query.network, over: query.box, specification: specification, method: .linear)
        let widths = root.layerBounds.map(\.count)
        let faults = phaseProofStructure(proof, network: query.network, widths: widths, rowCount: specification.count,
                                         disjunctCount: rows.count)
        guard faults.isEmpty else {
            report.problems += faults.map { .phaseProof(place: place, node: $0.node, $0.fault) }
            return
        }
        var rootEnclosing = root.layerBounds
        if let recorded = proof.rootIntermediates {
            guard let tightened = IntermediateTightening.replay(query.network, box: query.box, enclosing: root.layerBounds,
                                                                slopes: recorded.map(\.slopes)) else {
                report.problems.append(.phaseProof(place: place, node: 0, .invalidRootIntermediates))
                return
            }
            rootEnclosing = tightened
        }
        if let recorded = proof.rootBranching {
            let trees = recorded.compactMap(\.tree)
            guard trees.count == recorded.count,
                  let tightened = IntermediateBranching.replay(query.network, box: query.box, enclosing: rootEnclosing, trees: trees) else {
                report.problems.append(.phaseProof(place: place, node: 0, .invalidRootBranching))
                return
            }
            rootEnclosing = tightened
        }
        let solver = try ExactLeafSolver()
        solver.isolation = leafProcessExecutable.map { IsolatedLeaf(executable: $0, grace: QueryConfiguration().leaves.leafProcessGrace) }
        let preparation = PhaseSplitPreparation(query: query, specification: specification, rows: rows)
        let nodes = proof.nodes
        var children = [[Int]](repeating: [], count: nodes.count)
        for (i, node) in nodes.enumerated() { if let parent = node.parent { children[parent].append(i) } }
        var leafCount = children.map { $0.isEmpty ? 1 : 0 }
        for i in nodes.indices.reversed() { if let parent = nodes[i].parent { leafCount[parent] += leafCount[i] } }

        struct State {
            var index: Int
            var phases: PhaseConstraints
            var open: [Int]
            var enclosing: [LayerBounds]
            var slopes: [Int: [Double]]
            var multipliers: SplitMultipliers
        }
        var stack = [State(index: 0, phases: PhaseConstraints(), open: Array(rows.indices), enclosing: rootEnclosing,
                           slopes: [:], multipliers: SplitMultipliers())]
        while let state = stack.popLast() {
            let node = nodes[state.index]
            let recorded = node.slopes.map {
                RelaxationHints(slopes: SlopeLayerCertificate.dictionary($0),
                                multipliers: SplitMultiplierCertificate.multipliers(node.multipliers ?? []))
            }
            report.nodesBounded += 1
            guard let bounds = phaseNodeBounds(query, specification, state.phases, enclosing: state.enclosing,
                                               inherited: RelaxationHints(slopes: state.slopes, multipliers: state.multipliers),
                                               recorded: recorded, intermediates: node.intermediates ?? .refined,
                                               newestSplitLayer: node.split?.layer) else {
                report.leavesChecked += leafCount[state.index]
                report.reprovedByBounds += leafCount[state.index]
                continue
            }
            let constraints = preparation.phaseRows(state.phases)
            let open = InputSplitSearch.openDisjuncts(bounds.specLower, rows: rows, among: state.open).filter { disjunct in
                guard rows[disjunct].count + constraints.count >= 2 else { return true }
                return !ConjunctionExclusion.search(lower: query.box.lower, upper: query.box.upper,
                                                    rows: preparation.linearRows(bounds, disjunct) + constraints).excludes
            }
            if open.isEmpty {
                report.leavesChecked += leafCount[state.index]
                report.reprovedByBounds += leafCount[state.index]
                continue
            }
            guard children[state.index].isEmpty else {
                let isFork = nodes[children[state.index][0]].split == nil
                let forked = Set(children[state.index].flatMap { nodes[$0].disjuncts ?? [] })
                if isFork, let missed = open.first(where: { !forked.contains($0) }) {
                    report.problems.append(.phaseProof(place: place, node: state.index, .forkMissesDisjunct(missed)))
                    continue
                }
                for child in children[state.index].reversed() {
                    let phases = nodes[child].split.map {
                        state.phases.constraining($0.activationUnit, $0.splitSide, width: widths[$0.layer])
                    } ?? state.phases
                    let childOpen = nodes[child].disjuncts.map { kept in open.filter(kept.contains) } ?? open
                    stack.append(State(index: child, phases: phases, open: childOpen, enclosing: bounds.layerBounds,
                                       slopes: recorded?.slopes ?? state.slopes,
                                       multipliers: recorded?.multipliers ?? state.multipliers))
                }
                continue
            }
            report.leavesChecked += 1
            let method = node.closed!
            guard method == .smt else {
                report.problems.append(.phaseProof(place: place, node: state.index, .doesNotClose(method)))
                continue
            }
            let property = preparation.subQuery(open).property
            let (outcome, _) = solver.solve(network: query.network, box: query.box, bounds: bounds, property: property,
                                            resourceLimit: 0, timeLimit: 600, smt2Directory: nil, affineForm: .equalities)
            guard case .unsat = outcome else {
                report.problems.append(.phaseProof(place: place, node: state.index, .doesNotClose(method)))
                continue
            }
            report.reprovedByZ3 += 1
            if let cvc5 {
                guard confirmByCVC5(query.network, query.box, bounds, property, cvc5) else {
                    report.problems.append(.phaseProof(place: place, node: state.index, .cvc5Disagrees))
                    continue
                }
                report.confirmedByCVC5 += 1
            }
        }
    }

    /// The bounds of one sub-problem as the search computes them, with the node's recorded
    /// `intermediates` (``PhaseNodeIntermediates``; any choice is sound): `inherited` slopes and
    /// multipliers inside `enclosing`, then `recorded` ones (when given) inside those, with the
    /// larger of the two lower bounds of every atom; nil when the sub-problem is empty.
    /// Multipliers must have been validated (finite, `>= 0`).
    static func phaseNodeBounds(_ query: SafetyQuery, _ specification: LinearSpecification, _ phases: PhaseConstraints,
                                enclosing: [LayerBounds], inherited: RelaxationHints, recorded: RelaxationHints?,
                                intermediates: PhaseNodeIntermediates = .refined, newestSplitLayer: Int? = nil) -> BoundResult? {
        guard let first = PhaseSplitBounds.bounds(of: query.network, over: query.box, phases: phases, specification: specification,
                                                  enclosing: enclosing, lowerSlopes: inherited.slopes,
                                                  multipliers: inherited.multipliers, intermediates: intermediates,
                                                  newestSplitLayer: newestSplitLayer) else { return nil }
        guard let recorded else { return first.result }
        guard let second = PhaseSplitBounds.bounds(of: query.network, over: query.box, phases: phases, specification: specification,
                                                   enclosing: first.result.layerBounds, lowerSlopes: recorded.slopes,
                                                   multipliers: recorded.multipliers, intermediates: intermediates,
                                                   newestSplitLayer: newestSplitLayer) else { return nil }
        var merged = second.result
        merged.specLower = zip(second.result.specLower, first.result.specLower).map { Swift.max($0, $1) }
        return merged
    }

    /// The structural faults of `proof` (node index and fault): a root first, parents before
    /// children, splits at breakpoints, two children partitioning each inner node or only
    /// fork children (each naming disjuncts, no split), a method exactly at the leaves, slopes
    /// in range, and split multipliers valid. `widths[k]` is the number of inputs of layer
    /// `k`, `rowCount` the number of specification rows, `disjunctCount` the property's
    /// number of disjuncts. Whether a fork covers its open disjuncts depends on its bounds and
    /// is checked with them.
    static func phaseProofStructure(_ proof: PhaseProof, network: NeuralNetwork, widths: [Int],
                                    rowCount: Int, disjunctCount: Int) -> [(node: Int, fault: PhaseProofFault)] {
        let nodes = proof.nodes
        guard let first = nodes.first, first.parent == nil, first.split == nil else { return [(0, .notRoot)] }
        var faults: [(node: Int, fault: PhaseProofFault)] = []
        var children = [[Int]](repeating: [], count: nodes.count)
        for (i, node) in nodes.enumerated() where i > 0 {
            guard let parent = node.parent, parent >= 0, parent < i else { faults.append((i, .badParent)); continue }
            if let disjuncts = node.disjuncts {
                guard node.split == nil, !disjuncts.isEmpty, disjuncts.allSatisfy({ $0 >= 0 && $0 < disjunctCount }) else {
                    faults.append((i, .invalidDisjuncts)); continue
                }
            } else {
                guard let split = node.split else { faults.append((i, .missingSplit)); continue }
                guard isBreakpoint(split, network: network, widths: widths) else { faults.append((i, .notABreakpoint)); continue }
            }
            children[parent].append(i)
        }
        guard faults.isEmpty else { return faults }
        for (i, node) in nodes.enumerated() {
            let below = children[i].compactMap { nodes[$0].split }
            if children[i].isEmpty != (node.closed != nil) { faults.append((i, .leafMethodMismatch)) }
            if !below.isEmpty {
                // Split children: exactly the two sides of one breakpoint, and no fork child.
                let partition = below.count == 2 && children[i].count == 2
                    && below[0].activationUnit == below[1].activationUnit
                    && below[0].breakpoint == below[1].breakpoint && Set([below[0].side, below[1].side]).count == 2
                if !partition { faults.append((i, .notAPartition(children: children[i].count))) }
            }
            for slopes in node.slopes ?? [] {
                if let fault = slopeFault(slopes, network: network, widths: widths) { faults.append((i, fault)) }
            }
            if i == 0, let recorded = proof.rootIntermediates,
               recorded.contains(where: { entry in (entry.lowerRows + entry.upperRows).contains {
                   slopeFault($0, network: network, widths: widths) != nil } }) {
                faults.append((0, .invalidRootIntermediates))
            }
            for entry in node.multipliers ?? [] where !isValidMultiplier(entry, recordedWithSlopes: node.slopes != nil,
                                                                         network: network, widths: widths, rowCount: rowCount) {
                faults.append((i, .invalidMultiplier(row: entry.row, layer: entry.layer, unit: entry.unit)))
            }
        }
        return faults
    }

    /// Whether `split` is at a breakpoint of an existing ReLU, LeakyReLU or clip unit.
    static func isBreakpoint(_ split: PhaseSplitCertificate, network: NeuralNetwork, widths: [Int]) -> Bool {
        guard network.layers.indices.contains(split.layer), split.unit >= 0, split.unit < widths[split.layer] else { return false }
        switch network.layers[split.layer] {
        case .relu, .leakyRelu: return split.breakpoint == 0
        case .clip(let p, let q): return split.breakpoint == p || split.breakpoint == q
        case .affine, .tanh, .sigmoid, .enclosedScale: return false
        }
    }

    /// Whether a recorded split multiplier is finite and `>= 0`, on a specification row and a
    /// unit of a ReLU / LeakyReLU / clip layer (the layers a split can constrain; a clip
    /// `[0, q]` unit held at its breakpoint 0 has a ReLU phase), and recorded with slopes. A
    /// negative one would make the Lagrangian term `-β s z` negative on the sub-problem: the
    /// bound would be unsound. A multiplier on a unit without a ReLU phase at the node adds no
    /// term (``SplitMultipliers``).
    static func isValidMultiplier(_ entry: SplitMultiplierCertificate, recordedWithSlopes: Bool, network: NeuralNetwork,
                                  widths: [Int], rowCount: Int) -> Bool {
        guard recordedWithSlopes, entry.value.isFinite, entry.value >= 0, entry.row >= 0, entry.row < rowCount,
              network.layers.indices.contains(entry.layer), entry.unit >= 0, entry.unit < widths[entry.layer] else { return false }
        switch network.layers[entry.layer] {
        case .relu, .leakyRelu, .clip: return true
        case .affine, .tanh, .sigmoid, .enclosedScale: return false
        }
    }

    /// The fault of one layer's slopes: not a ReLU / LeakyReLU / clip layer, not one slope per
    /// unit, or a slope outside `[0, 1]` (ReLU, clip) or between `alpha` and 1 (LeakyReLU);
    /// nil when valid.
    static func slopeFault(_ slopes: SlopeLayerCertificate, network: NeuralNetwork, widths: [Int]) -> PhaseProofFault? {
        let (low, high): (Double, Double)
        if network.layers.indices.contains(slopes.layer) {
            switch network.layers[slopes.layer] {
            case .relu, .clip: (low, high) = (0, 1)
            case .leakyRelu(let alpha): (low, high) = (Swift.min(alpha, 1), Swift.max(alpha, 1))
            default: return .slopeOutOfRange(layer: slopes.layer, low: 0, high: 1)
            }
        } else {
            return .slopeOutOfRange(layer: slopes.layer, low: 0, high: 1)
        }
        let valid = slopes.slopes.count == widths[slopes.layer]
            && slopes.slopes.allSatisfy { $0.map { $0 >= low && $0 <= high } ?? true }
        return valid ? nil : .slopeOutOfRange(layer: slopes.layer, low: low, high: high)
    }
}
