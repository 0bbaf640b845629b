/// Reading a `TensorProto`'s numbers as `Double`.
///
/// Supported element types: FLOAT (1), INT32 (6), INT64 (7), DOUBLE (11). Values come from
/// `raw_data` when present (packed little-endian: 4 bytes for FLOAT/INT32, 8 for
/// INT64/DOUBLE), otherwise from the typed field (`float_data`, `int32_data`, `int64_data`,
/// `double_data`). Every `Float` widens to `Double` exactly; `Int64` values beyond 2^53 round
/// to the nearest `Double` (they only occur as shapes, never as weights).
///
/// Edge cases: the number of stored values must equal the product of `dims` (1 for a scalar
/// with no dims); a negative dim or a product that overflows is an error naming the tensor.
extension ONNXTensorProto {
    /// Names of the supported element types, for messages.
    static let supportedDataTypes = "FLOAT (1), DOUBLE (11), INT64 (7), INT32 (6)"

    /// The tensor's dims as `Int`, checked non-negative with a product that fits in `Int`.
    func shape(file: String) throws -> [Int] {
        var product = 1
        var shape: [Int] = []
        for dim in dims {
            guard dim >= 0, let value = Int(exactly: dim) else {
                throw invalid(file, "has negative dimension \(dim) in dims \(dims)")
            }
            let (next, overflow) = product.multipliedReportingOverflow(by: value)
            guard !overflow else { throw invalid(file, "has dims \(dims) whose product overflows") }
            product = next
            shape.append(value)
        }
        return shape
    }

    /// The values in row-major order, widened to `Double`.
    /// - Throws: ``NetworkError/invalidContent(file:place:problem:fix:)`` naming the tensor when
    ///   the element type is unsupported, the data is external, or the value count disagrees
    ///   with `dims`.
    func values(file: String) throws -> [Double] {
        let count = try shape(file: file).reduce(1, *)
        guard !isExternal else {
            throw NetworkError.invalidContent(
                file: file, place: "tensor '\(name)'", problem: "stores its data in an external file",
                fix: "save the model with its weights inside (onnx.save(model, path, save_as_external_data=False))")
        }
        let values: [Double]
        switch dataType {
        case 1:
            if let rawData {
                values = try words(rawData, 4, file).map { Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0))) }
            } else {
                values = floatData.map(Double.init)
            }
        case 11:
            values = try rawData.map { try words($0, 8, file).map(Double.init(bitPattern:)) } ?? doubleData
        case 7:
            let integers = try rawData.map { try words($0, 8, file).map { Int64(bitPattern: $0) } } ?? int64Data
            values = integers.map(Double.init)
        case 6:
            let integers = try rawData.map {
                try words($0, 4, file).map { Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: $0))) }
            } ?? int32Data
            values = integers.map { Double(Int32(truncatingIfNeeded: $0)) }
        default:
            throw NetworkError.invalidContent(
                file: file, place: "tensor '\(name)'", problem: "has element type \(dataType), which is not supported",
                fix: "export the model with one of \(Self.supportedDataTypes)")
        }
        guard values.count == count else {
            throw invalid(file, "holds \(values.count) values but its dims \(dims) need \(count)")
        }
        return values
    }

    private func words(_ raw: ArraySlice<UInt8>, _ byteCount: Int, _ file: String) throws -> [UInt64] {
        guard raw.count % byteCount == 0 else {
            throw invalid(file, "has \(raw.count) bytes of raw_data, not a multiple of \(byteCount)")
        }
        do {
            return try ProtobufField.littleEndianWords(raw, byteCount: byteCount, name: "raw_data", offset: 0)
        } catch {
            throw invalid(file, "has malformed raw_data")
        }
    }

    private func invalid(_ file: String, _ problem: String) -> NetworkError {
        NetworkError.invalidContent(
            file: file, place: "tensor '\(name)'", problem: problem,
            fix: "the file is corrupted or was written incorrectly; re-export the model")
    }
}
