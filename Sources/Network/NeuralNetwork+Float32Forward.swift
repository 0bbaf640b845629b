import Foundation

/// The float32 pass (``DenseForward`` in `Float`).
public typealias Float32Forward = DenseForward<Float>
/// The float64 pass (``DenseForward`` in `Double`).
public typealias Float64Forward = DenseForward<Double>

/// A network prepared once for many batched passes in `Scalar` with a sound error bound: the
/// weights, biases and activation constants rounded to `Scalar` (exact for float32 ONNX files
/// in `Float`, always exact in `Double`) and the coefficients of the error bound
/// (``DenseErrorBound``), so that a batch costs one BLAS product per affine layer, one loop
/// per element-wise layer, and a few products with `outputSize` columns for the bound.
///
/// In `Double` the values are those of ``NeuralNetwork/evaluate(batch:count:)`` for
/// `count >= 2` (weights below `2^-1022`, none in practice, are zero here). In `Float` they
/// are those of ``NeuralNetwork/evaluateFloat32(batch:count:)``: the input rounded
/// to the nearest `Float`, weights whose nearest `Float` is subnormal replaced by zero
/// (``ForwardScalar/flushedWeight(_:)``), each affine layer `Y = X Wᵀ + b` as one `sgemm` that adds to the
/// bias rows (an element-wise layer, ``AffineLayer/diagonalScale``, as `fl(fl(W_ii x_i) + b_i)`,
/// which is what the dense product computes from its single nonzero term), element-wise
/// layers as ``Layer/applyFloat32(_:width:)``. The bound is
/// ``NeuralNetwork/enclosureFloat32(batch:count:)``'s (with `u = 2^-53` in `Double`):
///
/// ```
/// |exact_i - Double(values[i])| <= Double(errors[i])
/// ```
///
/// A row whose affine outputs are not all finite gets `+infinity` bounds (a ReLU would turn a
/// NaN into 0 and hide it from the bound).
public struct DenseForward<Scalar: ForwardScalar>: Sendable {
    /// One step of the pass, with its constants in `Scalar`.
    enum Step: Sendable {
        case affine(weights: [Scalar], bias: [Scalar], inputSize: Int, outputSize: Int)
        case diagonal(scale: [Scalar], bias: [Scalar])
        case relu
        case leakyRelu(Scalar)
        case clip(Scalar, Scalar)
        case tanh
        case sigmoid
        case multiply([Scalar])
        case divide([Scalar])
    }

    public let inputSize: Int
    public let outputSize: Int
    let steps: [Step]
    /// `widths[b]`: the number of units at boundary `b` (0 = the input, `b + 1` = after step `b`).
    let widths: [Int]
    let bound: DenseErrorBound<Scalar>

