import XCTest
@testable import Network

/// ``NeuralNetwork/enclosureFloat32(batch:count:)``: the float32 batched pass with a sound
/// bound on its distance to the exact outputs (oracle: the exact pass in dyadic rationals).
final class Float32EnclosureTests: XCTestCase {
    /// Random networks with weights of mixed magnitudes that are not floats (0.1-like
    /// decimals, `1 + 2^-40`), LeakyReLU slopes and clip bounds that are not floats either:
    /// every row of every batch size lies within its bound of the exact outputs, and the
    /// values are the float32 batched pass's.
    func testFloat32EnclosureContainsExactOutputs() throws {
        var rng = SeededGenerator(seed: 21)
        let magnitudes = [1e-8, 0.1, 0.3, 1, 1 + 0x1p-40, 7, 1e3]
        for trial in 0..<60 {
            var layers: [Layer] = []
            var width = Int.random(in: 1...6, using: &rng)
            let inputSize = width
            for depth in 0..<3 {
                let next = depth == 2 ? 3 : Int.random(in: 2...40, using: &rng)
                let weights = (0..<(width * next)).map { _ in
                    magnitudes.randomElement(using: &rng)! * (Bool.random(using: &rng) ? 1 : -1) * Double.random(in: 0.5...1.5, using: &rng)
                }
                let bias = (0..<next).map { _ in Double.random(in: -1...1, using: &rng) }
                layers.append(.affine(AffineLayer(inputSize: width, outputSize: next, weights: weights, bias: bias)))
                if depth < 2 {
                    layers.append([Layer.relu, .leakyRelu(alpha: 0.1), .clip(lower: -0.3, upper: 2.1)].randomElement(using: &rng)!)
                }
                width = next
            }
            let network = try NeuralNetwork(inputShape: [inputSize], layers: layers)
            let count = [1, 2, 7].randomElement(using: &rng)!
            let inputs = (0..<count).map { _ in (0..<inputSize).map { _ in Double.random(in: -2...2, using: &rng) } }
            let (values, errors) = network.enclosureFloat32(batch: inputs.flatMap { $0 }, count: count)
            XCTAssertEqual(values, network.evaluateFloat32(batch: inputs.flatMap { $0 }, count: count))
            for (row, input) in inputs.enumerated() {
                let exact = try XCTUnwrap(network.evaluateExactly(input))
                for (k, y) in exact.enumerated() where errors[row * 3 + k].isFinite {
                    let distance = y - ExactDyadic(Double(values[row * 3 + k]))
                    let e = ExactDyadic(Double(errors[row * 3 + k]))
                    XCTAssertTrue(-e <= distance && distance <= e, "trial \(trial) row \(row) output \(k)")
                }
            }
        }
    }

