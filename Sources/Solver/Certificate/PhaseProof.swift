import Encoding

/// The proof tree of the ReLU-phase engine (``PhaseSplitSearch``), as recorded by the search
/// and written into a certificate (`phase_proof`, certificate format 2, 4 with
/// ``rootIntermediates``, 5 with ``rootBranching``).
///
/// Every node is a sub-problem `S = { x in box : every split constraint on the path from the
/// root holds }`. The root (node 0) constrains nothing. An inner node has exactly two
/// children, which add the two sides of one breakpoint `b` of one unit's pre-activation `z`
/// (`z >= b` and `z <= b`): their union is the parent. A leaf records how the search closed
/// it (``PhaseLeafMethod``).
///
/// An inner node may instead fork (``PhaseDisjunctSearch/separate``): its children record no
/// split but each a set of ``PhaseProofNode/disjuncts``; each is the parent's sub-problem
/// with only those disjuncts left to exclude, and together they name every disjunct still
/// open at the parent.
///
/// The nodes are listed in the order the search created them, so a node's parent always
/// comes before it. Bounds at a node are evaluated inside its parent's bounds with lower
/// slopes: the parent's final slopes (adaptive at the root), then, when the node records
/// `slopes`, a second pass with those inside the first (its lower bounds are the larger of
/// the two); the node's final slopes are the recorded ones, else its parent's. Slopes are only
/// hints: any slope in range gives sound bounds.
public struct PhaseProof: Codable, Sendable, Equatable {
    public var nodes: [PhaseProofNode]
    /// The slopes that tightened the root's intermediate layer bounds before the search
    /// (``IntermediateTightening``), in the order they were applied; nil: none (every proof
    /// written before the option existed). The root's enclosing bounds are the box's linear
    /// bounds tightened by them.
    public var rootIntermediates: [IntermediateSlopesCertificate]?
    /// The phase-split trees that then tightened the root's intermediate bounds
    /// (``IntermediateBranching``), in the order they were applied; nil: none. The root's
    /// enclosing bounds are the bounds tightened by ``rootIntermediates``, then by these.
    public var rootBranching: [IntermediateBranchTreeCertificate]?

    public init(nodes: [PhaseProofNode], rootIntermediates: [IntermediateSlopesCertificate]? = nil,
                rootBranching: [IntermediateBranchTreeCertificate]? = nil) {
        self.nodes = nodes
        self.rootIntermediates = rootIntermediates
        self.rootBranching = rootBranching
    }

    enum CodingKeys: String, CodingKey {
        case nodes
        case rootIntermediates = "root_intermediates"
        case rootBranching = "root_branching"
    }

    /// Whether the proof needs certificate format 4 (``Certificate/rootIntermediatesFormatVersion``).
    var hasRootIntermediates: Bool { !(rootIntermediates ?? []).isEmpty }
    /// Whether the proof needs certificate format 5 (``Certificate/rootBranchingFormatVersion``).
    var hasRootBranching: Bool { !(rootBranching ?? []).isEmpty }
}

/// The certificate form of ``IntermediateBranchTree``: `nodes` in preorder, `[]` a leaf and
/// `[layer, unit]` a split at 0 of that ReLU / LeakyReLU unit, followed by its child `z >= 0`
/// and then its child `z <= 0`.
public struct IntermediateBranchTreeCertificate: Codable, Sendable, Equatable {
    public var layer: Int
    public var unit: Int
    public var side: IntermediateBoundSide
    public var nodes: [[Int]]

    public init(_ tree: IntermediateBranchTree) {
        layer = tree.layer
        unit = tree.unit
        side = tree.side
        nodes = tree.nodes.map { $0.map { [$0.layer, $0.unit] } ?? [] }
    }

    /// The tree as the bound computation takes it; nil when an entry is neither `[]` nor a
    /// pair.
    var tree: IntermediateBranchTree? {
        var units: [ActivationUnit?] = []
        for entry in nodes {
            switch entry.count {
            case 0: units.append(nil)
            case 2: units.append(ActivationUnit(layer: entry[0], unit: entry[1]))
            default: return nil
            }
        }
        return IntermediateBranchTree(layer: layer, unit: unit, side: side, nodes: units)
    }
}

/// The certificate form of ``IntermediateSlopes``: the slopes of the rows `z_i` (lower bounds)
/// and `-z_i` (upper bounds) that tightened activation layer `layer`'s input bounds.
public struct IntermediateSlopesCertificate: Codable, Sendable, Equatable {
    public var layer: Int
    public var lowerRows: [SlopeLayerCertificate]
    public var upperRows: [SlopeLayerCertificate]