    /// Prepares `network` (rounds its constants to `Scalar`, composes the error bound).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public init(_ network: NeuralNetwork) {
        inputSize = network.inputSize
        outputSize = network.outputSize
        var widths = [network.inputSize]
        steps = network.layers.map { layer in
            switch layer {
            case .affine(let affine):
                widths.append(affine.outputSize)
                if let scale = affine.diagonalScale {
                    return .diagonal(scale: scale.map(Scalar.flushedWeight), bias: affine.bias.map { Scalar($0) })
                }
                return .affine(weights: affine.weights.map(Scalar.flushedWeight), bias: affine.bias.map { Scalar($0) },
                               inputSize: affine.inputSize, outputSize: affine.outputSize)
            case .relu: widths.append(widths.last!); return .relu
            case .leakyRelu(let alpha): widths.append(widths.last!); return .leakyRelu(Scalar(alpha))
            case .clip(let lower, let upper): widths.append(widths.last!); return .clip(Scalar(lower), Scalar(upper))
            case .tanh: widths.append(widths.last!); return .tanh
            case .sigmoid: widths.append(widths.last!); return .sigmoid
            case .enclosedScale(let scale):
                widths.append(widths.last!)
                if let divisors = scale.divisors, Scalar.dividesByDivisors { return .divide(divisors.map { Scalar($0) }) }
                return .multiply(scale.nearest.map { Scalar($0) })
            }
        }
        self.widths = widths
        bound = DenseErrorBound(network)
    }

    /// The buffers of one worker, reused across batches (grown on demand); not shared
    /// between threads.
    public final class Workspace {
        private(set) var rows = 0
        private(set) var outputs = 0
        private var capacity = 0
        private var rowCapacity = 0
        var current = UnsafeMutablePointer<Scalar>.allocate(capacity: 0)
        var next = UnsafeMutablePointer<Scalar>.allocate(capacity: 0)
        var magnitudes = UnsafeMutablePointer<Scalar>.allocate(capacity: 0)
        var errorBuffer = UnsafeMutablePointer<Scalar>.allocate(capacity: 0)
        /// Per row: nonzero when an affine output of the row was not finite.
        var nonFinite = UnsafeMutablePointer<UInt32>.allocate(capacity: 0)

        public init() {}

        deinit {
            for buffer in [current, next, magnitudes, errorBuffer] { buffer.deallocate() }
            nonFinite.deallocate()
        }

        /// The values of the last batch, row-major `count x outputSize`; valid until the next
        /// ``DenseForward/evaluate(batch:count:workspace:)`` on this workspace.
        package var values: UnsafeBufferPointer<Scalar> { UnsafeBufferPointer(start: current, count: rows * outputs) }
        /// The error bounds of the last batch, laid out as ``values``.
        package var errors: UnsafeBufferPointer<Scalar> { UnsafeBufferPointer(start: errorBuffer, count: rows * outputs) }

        func reserve(_ size: Int, rows: Int, outputs: Int) {
            self.rows = rows
            self.outputs = outputs
            if capacity < size {
                for buffer in [current, next, magnitudes] { buffer.deallocate() }
                (current, next, magnitudes) = (.allocate(capacity: size), .allocate(capacity: size), .allocate(capacity: size))
                capacity = size
            }
            if rowCapacity < rows * max(outputs, 1) {
                errorBuffer.deallocate()
                nonFinite.deallocate()
                rowCapacity = rows * max(outputs, 1)
                errorBuffer = .allocate(capacity: rowCapacity)
                nonFinite = .allocate(capacity: rowCapacity)
            }
            nonFinite.update(repeating: 0, count: rows)
        }
    }

    /// Runs `count` inputs stored row-major in `batch` (`count x inputSize`); the values and
    /// their error bounds land in `workspace.values` and `workspace.errors`
    /// (`count x outputSize`).
    @_specialize(where Scalar == Float)
    @_specialize(where Scalar == Double)
    public func evaluate(batch: [Double], count: Int, workspace: Workspace) {
        precondition(batch.count == count * inputSize, "batch must be count x inputSize")
        workspace.reserve(count * widths.max()!, rows: count, outputs: outputSize)
        bound.constant.withUnsafeBufferPointer { constant in
            for row in 0..<count { (workspace.errorBuffer + row * outputSize).update(from: constant.baseAddress!, count: outputSize) }
        }
        // The input rounded to Float, and E += e_0 M_0ᵀ with e_0 = RU(|x - RN(x)|).
        batch.withUnsafeBufferPointer { x in
            for index in 0..<x.count {
                let rounded = Scalar(x[index])
                workspace.current[index] = rounded
                workspace.magnitudes[index] = Scalar.roundedUp((x[index] - Double(rounded)).magnitude)
            }
        }
        if let inputRounding = bound.inputRounding {
            inputRounding.withUnsafeBufferPointer { coefficients in
                Scalar.multiplyAddingTransposed(m: count, n: outputSize, k: inputSize, a: workspace.magnitudes,
                                                b: coefficients.baseAddress!, c: workspace.errorBuffer)
            }
        }
        for (index, step) in steps.enumerated() {
            addBoundTerms(at: index, count: count, workspace: workspace)
            apply(step, width: widths[index], count: count, workspace: workspace)
        }
        addBoundTerms(at: steps.count, count: count, workspace: workspace)
        bound.finish(values: workspace.current, errors: workspace.errorBuffer, nonFinite: workspace.nonFinite,
                     count: count * outputSize, width: outputSize)
    }

    /// `E += |V_b| C_bᵀ` for the boundary `b` when the bound has a term there
    /// (``DenseErrorBound/terms``); `V_b` itself when its values are never negative.
    private func addBoundTerms(at boundary: Int, count: Int, workspace: Workspace) {
        guard let term = bound.terms[boundary] else { return }
        let width = widths[boundary]
        var v = UnsafePointer(workspace.current)
        if !(boundary > 0 && steps[boundary - 1].outputIsNonNegative) {
            for index in 0..<(count * width) { workspace.magnitudes[index] = workspace.current[index].magnitude }
            v = UnsafePointer(workspace.magnitudes)
        }
        term.withUnsafeBufferPointer { coefficients in
            Scalar.multiplyAddingTransposed(m: count, n: outputSize, k: width, a: v, b: coefficients.baseAddress!, c: workspace.errorBuffer)
        }
    }

    /// One step on `count` rows of `width` units in `workspace.current`.
    private func apply(_ step: Step, width: Int, count: Int, workspace: Workspace) {
        switch step {
        case let .affine(weights, bias, m, n):
            let y = workspace.next
            bias.withUnsafeBufferPointer { b in
                for row in 0..<count { (y + row * n).update(from: b.baseAddress!, count: n) }
            }
            weights.withUnsafeBufferPointer { w in
                Scalar.multiplyAddingTransposed(m: count, n: n, k: m, a: workspace.current, b: w.baseAddress!, c: y)
            }
            swap(&workspace.current, &workspace.next)
            Self.markNonFinite(workspace.current, width: n, count: count, into: workspace.nonFinite)
        case let .diagonal(scale, bias):
            let v = workspace.current
            scale.withUnsafeBufferPointer { s in
                bias.withUnsafeBufferPointer { b in
                    for row in 0..<count {
                        let base = row * width
                        for i in 0..<width { v[base + i] = s[i] * v[base + i] + b[i] }
                    }
                }
            }
            Self.markNonFinite(workspace.current, width: width, count: count, into: workspace.nonFinite)
        default:
            step.applyElementWise(UnsafeMutableBufferPointer(start: workspace.current, count: count * width), width: width)
        }
    }

    /// Sets `flags[row]` when some value of the row is not finite.
    static func markNonFinite(_ v: UnsafeMutablePointer<Scalar>, width: Int, count: Int, into flags: UnsafeMutablePointer<UInt32>) {
        for row in 0..<count where !Scalar.allFinite(v + row * width, count: width) { flags[row] = 1 }
    }
}

