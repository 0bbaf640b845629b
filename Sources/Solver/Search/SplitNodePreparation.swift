import Encoding
import Network

/// The part of a split-search node's work that depends on the node alone, so that several
/// nodes can be prepared at once on different threads: its bounds, the disjuncts that the
/// bounds and the dual certificate leave open, and (optionally) the node attack on them.
///
/// Everything here is a pure function of the node, so preparing a batch on one thread or
/// on many gives the same values; what needs a Z3 context (the exact LP of
/// ``ExactLeafSolver/relaxationExcludes(box:rows:)``, exact leaves) stays with the search.
struct SplitNodePreparation: Sendable {
    let network: NeuralNetwork
    let property: OutputProperty
    let specification: LinearSpecification
    let rows: [Range<Int>]
    let method: BoundMethod
    let useRelaxationLP: Bool
    let nodeAttack: AttackConfiguration?

    /// A node's prepared values.
    struct Prepared: Sendable {
        var bounds: BoundResult
        /// Disjuncts that no atom lower bound `> 0` and no dual certificate excludes.
        var open: [Int]
        /// Those of ``open`` whose conjunction's float LP optimum is too close to zero for the
        /// sound dual check: the search asks Z3's exact LP about them.
        var nearZero: [Int]
        /// Conjunctions excluded by a dual certificate.
        var dualExclusions: Int
        /// The node attack's point on ``open`` (float-reached, not yet checked), when the
        /// attack was run here; `attackRun` says whether it was.
        var attackPoint: [Double]?
        var attackRun: Bool
    }

    /// Bounds `box` (``BoundOptions/enclosing`` when given; `root` instead when given) and
    /// filters `candidates` (see ``InputSplitSearch``, step 1). The node attack runs when
    /// ``nodeAttack`` is set, `depth > 0` and some disjunct is open.
    func prepare(box: Box, candidates: [Int], depth: Int, enclosing: [LayerBounds]?,
                 root: BoundResult? = nil) -> Prepared {
        let bounds = root ?? BoundPropagation.bounds(
            of: network, over: box, specification: specification,
            options: BoundOptions(method: method, enclosing: enclosing))
        var open = InputSplitSearch.openDisjuncts(bounds.specLower, rows: rows, among: candidates)
        var nearZero: [Int] = []
        var dualExclusions = 0
        if useRelaxationLP, !bounds.inputCoefficients.isEmpty {
            open = open.filter { disjunct in
                guard rows[disjunct].count >= 2 else { return true }
                let linear = linearRows(bounds, disjunct)
                let scale = Self.dualScale(linear, box)
                // A box vertex where every row is clearly negative: no certificate exists.
                if ConjunctionExclusion.bestVertexWitness(lower: box.lower, upper: box.upper, rows: linear) < -HeuristicTolerances.dualMargin * scale {
                    return true
                }
                let dual = ConjunctionExclusion.search(lower: box.lower, upper: box.upper, rows: linear)
                if dual.excludes { dualExclusions += 1; return false }
                // The vertex search is exact up to rounding: only a float optimum too close
                // to zero for the sound check to separate it goes to the exact LP.
                if dual.value > -HeuristicTolerances.dualMargin * scale { nearZero.append(disjunct) }
                return true
            }
        }
        var prepared = Prepared(bounds: bounds, open: open, nearZero: nearZero, dualExclusions: dualExclusions,
                                attackPoint: nil, attackRun: false)
        if let nodeAttack, depth > 0, !open.isEmpty {
            prepared.attackPoint = attack(box: box, open: open, configuration: nodeAttack)
            prepared.attackRun = true
        }
        return prepared
    }

    /// The node attack on the disjuncts `open` of ``property`` over `box`.
    func attack(box: Box, open: [Int], configuration: AttackConfiguration) -> [Double]? {
        GradientAttack.run(network: network, box: box, property: subProperty(open), configuration: configuration)
    }

    /// ``property`` restricted to the disjuncts `open`.
    func subProperty(_ open: [Int]) -> OutputProperty {
        OutputProperty(outputCount: property.outputCount, disjuncts: open.map { property.disjuncts[$0] })
    }

    /// The linear lower bounds `(Λ_r, c_r)` of the atoms of `disjunct`.
    func linearRows(_ bounds: BoundResult, _ disjunct: Int) -> [(coefficients: [Double], constant: Double)] {
        rows[disjunct].map { (coefficients: bounds.inputCoefficients[$0], constant: bounds.inputConstants[$0]) }
    }

    /// `max_r |c_r| + Σ_i |Λ_ri| (u_i - l_i)`: the magnitude of the rows over the box.
    static func dualScale(_ rows: [(coefficients: [Double], constant: Double)], _ box: Box) -> Double {
        rows.map { row in
            var total = abs(row.constant)
            for i in box.lower.indices { total += abs(row.coefficients[i]) * (box.upper[i] - box.lower[i]) }
            return total
        }.max() ?? 1
    }
}