    public init(_ slopes: IntermediateSlopes) {
        layer = slopes.layer
        lowerRows = SlopeLayerCertificate.list(slopes.lowerRows)
        upperRows = SlopeLayerCertificate.list(slopes.upperRows)
    }

    enum CodingKeys: String, CodingKey {
        case layer
        case lowerRows = "lower_rows"
        case upperRows = "upper_rows"
    }

    /// The slopes as the bound computation takes them.
    var slopes: IntermediateSlopes {
        IntermediateSlopes(layer: layer, lowerRows: SlopeLayerCertificate.dictionary(lowerRows),
                           upperRows: SlopeLayerCertificate.dictionary(upperRows))
    }
}

/// One sub-problem of a ``PhaseProof``.
public struct PhaseProofNode: Codable, Sendable, Equatable {
    /// The index of the parent in ``PhaseProof/nodes``; nil at the root.
    public var parent: Int?
    /// The split constraint this node adds to its parent's; nil at the root and at a fork's
    /// child.
    public var split: PhaseSplitCertificate?
    /// At a fork's child: the disjuncts (indices of the property's disjuncts, in the order of
    /// the query's specification) this node and everything below it must exclude, out of
    /// those its parent left open; nil everywhere else (all the parent left open).
    public var disjuncts: [Int]?
    /// Optimised lower slopes evaluated at this node after the inherited ones, if any.
    public var slopes: [SlopeLayerCertificate]?
    /// The split multipliers evaluated with ``slopes`` (only with them), if any.
    public var multipliers: [SplitMultiplierCertificate]?
    /// How the search closed the node; nil for an inner node.
    public var closed: PhaseLeafMethod?
    /// How the node's intermediate layer bounds were obtained (``PhaseNodeIntermediates``);
    /// nil: `.refined` (every proof written before the option existed).
    public var intermediates: PhaseNodeIntermediates?

    public init(parent: Int?, split: PhaseSplitCertificate?, slopes: [SlopeLayerCertificate]? = nil,
                multipliers: [SplitMultiplierCertificate]? = nil, closed: PhaseLeafMethod? = nil,
                intermediates: PhaseNodeIntermediates? = nil, disjuncts: [Int]? = nil) {
        self.parent = parent
        self.split = split
        self.disjuncts = disjuncts
        self.slopes = slopes
        self.multipliers = multipliers
        self.closed = closed
        self.intermediates = intermediates
    }
}

/// A split constraint `z >= breakpoint` (`side` `above`) or `z <= breakpoint` (`below`) on
/// unit `unit` of activation layer `layer` (an index into the network's layers, as
/// ``ActivationUnit``).
public struct PhaseSplitCertificate: Codable, Sendable, Equatable {
    public enum Side: String, Codable, Sendable {
        case above, below
    }

    public var layer: Int
    public var unit: Int
    public var breakpoint: Double
    public var side: Side

    public init(unit: ActivationUnit, side: SplitSide) {
        layer = unit.layer
        self.unit = unit.unit
        breakpoint = side.breakpoint
        self.side = side.above ? .above : .below
    }

    public var activationUnit: ActivationUnit { ActivationUnit(layer: layer, unit: unit) }
    public var splitSide: SplitSide { SplitSide(breakpoint: breakpoint, above: side == .above) }
}

/// The slopes of one ReLU / LeakyReLU / clip layer's free lines (``BoundOptions/lowerSlopes``:
/// the lower line of a ReLU or LeakyReLU unit, the line through a clip unit's one inner kink):
/// one per unit, `null` where the unit keeps the adaptive slope (NaN in memory).
public struct SlopeLayerCertificate: Codable, Sendable, Equatable {
    public var layer: Int
    public var slopes: [Double?]

    public init(layer: Int, slopes: [Double?]) {
        self.layer = layer
        self.slopes = slopes
    }

    /// `slopes` keyed by layer as the bound computation takes them (null -> NaN).
    static func dictionary(_ layers: [SlopeLayerCertificate]) -> [Int: [Double]] {
        Dictionary(layers.map { ($0.layer, $0.slopes.map { $0 ?? .nan }) }, uniquingKeysWith: { first, _ in first })
    }

    /// The certificate form of slopes keyed by layer, in increasing layer order.
    static func list(_ slopes: [Int: [Double]]) -> [SlopeLayerCertificate] {
        slopes.keys.sorted().map { SlopeLayerCertificate(layer: $0, slopes: slopes[$0]!.map { $0.isNaN ? nil : $0 }) }
    }
}

/// The multiplier `value` (`β >= 0`) of specification row `row` (an index into the query's
/// linear specification) on the phase constraint of unit `unit` of activation layer `layer`
/// (``SplitMultipliers``).
public struct SplitMultiplierCertificate: Codable, Sendable, Equatable {
    public var row: Int
    public var layer: Int
    public var unit: Int
    public var value: Double

