import Encoding
import Network
@testable import Solver
import XCTest

/// An unsafe set too thin for Z3's first model: the model sits on the set's boundary, its
/// nearest `Double` and the gradient nudges fall outside, and only the leaf re-solved with a
/// margin (``ExactLeafCall/marginFractions``) yields a point that is confirmed.
final class ThinUnsafeSetTests: XCTestCase {
    /// Case 442 of the soundness sweep with seed 12 (`SoundnessSweepTests`): the largest
    /// margin of the unsafe set in the box is about `2.8e-4` (the attack of the input engine
    /// finds it; 200,000 uniform samples find nothing), near the corner `x0 = upper`,
    /// `x4 = lower`.
    static let network = try! NeuralNetwork(inputShape: [5], layers: [
            .affine(AffineLayer(inputSize: 5, outputSize: 6, weights: [
                0.7784174680709839, -0.7951878309249878, -0.8135726451873779, 0.3775346279144287, -0.2056804895401001,
                -0.7759360074996948, 0.4925675392150879, 0.019211411476135254, -0.0693894624710083, -0.8346273899078369,
                -0.45469772815704346, -0.9370177984237671, 0.6730371713638306, -0.7155739068984985, -0.31524622440338135,
                -0.2956148386001587, -0.7212374210357666, 0.8896557092666626, 0.04169344902038574, -0.7535794973373413,
                0.2272181510925293, 0.5879734754562378, -0.5201431512832642, 0.8366780281066895, -0.16091656684875488,
                0.5323307514190674, 0.04765176773071289, 0.17874491214752197, -0.40333306789398193, -0.7080415487289429,
            ], bias: [-0.0674239993095398, -0.3188144564628601, 0.38012856245040894, -0.42837435007095337, 0.09399151802062988, -0.05149656534194946])),
            .leakyRelu(alpha: 0.25),
            .affine(AffineLayer(inputSize: 6, outputSize: 5, weights: [
                -0.15062367916107178, 0.5048397779464722, -0.2863842248916626, -0.6617676019668579, 0.8426165580749512, 0.23044145107269287,
                -0.699164867401123, -0.6930789947509766, 0.4149770736694336, 0.6265983581542969, -0.9729537963867188, -0.750895619392395,
                -0.7697471380233765, -0.06627452373504639, -0.09672605991363525, 0.07836925983428955, 0.7990952730178833, -0.28515195846557617,
                0.34770262241363525, 0.34470200538635254, 0.48911380767822266, -0.09288406372070312, 0.7537316083908081, -0.7503726482391357,
                0.21450042724609375, 0.5114189386367798, -0.08233559131622314, -0.9941525459289551, 0.959858775138855, -0.671512246131897,
            ], bias: [-0.22784191370010376, -0.20575374364852905, -0.05812603235244751, -0.284005343914032, -0.42403000593185425])),
            .clip(lower: -0.5, upper: 0.75),
            .affine(AffineLayer(inputSize: 5, outputSize: 3, weights: [
                0.9411206245422363, 0.6722726821899414, -0.046373605728149414, -0.1632845401763916, -0.20919179916381836,
                0.5360591411590576, 0.5370055437088013, -0.4728538990020752, -0.5670260190963745, 0.34391796588897705,
                -0.8854142427444458, -0.19637763500213623, -0.12924182415008545, -0.9722180366516113, 0.05266165733337402,
            ], bias: [-0.21244430541992188, -0.11363154649734497, -0.35469287633895874])),
            .relu,
            .affine(AffineLayer(inputSize: 3, outputSize: 3, weights: [
                0.19577312469482422, 0.4531106948852539, 0.21776175498962402,
                0.33588695526123047, 0.8604356050491333, -0.6790139675140381,
                -0.7730957269668579, 0.028820157051086426, -0.272236704826355,
            ], bias: [-0.19056355953216553, -0.37521499395370483, -0.13324260711669922])),
    ])
    static let box = try! Box(lower: [-0.3154381440465321, 0.3018435151961039, -0.44876425205610365, 0.2652755177785045, -0.4916598288755282],
                              upper: [0.2845618559534679, 0.901843515196104, 0.15123574794389633, 0.8652755177785045, 0.10834017112447175])

    /// The phase engine without its attack decides the case by a Z3 leaf. Its first model is
    /// on the boundary (violation score about `5.6e-17`, refused by the exact check); the
    /// margin retry gives a counterexample, checked here again in exact dyadic arithmetic
    /// (`y_2 <= y_0` or `y_2 <= y_1`). Fails without the retry with Debian's Z3 4.8.12 (the
    /// verdict is then VIOLATED (unconfirmed)); another Z3 may return a first model inside the
    /// set, and then the test checks the confirmation alone.
    func testModelOnAThinUnsafeSetIsConfirmedByTheMarginRetry() throws {
        var configuration = QueryConfiguration()
        configuration.phaseSplit.engine = .phase
        configuration.attack.useAttack = false
        let query = SafetyQuery(network: Self.network, box: Self.box, property: .misclassification(outputCount: 3, trueClass: 2))
        let result = try QuerySolver(configuration: configuration).solve(query)
        guard case .violated(let counterexample) = result.verdict else { return XCTFail("\(result.verdict.label)") }
        XCTAssertEqual(counterexample.source, .smt)
        XCTAssertTrue(Self.box.contains(counterexample.input))
        let y = try XCTUnwrap(Self.network.evaluateExactly(counterexample.input))
        XCTAssertTrue(y[2] <= y[0] || y[2] <= y[1], "the exact outputs \(y) do not misclassify")
    }
}
