import Foundation

/// Reader for the `.nnet` format of the ACAS Xu networks (Katz et al. 2017).
///
/// Layout after any `//` comment lines, values comma-separated:
/// ```
/// numLayers, inputSize, outputSize, maxLayerSize
/// size_0, size_1, ..., size_numLayers          (size_0 = inputSize)
/// symmetric flag (ignored)
/// input minimums (inputSize values)
/// input maximums (inputSize values)
/// means  (inputSize + 1 values; the last one is the output mean)
/// ranges (inputSize + 1 values; the last one is the output range)
/// for each layer k: size_{k+1} weight rows of size_k values, then size_{k+1} bias lines
/// ```
/// Every layer but the last is followed by a ReLU.
///
/// Input normalisation `x̂_i = (x_i - mean_i) / range_i` becomes two element-wise layers in
/// front of the first dense layer, so the loaded network takes raw inputs:
/// ```
/// x -> x - mean                 (scale 1, shift -mean: exact)
///   -> r ⊙ (x - mean)           r_i = 1/range_i
///   -> W (...) + b
/// ```
/// The scaling is a diagonal affine map when every `1/range_i` is a `Double` (`range_i` is
/// ±2^k), otherwise an ``EnclosedScale`` with the exact divisors `range_i` (each inexact one
/// recorded as a ``RoundedConstant``, `.nnetInputRange`).
/// ``NeuralNetwork/mergingAffineLayers()`` then folds neighbours only where the folded
/// weights are exact, so the loaded network is exactly the file's network. The input minimums and maximums are returned as the input domain
/// (they are where the network is meant to be used; a verifier's box should lie inside them)
/// and are not applied as a clamp. Outputs are the network's raw (normalised) outputs, the values
/// the ACAS Xu properties in VNN-LIB refer to; the output mean and range are returned.
public struct NNetFile: Sendable {
    public var network: NeuralNetwork
    public var inputMinimums: [Double]
    public var inputMaximums: [Double]
    public var outputMean: Double
    public var outputRange: Double
}

public enum NNetLoader {
    public static func load(contentsOf path: String) throws -> NNetFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NetworkError.unreadable(file: path, reason: "no such file or not readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw NetworkError.invalidContent(file: path, place: "byte 0", problem: "not UTF-8 text",
                                              fix: "give a text .nnet file")
        }
        return try parse(text: text, fileName: path)
    }

    public static func parse(text: String, fileName: String) throws -> NNetFile {
        var lines: [(number: Int, values: [Substring])] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty || trimmed.hasPrefix("//") { continue }
            let values = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces)[...] }
                .filter { !$0.isEmpty }
            lines.append((index + 1, values))
        }
        var cursor = 0
        func fail(_ place: String, _ problem: String) -> NetworkError {
            .invalidContent(file: fileName, place: place, problem: problem,
                            fix: "check the file against the .nnet layout (header, sizes, min/max, means, ranges, weights, biases)")
        }
        func nextLine(_ what: String, count: Int) throws -> [Double] {
            guard cursor < lines.count else { throw fail("end of file", "missing \(what)") }
            let line = lines[cursor]
            cursor += 1
            guard line.values.count >= count else {
                throw fail("line \(line.number)", "\(what) needs \(count) values, found \(line.values.count)")
            }
            return try line.values.prefix(count).map { token in
                guard let value = Double(token), value.isFinite else {
                    throw fail("line \(line.number)", "'\(token)' in \(what) is not a finite number")
                }
                return value
            }
        }
        func positiveInt(_ value: Double, _ what: String) throws -> Int {
            guard value >= 1, value <= 1_000_000, value == value.rounded() else {
                throw fail("line \(lines[cursor - 1].number)", "\(what) must be a positive integer, found \(value)")
            }
            return Int(value)
        }
        let header = try nextLine("header (numLayers, inputSize, outputSize, maxLayerSize)", count: 4)
        let layerCount = try positiveInt(header[0], "number of layers")
        let inputSize = try positiveInt(header[1], "input size")
        let outputSize = try positiveInt(header[2], "output size")
        let sizes = try nextLine("layer sizes", count: layerCount + 1).map { try positiveInt($0, "layer size") }
        guard sizes.first == inputSize, sizes.last == outputSize else {
            throw fail("line \(lines[cursor - 1].number)", "layer sizes must start with the input size \(inputSize) and end with the output size \(outputSize)")
        }
        _ = try nextLine("symmetric flag", count: 1)
        let minimums = try nextLine("input minimums", count: inputSize)
        let maximums = try nextLine("input maximums", count: inputSize)
        let means = try nextLine("means", count: inputSize + 1)
        let ranges = try nextLine("ranges", count: inputSize + 1)
        let rangesLine = lines[cursor - 1].number
        guard ranges.allSatisfy({ $0 != 0 }) else {
            throw fail("line \(lines[cursor - 1].number)", "a range is zero (division by zero in the normalisation)")
        }
        var layers: [Layer] = []
        for k in 0..<layerCount {
            let rows = sizes[k + 1], columns = sizes[k]
            var weights: [Double] = []
            weights.reserveCapacity(rows * columns)
            for row in 0..<rows { weights += try nextLine("layer \(k) weight row \(row)", count: columns) }
            var bias: [Double] = []
            for row in 0..<rows { bias += try nextLine("layer \(k) bias \(row)", count: 1) }
            layers.append(.affine(AffineLayer(inputSize: columns, outputSize: rows, weights: weights, bias: bias)))
            if k < layerCount - 1 { layers.append(.relu) }
        }
        let zeros = [Double](repeating: 0, count: inputSize)
        let centring = AffineLayer.diagonal(scale: [Double](repeating: 1, count: inputSize),
                                            shift: (0..<inputSize).map { -means[$0] })
        guard let reciprocals = EnclosedScale.reciprocals(Array(ranges[0..<inputSize])) else {
            throw fail("line \(rangesLine)", "1/range is infinite or subnormal for some input (a range beyond 1e300 or below 1e-300 in magnitude)")
        }
        let scaling: Layer = reciprocals.isExact ? .affine(AffineLayer.diagonal(scale: reciprocals.nearest, shift: zeros))
                                                 : .enclosedScale(reciprocals)
        let rounded = (0..<inputSize).filter { reciprocals.lower[$0] != reciprocals.upper[$0] }.map {
            RoundedConstant(layerIndex: 1, origin: .nnetInputRange(input: $0), count: 1,
                            relativeError: reciprocals.largestRelativeWidth)
        }
        layers = [.affine(centring), scaling] + layers
        let network = try NeuralNetwork(inputShape: [inputSize], outputShape: [outputSize], layers: layers,
                                        roundedConstants: rounded).mergingAffineLayers()
        return NNetFile(network: network, inputMinimums: minimums, inputMaximums: maximums,
                        outputMean: means[inputSize], outputRange: ranges[inputSize])
    }
}
