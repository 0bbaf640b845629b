import XCTest
import Encoding
import Network

final class EncodingNetworkEncoderTests: XCTestCase {
    typealias System = PiecewiseLinearSystem

    /// The variable assignment of the true (floating-point) execution at `input`, by the
    /// encoder's naming scheme: X_i inputs, Y_i outputs, h<L>_<i> outputs of activation
    /// layer L, z<L>_<i> and a<L>_<i> values entering layer L, d<L>_<i> phases (1 when the
    /// identity piece is active), c<L>_<i>_lo the lower clip max.
    private func executionAssignment(_ network: NeuralNetwork, _ input: [Double], system: System) -> [Double] {
        let values = network.activations(input)
        return system.variables.map { info -> Double in
            let name = info.name
            let parts = name.dropFirst().split(separator: "_")
            let unit = Int(parts.count > 1 ? parts[1] : parts[0])!
            switch name.first! {
            case "X": return input[unit]
            case "Y": return values.last![unit]
            case "a", "z": return values[Int(parts[0])!][unit]
            case "h": return values[Int(parts[0])! + 1][unit]
            case "c":
                let layer = Int(parts[0])!
                guard case .clip(let lo, _) = network.layers[layer] else { fatalError() }
                return max(values[layer][unit], lo)
            case "d":
                let layer = Int(parts[0])!
                let z = values[layer][unit]
                switch network.layers[layer] {
                case .relu: return z >= 0 ? 1 : 0
                case .leakyRelu: return z >= 0 ? 1 : 0 // 1: the identity piece z is the max (α <= 1) or the min (α > 1)
                case .clip(let lo, let hi):
                    return parts.last == "lo" ? (z >= lo ? 1 : 0) : (max(z, lo) <= hi ? 1 : 0)
                default: fatalError()
                }
            default: fatalError("unexpected variable \(name)")
            }
        }
    }

    private func assertSatisfied(_ system: System, _ assignment: [Double], file: StaticString = #filePath, line: UInt = #line) {
        let tolerance = 1e-9
        for (index, info) in system.variables.enumerated() {
            XCTAssertGreaterThanOrEqual(assignment[index], info.lower - tolerance, info.name, file: file, line: line)
            XCTAssertLessThanOrEqual(assignment[index], info.upper + tolerance, info.name, file: file, line: line)
        }
        for constraint in system.constraints {
            var sum = 0.0, scale = 1.0
            for term in constraint.form.terms {
                sum += term.coefficient * assignment[term.variable.index]
                scale += abs(term.coefficient * assignment[term.variable.index])
            }
            for constant in constraint.form.constants { sum += constant; scale += abs(constant) }
            switch constraint.relation {
            case .lessOrEqual: XCTAssertLessThanOrEqual(sum, tolerance * scale, "\(constraint)", file: file, line: line)
            case .greaterOrEqual: XCTAssertGreaterThanOrEqual(sum, -tolerance * scale, "\(constraint)", file: file, line: line)
            case .equal: XCTAssertEqual(sum, 0, accuracy: tolerance * scale, "\(constraint)", file: file, line: line)
            }
        }
    }

    /// Completeness of the encoding: no real execution is cut off. For random networks and
    /// boxes, the float execution at sampled inputs (with phases set from the signs)
    /// satisfies every bound and constraint, for every activation kind and affine form.
    func testTrueExecutionSatisfiesEncoding() throws {
        var rng = EncodingSeededGenerator(seed: 42)
        let activations: [Layer] = [.relu, .leakyRelu(alpha: 0.1), .leakyRelu(alpha: 2), .clip(lower: -0.5, upper: 0.5),
                                    .clip(lower: 0, upper: .infinity), .clip(lower: -.infinity, upper: 0.3)]
        for activation in activations {
            for form in [NetworkEncoder.AffineForm.substituted, .equalities] {
                for _ in 0..<5 {
                    let network = EncodingTestNetworks.random(sizes: [3, 6, 5, 2], activation: activation, using: &rng)
                    let center = (0..<3).map { _ in Double.random(in: -1...1, using: &rng) }
                    let lower = center.map { $0 - 0.4 }, upper = center.map { $0 + 0.4 }
                    let bounds = EncodingTestNetworks.intervalBounds(network, lower: lower, upper: upper)
                    let encoding = try NetworkEncoder(options: .init(affineForm: form))
                        .encode(network, inputLower: lower, inputUpper: upper, preActivationBounds: bounds)
                    encoding.system._checkInvariants()
                    XCTAssertTrue(encoding.system.isExact)
                    XCTAssertEqual(encoding.system.phaseCount, encoding.splitCount)
                    for _ in 0..<50 {
                        let input = (0..<3).map { Double.random(in: lower[$0]...upper[$0], using: &rng) }
                        assertSatisfied(encoding.system, executionAssignment(network, input, system: encoding.system))
                    }
                }
            }
        }
    }