extension DenseForward.Step {
    /// Whether every output is `>= 0` or NaN (ReLU; a clip whose bounds are both `>= 0`).
    var outputIsNonNegative: Bool {
        switch self {
        case .relu: return true
        case let .clip(lower, upper): return lower >= 0 && upper >= 0
        default: return false
        }
    }

    /// The element-wise steps, as ``Layer/applyFloat32(_:width:)`` (in `Float`) and
    /// ``Layer/apply(_:)-(Double)`` (in `Double`) compute them.
    func applyElementWise(_ v: UnsafeMutableBufferPointer<Scalar>, width: Int) {
        switch self {
        case .affine, .diagonal:
            preconditionFailure("affine steps are not element-wise")
        case .relu:
            for index in v.indices { v[index] = v[index] > 0 ? v[index] : 0 }
        case .leakyRelu(let a):
            for index in v.indices { let x = v[index]; v[index] = x >= 0 ? x : a * x }
        case let .clip(low, high):
            for index in v.indices { v[index] = Swift.min(Swift.max(v[index], low), high) }
        case .tanh:
            Scalar.applyTanh(v)
        case .sigmoid:
            Scalar.applySigmoid(v)
        case .multiply(let factors):
            for row in 0..<(v.count / width) {
                for i in 0..<width { v[row * width + i] = factors[i] * v[row * width + i] }
            }
        case .divide(let divisors):
            for row in 0..<(v.count / width) {
                for i in 0..<width { v[row * width + i] /= divisors[i] }
            }
        }
    }
}
