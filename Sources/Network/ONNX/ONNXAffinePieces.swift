/// The network while it is built: dense affine maps, element-wise (diagonal) affine maps and
/// activations, in order, each affine piece with the ``RoundedConstant``s its weights hold.
///
/// Element-wise constants (`Add`, `Sub`, `Mul`, `Div`, `BatchNormalization`) arrive as
/// diagonal maps `x -> s ⊙ x + t`. A diagonal map is folded into a neighbour when the folded
/// weights are exact (``ExactArithmetic``):
/// ```
/// after  W:  s ⊙ (W x + b) + t  =  (diag(s) W) x + (s ⊙ b + t)     row i of W scaled by s_i
/// before W:  W (s ⊙ x + t) + b  =  (W diag(s)) x + (W t + b)       column j of W scaled by s_j
/// two diagonals: s2 ⊙ (s1 ⊙ x + t1) + t2 = (s2 ⊙ s1) ⊙ x + (s2 ⊙ t1 + t2)
/// ```
/// Folding after the preceding map is tried first (it is exact when `s = 1` and `b + t` is,
/// the common `MatMul` + `Add` bias), then before the next dense map. A diagonal that cannot
/// be folded exactly becomes an element-wise layer of its own
/// (``AffineLayer/diagonal(scale:shift:)``), so the layers compute exactly the file's
/// function; an identity diagonal is dropped. A scaling by constants with no exact `Double`
/// (``EnclosedScale``) stays a layer of its own and is never folded.
struct ONNXAffinePieces {
    enum Piece {
        case dense(AffineLayer, rounded: [RoundedConstant])
        case diagonal(scale: [Double], shift: [Double], rounded: [RoundedConstant])
        case enclosed(EnclosedScale, rounded: [RoundedConstant])
        case activation(Layer)
    }

    private(set) var pieces: [Piece] = []

    /// Appends a dense map; `rounded` lists the constants its weights hold rounded (their
    /// `layerIndex` is set when the layers are built).
    mutating func appendDense(_ layer: AffineLayer, rounded: [RoundedConstant] = []) {
        pieces.append(.dense(layer, rounded: rounded))
    }

    mutating func appendActivation(_ layer: Layer) { pieces.append(.activation(layer)) }

    /// Appends an element-wise scaling by factors with no exact `Double`; it is never folded.
    mutating func appendEnclosed(_ scale: EnclosedScale, rounded: [RoundedConstant]) {
        pieces.append(.enclosed(scale, rounded: rounded))
    }

    /// Appends `x -> scale ⊙ x + shift`, composed with a diagonal just before it when the
    /// composition is exact.
    mutating func appendDiagonal(scale: [Double], shift: [Double], rounded: [RoundedConstant] = []) {
        precondition(scale.count == shift.count)
        if case .diagonal(let s1, let t1, let r1)? = pieces.last, s1.count == scale.count,
           let (s, t) = Self.exactlyComposed(scale, shift, after: s1, t1) {
            pieces[pieces.count - 1] = .diagonal(scale: s, shift: t, rounded: r1 + rounded)
        } else {
            pieces.append(.diagonal(scale: scale, shift: shift, rounded: rounded))
        }
    }

    /// `s2 ⊙ (s1 ⊙ x + t1) + t2` as `(s2 ⊙ s1, s2 ⊙ t1 + t2)` when every entry is exact.
    private static func exactlyComposed(_ s2: [Double], _ t2: [Double], after s1: [Double], _ t1: [Double])
        -> ([Double], [Double])? {
        var s = s2, t = t2
        for i in s.indices {
            guard let scale = ExactArithmetic.product(s2[i], s1[i]),
                  let shift = ExactArithmetic.productSum(s2[i], t1[i], t2[i]) else { return nil }
            s[i] = scale
            t[i] = shift
        }
        return (s, t)
    }

    /// The layers, with every diagonal folded into a neighbouring dense map where that is
    /// exact, and the rounded constants with the index of the layer that holds them.
    /// - Throws: ``NetworkError/invalidContent(file:place:problem:fix:)`` when a diagonal that
    ///   must stand alone would need more than `maxDenseEntries` matrix entries.
    func layers(file: String, maxDenseEntries: Int) throws -> (layers: [Layer], rounded: [RoundedConstant]) {
        var pending = pieces
        var layers: [Layer] = []
        var rounded: [RoundedConstant] = []
        func record(_ constants: [RoundedConstant], at index: Int) {
            rounded += constants.map { var moved = $0; moved.layerIndex = index; return moved }
        }
        var index = 0
        while index < pending.count {
            switch pending[index] {
            case .dense(let layer, let constants):
                layers.append(.affine(layer))
                record(constants, at: layers.count - 1)
            case .activation(let layer):
                layers.append(layer)
            case .enclosed(let scale, let constants):
                layers.append(.enclosedScale(scale))
                record(constants, at: layers.count - 1)
            case .diagonal(let scale, let shift, let constants):
                if constants.isEmpty && scale.allSatisfy({ $0 == 1 }) && shift.allSatisfy({ $0 == 0 }) { break }
                if case .affine(let previous)? = layers.last, previous.outputSize == scale.count,
                   let merged = previous.exactlyScalingRows(scale, shift: shift) {
                    layers[layers.count - 1] = .affine(merged)
                    record(constants, at: layers.count - 1)
                } else if index + 1 < pending.count, case .dense(let next, let nextConstants) = pending[index + 1],
                          next.inputSize == scale.count, let merged = next.exactlyScalingColumns(scale, shift: shift) {
                    pending[index + 1] = .dense(merged, rounded: constants + nextConstants)
                } else {
                    guard scale.count <= maxDenseEntries / scale.count else {
                        throw NetworkError.invalidContent(
                            file: file, place: "element-wise constant on \(scale.count) values",
                            problem: "cannot be folded exactly into a neighbouring layer and would need a \(scale.count) x \(scale.count) matrix",
                            fix: "place the normalisation next to a Gemm, MatMul or Conv, or use a smaller input")
                    }
                    layers.append(.affine(.diagonal(scale: scale, shift: shift)))
                    record(constants, at: layers.count - 1)
                }
            }
            index += 1
        }
        return (layers, rounded)
    }
}