    /// Hand-derived: z = x (one unit), x ∈ [-1, 2], ReLU split with l = -1, u = 2:
    /// `y <= z - l (1 - δ) = z + 1 - δ`, stored as `y - z + δ - 1 <= 0`; `y <= u δ = 2 δ`.
    func testReLUSplitConstraintsMatchTheBigMFormula() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [.affine(.identity(size: 1)), .relu])
        let encoding = try NetworkEncoder().encode(network, inputLower: [-1], inputUpper: [2],
                                                   preActivationBounds: [PreActivationBounds(lower: [-1], upper: [2])])
        XCTAssertEqual(encoding.splitCount, 1)
        let system = encoding.system
        let h = system.variables.firstIndex { $0.name == "h1_0" }!
        let d = system.variables.firstIndex { $0.name == "d1_0" }!
        XCTAssertEqual(system.variables[h].lower, 0)
        XCTAssertEqual(system.variables[h].upper, 2)
        // y <= u δ  ->  y - 2 δ <= 0
        XCTAssertTrue(system.constraints.contains { c in
            c.relation == .lessOrEqual && c.form.terms.contains { $0.variable.index == d && $0.coefficient == -2 }
        })
        // y <= z - l (1 - δ)  ->  y - z + δ - 1 <= 0
        XCTAssertTrue(system.constraints.contains { c in
            c.relation == .lessOrEqual && c.form.constants.reduce(0, +) == -1 && c.form.terms.contains { $0.variable.index == d && $0.coefficient == 1 }
        })
    }

    func testStableUnitsGetNoSplit() throws {
        let network = try NeuralNetwork(inputShape: [2], layers: [.affine(.identity(size: 2)), .relu])
        let encoding = try NetworkEncoder().encode(network, inputLower: [1, -3], inputUpper: [2, -1],
                                                   preActivationBounds: [PreActivationBounds(lower: [1, -3], upper: [2, -1])])
        XCTAssertEqual(encoding.splitCount, 0)
        XCTAssertEqual(encoding.stableCount, 2)
        XCTAssertEqual(encoding.system.phaseCount, 0)
    }

    func testNonPiecewiseLinearLayersAreRefusedOrMarkedInexact() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [.affine(.identity(size: 1)), .tanh])
        let bounds = [PreActivationBounds(lower: [-1], upper: [1])]
        XCTAssertThrowsError(try NetworkEncoder().encode(network, inputLower: [-1], inputUpper: [1], preActivationBounds: bounds)) {
            XCTAssertEqual($0 as? PiecewiseLinearError, .notPiecewiseLinear(layer: 1, kind: "tanh"))
        }
        let encoding = try NetworkEncoder(options: .init(nonlinear: .intervalEnvelope))
            .encode(network, inputLower: [-1], inputUpper: [1], preActivationBounds: bounds)
        XCTAssertFalse(encoding.system.isExact)
        let y = encoding.system.variables.first { $0.name == "h1_0" }!
        XCTAssertLessThanOrEqual(y.lower, tanh(-1.0))
        XCTAssertGreaterThanOrEqual(y.upper, tanh(1.0))
        XCTAssertTrue(encoding.system.smtlib2().contains("; exact: no"))
    }

    func testMalformedInputsThrow() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [.affine(.identity(size: 1)), .relu])
        let encoder = NetworkEncoder()
        XCTAssertThrowsError(try encoder.encode(network, inputLower: [0], inputUpper: [1], preActivationBounds: [])) {
            XCTAssertEqual($0 as? PiecewiseLinearError, .boundsCountMismatch(expected: 1, actual: 0))
        }
        XCTAssertThrowsError(try encoder.encode(network, inputLower: [1], inputUpper: [0],
                                                preActivationBounds: [.init(lower: [0], upper: [1])]))
        XCTAssertThrowsError(try encoder.encode(network, inputLower: [0], inputUpper: [1],
                                                preActivationBounds: [.init(lower: [-.infinity], upper: [1])])) {
            guard case .invalidBound? = $0 as? PiecewiseLinearError else { return XCTFail("\($0)") }
        }
        XCTAssertThrowsError(try encoder.encode(network, inputLower: [0], inputUpper: [1],
                                                preActivationBounds: [.init(lower: [.nan], upper: [1])]))
        let leaky = try NeuralNetwork(inputShape: [1], layers: [.affine(.identity(size: 1)), .leakyRelu(alpha: -1)])
        XCTAssertThrowsError(try encoder.encode(leaky, inputLower: [0], inputUpper: [1],
                                                preActivationBounds: [.init(lower: [-1], upper: [1])]))
        // infinite bound on the stable side is fine
        XCTAssertNoThrow(try encoder.encode(network, inputLower: [0], inputUpper: [1],
                                            preActivationBounds: [.init(lower: [0], upper: [.infinity])]))
    }

    func testPropertiesBecomeExactDisjunctions() throws {
        let network = try NeuralNetwork(inputShape: [3], layers: [.affine(.identity(size: 3))])
        var encoding = try NetworkEncoder().encode(network, inputLower: [0, 0, 0], inputUpper: [1, 1, 1], preActivationBounds: [])
        try encoding.addViolation(.misclassification(outputCount: 3, trueClass: 1))
        XCTAssertEqual(encoding.system.disjunctions.count, 1)
        XCTAssertEqual(encoding.system.disjunctions[0].clauses.count, 2)
        XCTAssertThrowsError(try encoding.addViolation(.misclassification(outputCount: 2, trueClass: 0)))
        try encoding.addDisjunction(of: [[LinearAtom(inputCoefficients: [0: 1], outputCoefficients: [2: -0.1], constant: 0.3)]])
        XCTAssertThrowsError(try encoding.addDisjunction(of: [[LinearAtom(outputCoefficients: [7: 1], constant: 0)]]))
    }

    func testSMTLIBTextIsExactAndWellFormed() throws {
        var rng = EncodingSeededGenerator(seed: 3)
        let network = EncodingTestNetworks.random(sizes: [2, 4, 2], activation: .relu, using: &rng)
        let bounds = EncodingTestNetworks.intervalBounds(network, lower: [-1, -1], upper: [1, 1])
        var encoding = try NetworkEncoder().encode(network, inputLower: [-1, -1], inputUpper: [1, 1], preActivationBounds: bounds)
        try encoding.addViolation(.misclassification(outputCount: 2, trueClass: 0))
        for phases in PhaseEncoding.allCases {
            let text = encoding.system.smtlib2(phases: phases, comment: "test\nsecond line")
            XCTAssertTrue(text.hasPrefix("; test\n; second line\n"))
            XCTAssertTrue(text.contains(phases == .integer ? "(set-logic QF_LIRA)" : "(set-logic QF_LRA)"))
            XCTAssertTrue(text.hasSuffix("(check-sat)\n(exit)\n"))
            var depth = 0
            var inComment = false
            for character in text {
                if character == ";" { inComment = true }
                if character == "\n" { inComment = false }
                if inComment { continue }
                if character == "(" { depth += 1 }
                if character == ")" { depth -= 1; XCTAssertGreaterThanOrEqual(depth, 0) }
            }
            XCTAssertEqual(depth, 0)
            let body = text.split(separator: "\n").filter { !$0.hasPrefix(";") }.joined()
            XCTAssertNil(body.range(of: #"[0-9][eE][-+]?[0-9]"#, options: .regularExpression), "no exponent notation")
            if phases == .boolean { XCTAssertFalse(body.contains("."), "QF_LRA numerals are integers and (/ p q)") }
        }
        XCTAssertEqual(System.smtlibSymbol("X_0"), "X_0")
        XCTAssertEqual(System.smtlibSymbol("0bad"), "|0bad|")
        XCTAssertEqual(System.smtlibSymbol("has space"), "|has space|")
    }
}