    public init(row: Int, layer: Int, unit: Int, value: Double) {
        self.row = row
        self.layer = layer
        self.unit = unit
        self.value = value
    }

    /// The multipliers as the bound computation takes them.
    static func multipliers(_ list: [SplitMultiplierCertificate]) -> SplitMultipliers {
        var values: [Int: [ActivationUnit: Double]] = [:]
        for entry in list { values[entry.row, default: [:]][ActivationUnit(layer: entry.layer, unit: entry.unit)] = entry.value }
        return SplitMultipliers(values: values)
    }

    /// The certificate form, in increasing (row, layer, unit) order; nil when there is none.
    static func list(_ multipliers: SplitMultipliers) -> [SplitMultiplierCertificate]? {
        let list = multipliers.values.keys.sorted().flatMap { row in
            multipliers.values[row]!.sorted { $0.key < $1.key }.map {
                SplitMultiplierCertificate(row: row, layer: $0.key.layer, unit: $0.key.unit, value: $0.value)
            }
        }
        return list.isEmpty ? nil : list
    }
}

/// How a leaf of a ``PhaseProof`` was closed.
public enum PhaseLeafMethod: String, Codable, Sendable, CaseIterable {
    /// Sound bounds (with the dual certificate of conjunctions) exclude every unsafe disjunct.
    case bounds
    /// The split constraints contradict each other or the bounds: the sub-problem is empty.
    case infeasible
    /// Z3 answered `unsat` on the big-M encoding with the node's bounds as big-M constants.
    case smt
}

/// Records a ``PhaseProof`` while the search runs: one entry per node, appended when the
/// node is created; the search closes or splits each node by its index.
struct PhaseProofRecorder {
    private(set) var nodes = [PhaseProofNode(parent: nil, split: nil)]
    private(set) var rootIntermediates: [IntermediateSlopesCertificate]?
    private(set) var rootBranching: [IntermediateBranchTreeCertificate]?

    /// Index of the root.
    static let root = 0

    mutating func close(_ node: Int, _ method: PhaseLeafMethod) { nodes[node].closed = method }

    /// Records the slopes that tightened the root's intermediate bounds (none: nothing).
    mutating func setRootIntermediates(_ slopes: [IntermediateSlopes]) {
        rootIntermediates = slopes.isEmpty ? nil : slopes.map(IntermediateSlopesCertificate.init)
    }

    /// Records the trees that tightened the root's intermediate bounds (none: nothing).
    mutating func setRootBranching(_ trees: [IntermediateBranchTree]) {
        rootBranching = trees.isEmpty ? nil : trees.map(IntermediateBranchTreeCertificate.init)
    }

    mutating func setSlopes(_ node: Int, _ slopes: [Int: [Double]]) {
        nodes[node].slopes = SlopeLayerCertificate.list(slopes)
    }

    /// Records the slopes and split multipliers of `node`'s second pass.
    mutating func setHints(_ node: Int, _ hints: RelaxationHints) {
        nodes[node].slopes = SlopeLayerCertificate.list(hints.slopes)
        nodes[node].multipliers = SplitMultiplierCertificate.list(hints.multipliers)
    }

    /// Records that `node`'s bounds kept fixed intermediates (nil stays `.refined`).
    mutating func setIntermediates(_ node: Int, _ intermediates: PhaseNodeIntermediates) {
        nodes[node].intermediates = intermediates == .refined ? nil : intermediates
    }

    /// Appends the two children of `node` (split of `unit` at `first`'s breakpoint, `first`
    /// then its opposite) and returns their indices.
    mutating func split(_ node: Int, _ unit: ActivationUnit, first: SplitSide) -> (Int, Int) {
        let index = nodes.count
        nodes.append(PhaseProofNode(parent: node, split: PhaseSplitCertificate(unit: unit, side: first)))
        nodes.append(PhaseProofNode(parent: node, split: PhaseSplitCertificate(unit: unit, side: first.opposite)))
        return (index, index + 1)
    }

    /// Appends one child of `node` per entry of `disjuncts` (a fork: the same sub-problem,
    /// each child left to exclude only its disjuncts) and returns their indices.
    mutating func fork(_ node: Int, disjuncts: [[Int]]) -> [Int] {
        let first = nodes.count
        nodes += disjuncts.map { PhaseProofNode(parent: node, split: nil, disjuncts: $0) }
        return Array(first..<nodes.count)
    }

    var proof: PhaseProof { PhaseProof(nodes: nodes, rootIntermediates: rootIntermediates, rootBranching: rootBranching) }
}
