/// The network while it is built: dense affine maps, element-wise (diagonal) affine maps and
/// activations, in order.
///
/// Element-wise constants (`Add`, `Sub`, `Mul`, `Div`, `BatchNormalization`) arrive as
/// diagonal maps `x -> s ⊙ x + t`. A diagonal map is never stored as an `n x n` matrix when it
/// can be folded into a neighbouring dense map `x -> W x + b`:
/// ```
/// after  W:  s ⊙ (W x + b) + t  =  (diag(s) W) x + (s ⊙ b + t)     row i of W scaled by s_i
/// before W:  W (s ⊙ x + t) + b  =  (W diag(s)) x + (W t + b)       column j of W scaled by s_j
/// two diagonals: s2 ⊙ (s1 ⊙ x + t1) + t2 = (s2 ⊙ s1) ⊙ x + (s2 ⊙ t1 + t2)
/// ```
/// Folding after the preceding map is preferred (it is exact when `s = 1`, the common
/// `MatMul` + `Add` bias). A diagonal with no dense neighbour (e.g. between two activations)
/// becomes ``AffineLayer/diagonal(scale:shift:)``; an identity diagonal is dropped.
struct ONNXAffinePieces {
    enum Piece {
        case dense(AffineLayer)
        case diagonal(scale: [Double], shift: [Double])
        case activation(Layer)
    }

    private(set) var pieces: [Piece] = []

    mutating func appendDense(_ layer: AffineLayer) { pieces.append(.dense(layer)) }

    mutating func appendActivation(_ layer: Layer) { pieces.append(.activation(layer)) }

    /// Appends `x -> scale ⊙ x + shift`, composing with a diagonal just before it.
    mutating func appendDiagonal(scale: [Double], shift: [Double]) {
        precondition(scale.count == shift.count)
        if case .diagonal(let s1, let t1)? = pieces.last, s1.count == scale.count {
            var s = scale, t = shift
            for i in s.indices {
                s[i] = scale[i] * s1[i]
                t[i] = scale[i] * t1[i] + shift[i]
            }
            pieces[pieces.count - 1] = .diagonal(scale: s, shift: t)
        } else {
            pieces.append(.diagonal(scale: scale, shift: shift))
        }
    }

    /// The layers, with every diagonal folded into a neighbouring dense map where possible.
    /// - Throws: ``NetworkError/invalidContent(file:place:problem:fix:)`` when a diagonal that
    ///   must stand alone would need more than `maxDenseEntries` matrix entries.
    func layers(file: String, maxDenseEntries: Int) throws -> [Layer] {
        var pending = pieces
        var layers: [Layer] = []
        var index = 0
        while index < pending.count {
            switch pending[index] {
            case .dense(let layer):
                layers.append(.affine(layer))
            case .activation(let layer):
                layers.append(layer)
            case .diagonal(let scale, let shift):
                if scale.allSatisfy({ $0 == 1 }) && shift.allSatisfy({ $0 == 0 }) { break }
                if case .affine(let previous)? = layers.last, previous.outputSize == scale.count {
                    layers[layers.count - 1] = .affine(Self.scalingRows(previous, scale, shift))
                } else if index + 1 < pending.count, case .dense(let next) = pending[index + 1],
                          next.inputSize == scale.count {
                    pending[index + 1] = .dense(Self.scalingColumns(next, scale, shift))
                } else {
                    guard scale.count <= maxDenseEntries / scale.count else {
                        throw NetworkError.invalidContent(
                            file: file, place: "element-wise constant on \(scale.count) values",
                            problem: "would need a \(scale.count) x \(scale.count) matrix",
                            fix: "place the normalisation next to a Gemm, MatMul or Conv, or use a smaller input")
                    }
                    layers.append(.affine(.diagonal(scale: scale, shift: shift)))
                }
            }
            index += 1
        }
        return layers
    }

    /// `diag(s) W`, `s ⊙ b + t`.
    static func scalingRows(_ layer: AffineLayer, _ scale: [Double], _ shift: [Double]) -> AffineLayer {
        var weights = layer.weights, bias = layer.bias
        let m = layer.inputSize
        for i in 0..<layer.outputSize {
            bias[i] = scale[i] * bias[i] + shift[i]
            if scale[i] == 1 { continue }
            for j in 0..<m { weights[i * m + j] *= scale[i] }
        }
        return AffineLayer(inputSize: m, outputSize: layer.outputSize, weights: weights, bias: bias)
    }

    /// `W diag(s)`, `W t + b`.
    static func scalingColumns(_ layer: AffineLayer, _ scale: [Double], _ shift: [Double]) -> AffineLayer {
        var weights = layer.weights, bias = layer.bias
        let m = layer.inputSize
        for i in 0..<layer.outputSize {
            var sum = 0.0
            for j in 0..<m {
                sum += weights[i * m + j] * shift[j]
                weights[i * m + j] *= scale[j]
            }
            bias[i] += sum
        }
        return AffineLayer(inputSize: m, outputSize: layer.outputSize, weights: weights, bias: bias)
    }
}