    /// `y = x + 2^-30` at `x = 1`: float32 computes 1 (ulp 2^-23), the exact value is
    /// `1 + 2^-30`; the bound must cover the `2^-30` (and stay below `2^-20`: it is
    /// `(γ_2 + u)(|1| + |2^-30|)`-sized, not vacuous). The input `1 + 2^-40` rounds to 1
    /// in float32: that rounding is part of the bound too.
    func testFloat32BoundCoversTheRoundingOfSumsAndInputs() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 1, weights: [1], bias: [0x1p-30])),
        ])
        let (values, errors) = network.enclosureFloat32(batch: [1, 1 + 0x1p-40], count: 2)
        XCTAssertEqual(values, [1, 1])
        XCTAssertGreaterThanOrEqual(Double(errors[0]), 0x1p-30)
        XCTAssertGreaterThanOrEqual(Double(errors[1]), 0x1p-30 + 0x1p-40)
        XCTAssertLessThan(Double(errors[1]), 0x1p-20)
    }

    /// Weights, inputs and biases whose magnitudes span the float32 range (`2^-140`, subnormal
    /// in float32; `2^-130`; `1e-30`; up to `1e9`, so that products of four layers overflow
    /// now and then), exact zeros, element-wise affine maps and
    /// an output layer wider than the classifier's 10: every finite bound contains the exact
    /// output, rows are independent of the batch they come in, and the values are the
    /// reference float32 batched pass's (bit for bit). Fails when a cached weight matrix is
    /// transposed or belongs to another layer (values differ), or when a coefficient of the
    /// composed bound misses a layer's term (containment fails on the tiny or huge terms).
    func testFloat32BoundContainsExactOutputsAcrossTheFloatRange() throws {
        var rng = SeededGenerator(seed: 77)
        let magnitudes = [0x1p-140, 0x1p-130, 1e-30, 1e-8, 0.1, 1, 1 + 0x1p-30, 3e3, 1e6, 1e9]
        func value() -> Double {
            Bool.random(using: &rng) && Bool.random(using: &rng) ? 0
                : magnitudes.randomElement(using: &rng)! * (Bool.random(using: &rng) ? 1 : -1) * Double.random(in: 0.5...1.5, using: &rng)
        }
        var checked = 0
        for trial in 0..<80 {
            var layers: [Layer] = []
            let inputSize = Int.random(in: 1...5, using: &rng)
            var width = inputSize
            for depth in 0..<4 {
                if depth == 2 && Bool.random(using: &rng) {
                    layers.append(.affine(.diagonal(scale: (0..<width).map { _ in value() }, shift: (0..<width).map { _ in value() })))
                } else {
                    let next = depth == 3 ? 12 : Int.random(in: 2...20, using: &rng)
                    layers.append(.affine(AffineLayer(inputSize: width, outputSize: next, weights: (0..<(width * next)).map { _ in value() },
                                                      bias: (0..<next).map { _ in value() })))
                    width = next
                }
                if depth < 3 {
                    layers.append([Layer.relu, .leakyRelu(alpha: 0.1), .leakyRelu(alpha: -3), .clip(lower: -0.3, upper: 1e10)].randomElement(using: &rng)!)
                }
            }
            let network = try NeuralNetwork(inputShape: [inputSize], layers: layers)
            let count = Int.random(in: 1...9, using: &rng)
            let inputs = (0..<count).map { _ in (0..<inputSize).map { _ in value() } }
            let (values, errors) = network.enclosureFloat32(batch: inputs.flatMap { $0 }, count: count)
            let reference = network.evaluateFloat32(batch: inputs.flatMap { $0 }, count: count)
            // Rows with a finite bound had finite affine outputs all the way (a dense product
            // with a non-finite input spreads NaNs, its element-wise form does not).
            for row in 0..<count where errors[(row * 12)..<(row * 12 + 12)].allSatisfy(\.isFinite) {
                XCTAssertEqual(values[(row * 12)..<(row * 12 + 12)].map(\.bitPattern), reference[(row * 12)..<(row * 12 + 12)].map(\.bitPattern),
                               "trial \(trial) row \(row)")
            }
            for (row, input) in inputs.enumerated() {
                let exact = try XCTUnwrap(network.evaluateExactly(input))
                for (k, y) in exact.enumerated() where errors[row * 12 + k].isFinite {
                    let distance = y - ExactDyadic(Double(values[row * 12 + k]))
                    let e = ExactDyadic(Double(errors[row * 12 + k]))
                    XCTAssertTrue(-e <= distance && distance <= e, "trial \(trial) row \(row) output \(k)")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 2000, "most bounds must be finite")
    }

    /// An overflow that a ReLU hides: `x = (2^64, 2^64)`,
    /// `y = -2^70 x_0 + 2^70 (1 + 2^-10) x_1` is exactly `2^124`, but summed in index order in
    /// float32 the first product overflows and `y = -infinity`; ReLU turns it into 0, and
    /// `z = 2^-120 ReLU(y)` is exactly 16 but 0 in float32. The bound's terms
    /// (`g M Ŵ |x| ≈ 2^-7`, and 0 for the ReLU's output) do not see the lost 16, so the row
    /// must be flagged: bound `+infinity` (summed in the other order, `y = +infinity` and
    /// `z = +infinity`, also `+infinity`). Fails without the non-finite check of affine outputs.
    func testAnOverflowHiddenByAReLUMakesTheBoundInfinite() throws {
        let network = try NeuralNetwork(inputShape: [2], layers: [
            .affine(AffineLayer(inputSize: 2, outputSize: 1, weights: [-0x1p70, 0x1p70 * (1 + 0x1p-10)], bias: [0])),
            .relu,
            .affine(AffineLayer(inputSize: 1, outputSize: 1, weights: [0x1p-120], bias: [0])),
        ])
        let (values, errors) = network.enclosureFloat32(batch: [0x1p64, 0x1p64, 1, 1], count: 2)
        XCTAssertTrue(values[0] == 0 || values[0] == .infinity, "\(values[0])")
        XCTAssertEqual(errors[0], .infinity)
        XCTAssertTrue(errors[1].isFinite, "the other row keeps its bound")
        XCTAssertEqual(try XCTUnwrap(network.evaluateExactly([0x1p64, 0x1p64]))[0], ExactDyadic(16.0))
    }

    /// The error entering a LeakyReLU is scaled by `max(1, |α|)`: `x = 1 - 0.49 · 2^-24`
    /// rounds to 1 in float32, `y = x - 1` is exactly `-0.49 · 2^-24` but 0 in float32, and
    /// LeakyReLU with `α = -1000` gives exactly `490 · 2^-24`, in float32 0. The bound must
    /// cover `490 · 2^-24`; without the factor 1000 it would be about `e_1 ≈ 6.5 · 2^-24`
    /// (`e_0 + (γ_2 + u)(|x̂| + |b|)`), and `u |ŷ| = 0` adds nothing.
    func testLeakyReLUScalesTheIncomingError() throws {
        let network = try NeuralNetwork(inputShape: [1], layers: [
            .affine(AffineLayer(inputSize: 1, outputSize: 1, weights: [1], bias: [-1])),
            .leakyRelu(alpha: -1000),
        ])
        let (values, errors) = network.enclosureFloat32(batch: [1 - 0.49 * 0x1p-24], count: 1)
        XCTAssertEqual(values, [0])
        XCTAssertGreaterThanOrEqual(Double(errors[0]), 490 * 0x1p-24)
        XCTAssertLessThan(Double(errors[0]), 0x1p-10)
    }

    /// Weights whose nearest float is subnormal are zero in the float32 passes, and the bound
    /// covers what they lose: `y = 2^-127 x_0 + 0 x_1` at `x = (2^20, 5)` is exactly `2^-107`
    /// (float32 without the flush computes it exactly too), `z = 2^-130 x` (element-wise) at
    /// `x = 2^30` is exactly `2^-100`; both are 0 in the pass. The bound must reach `2^-107` and
    /// `2^-100`: with `Ŵ = 2^-126` for these weights (the bound for rounding alone) it would
    /// be about `2^-128` and `2^-118`. Fails without the flush (values) and with the old `Ŵ`
    /// (containment).
    func testSubnormalWeightsAreZeroInThePassAndCoveredByTheBound() throws {
        let dense = try NeuralNetwork(inputShape: [2], layers: [
            .affine(AffineLayer(inputSize: 2, outputSize: 1, weights: [0x1p-127, 0], bias: [0])),
        ])
        let (values, errors) = dense.enclosureFloat32(batch: [0x1p20, 5], count: 1)
        XCTAssertEqual(values, [0])
        XCTAssertEqual(dense.evaluateFloat32(batch: [0x1p20, 5], count: 1), [0])
        XCTAssertGreaterThanOrEqual(Double(errors[0]), 0x1p-107)
        XCTAssertLessThan(Double(errors[0]), 0x1p-90)
        let diagonal = try NeuralNetwork(inputShape: [1], layers: [.affine(.diagonal(scale: [0x1p-130], shift: [0]))])
        let (v, e) = diagonal.enclosureFloat32(batch: [0x1p30], count: 1)
        XCTAssertEqual(v, [0])
        XCTAssertGreaterThanOrEqual(Double(e[0]), 0x1p-100)
        XCTAssertLessThan(Double(e[0]), 0x1p-80)
    }

    /// tanh, sigmoid and enclosed scales (no exact pass): the float32 enclosure and the float64
    /// one (``PointEnclosure``, the same library assumption) both contain the exact outputs,
    /// so their intervals must overlap; the float32 one must be finite and at most `2^-8`
    /// wide on these small networks, and its values are the reference float32 pass's.
    func testSmoothActivationsAndEnclosedScalesHaveAFloat32Enclosure() throws {
        var rng = SeededGenerator(seed: 5)
        let scale = try XCTUnwrap(EnclosedScale.reciprocals([0.3081, 3, 7]))
        for trial in 0..<40 {
            var layers: [Layer] = [.affine(randomAffine(3, 3, using: &rng))]
            layers.append([Layer.tanh, .sigmoid, .enclosedScale(scale)].randomElement(using: &rng)!)
            layers.append(.affine(randomAffine(3, 6, using: &rng)))
            layers.append([Layer.tanh, .sigmoid, .relu].randomElement(using: &rng)!)
            layers.append(.affine(randomAffine(6, 4, using: &rng)))
            let network = try NeuralNetwork(inputShape: [3], layers: layers)
            let batch = (0..<15).map { _ in Double.random(in: -3...3, using: &rng) }
            let (values, errors) = network.enclosureFloat32(batch: batch, count: 5)
            XCTAssertEqual(values, network.evaluateFloat32(batch: batch, count: 5))
            let (v64, e64) = network.enclosure(batch: batch, count: 5)
            for i in values.indices {
                let (v, e) = (Double(values[i]), Double(errors[i]))
                XCTAssertTrue(e.isFinite && e <= 0x1p-8, "trial \(trial) entry \(i): \(e)")
                XCTAssertTrue(v - e <= v64[i] + e64[i] && v64[i] - e64[i] <= v + e, "trial \(trial) entry \(i)")
            }
        }
    }

    /// ``PointEnclosure/separatedClass(values:errors:)`` against
    /// ``CheckedClassification/init(enclosure:exact:)`` on the same rows (as Doubles): it
    /// returns `c` exactly when the initialiser decides `.class(c)` from the bound. Rows with
    /// ties, NaNs, a single output, and bounds just below and above the gap. Fails when the
    /// errors are left out of the gap test, or when a single NaN output is not class 0.
    func testSeparatedClassAgreesWithTheCheckedClassification() {
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<3000 {
            let width = Int.random(in: 1...5, using: &rng)
            var values = (0..<width).map { _ in Float(Int.random(in: -3...3, using: &rng)) * 0.25 }
            if Int.random(in: 0..<20, using: &rng) == 0 { values[0] = .nan }
            let errors = (0..<width).map { _ in [Float(0), 0x1p-30, 0.0625, 0.125, 0.13, .infinity].randomElement(using: &rng)! }
            let separated = values.withUnsafeBufferPointer { v in errors.withUnsafeBufferPointer { PointEnclosure.separatedClass(values: v, errors: $0) } }
            let checked = CheckedClassification(enclosure: PointEnclosure(values: values.map(Double.init), errors: errors.map(Double.init)),
                                                exact: { nil })
            if case .decided(.class(let c), .errorBound) = checked {
                XCTAssertEqual(separated, c, "\(values) ± \(errors)")
            } else {
                XCTAssertNil(separated, "\(values) ± \(errors)")
            }
        }
    }
}
