/// Applies a lane-wise SIMD function to every value of a buffer, in place: whole vectors
/// loaded and stored unaligned, then the tail through one zero-padded vector, so every value
/// goes through the same lane operations as ``LaneMap/value(_:_:)`` computes for it alone.
enum LaneMap {
    @inline(__always)
    static func apply<Vector: SIMD>(_ values: UnsafeMutableBufferPointer<Vector.Scalar>, _ function: (Vector) -> Vector) {
        guard let base = values.baseAddress else { return }
        let lanes = Vector.scalarCount
        let whole = values.count - values.count % lanes
        var index = 0
        while index < whole {
            let raw = UnsafeMutableRawPointer(base + index)
            raw.storeBytes(of: function(raw.loadUnaligned(as: Vector.self)), as: Vector.self)
            index += lanes
        }
        guard index < values.count else { return }
        var tail = Vector()
        for lane in 0..<(values.count - index) { tail[lane] = base[index + lane] }
        let result = function(tail)
        for lane in 0..<(values.count - index) { base[index + lane] = result[lane] }
    }

    /// `function` of one value (lane 0 of the vector with every lane `x`).
    @inline(__always)
    static func value<Vector: SIMD>(_ x: Vector.Scalar, _ function: (Vector) -> Vector) -> Vector.Scalar {
        function(Vector(repeating: x))[0]
    }
}
