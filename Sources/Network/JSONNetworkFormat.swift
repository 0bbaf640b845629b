import Foundation
import Support

/// A tiny JSON format for hand-written test networks:
/// ```json
/// { "input_shape": [2],
///   "layers": [
///     { "type": "dense", "weights": [[1, -1], [0.5, 2]], "bias": [0, 1] },
///     { "type": "relu" },
///     { "type": "leaky_relu", "alpha": 0.1 },
///     { "type": "clip", "min": 0, "max": 1 },
///     { "type": "tanh" }, { "type": "sigmoid" },
///     { "type": "divide", "by": [3, 0.3] },
///     { "type": "enclosed_scale", "lower": [...], "nearest": [...], "upper": [...] } ] }
/// ```
/// `divide` is `y_i = x_i / c_i` (one divisor per unit), exact: an affine layer when every
/// `1/c_i` is a `Double`, an ``EnclosedScale`` with the exact divisors otherwise.
/// `enclosed_scale` is `y_i = s_i x_i` for factors known only to lie in `[lower_i, upper_i]`
/// (what ``serialize(_:)`` writes for a batch normalisation's `gamma / sqrt(var + eps)`).
/// `weights` is a list of rows (one per output unit, each as long as the layer's input);
/// `bias` defaults to zeros; `clip` may omit `min` or `max`; `leaky_relu`'s alpha defaults to
/// 0.01 (as in ONNX). `input_shape` may be a single number.
public enum JSONNetworkFormat {
    public static func load(contentsOf path: String) throws -> NeuralNetwork {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NetworkError.unreadable(file: path, reason: "no such file or not readable")
        }
        return try parse(data: data, fileName: path)
    }

    public static func parse(data: Data, fileName: String) throws -> NeuralNetwork {
        func fail(_ place: String, _ problem: String, _ fix: String = "see the JSON network format in README.md") -> NetworkError {
            .invalidContent(file: fileName, place: place, problem: problem, fix: fix)
        }
        let parsed: Any
        do {
            parsed = try JSONText.parse(data)
        } catch {
            throw fail("\(error)", "not valid JSON", "fix the JSON syntax")
        }
        guard let root = parsed as? [String: Any] else {
            throw fail("top level", "not a JSON object", "give an object with \"input_shape\" and \"layers\"")
        }
        func numbers(_ value: Any?, _ place: String) throws -> [Double] {
            guard let array = value as? [Any] else { throw fail(place, "expected a list of numbers") }
            return try array.map { element in
                guard let number = element as? Double, number.isFinite else {
                    throw fail(place, "'\(element)' is not a finite number")
                }
                return number
            }
        }
        func number(_ value: Any?, _ place: String, default fallback: Double) throws -> Double {
            guard let value else { return fallback }
            return try numbers([value], place)[0]
        }
        let shapeValue = root["input_shape"]
        let inputShape = try numbers(shapeValue is Double ? [shapeValue!] : shapeValue, "input_shape").map { value -> Int in
            guard value >= 1, value <= 100_000_000, value == value.rounded() else {
                throw fail("input_shape", "dimensions must be positive integers")
            }
            return Int(value)
        }
        guard !inputShape.isEmpty else { throw fail("input_shape", "is empty") }
        guard let layerValues = root["layers"] as? [[String: Any]] else {
            throw fail("layers", "expected a list of layer objects")
        }
        var layers: [Layer] = []
        var enclosed: [RoundedConstant] = []
        func record(_ scale: EnclosedScale, _ index: Int, _ type: String) {
            let count = (0..<scale.count).filter { scale.lower[$0] != scale.upper[$0] }.count
            enclosed.append(RoundedConstant(layerIndex: layers.count - 1, origin: .jsonLayer(index: index, type: type),
                                            count: count, relativeError: scale.largestRelativeWidth))
        }
        var size = inputShape.reduce(1, *)
        for (index, object) in layerValues.enumerated() {
            let place = "layers[\(index)]"
            guard let type = object["type"] as? String else { throw fail(place, "missing \"type\"") }
            switch type {
            case "dense":
                guard let rows = object["weights"] as? [Any], !rows.isEmpty else {
                    throw fail(place, "dense layer needs a non-empty \"weights\" list of rows")
                }
                var weights: [Double] = []
                for (r, row) in rows.enumerated() {
                    let values = try numbers(row, "\(place).weights[\(r)]")
                    guard values.count == size else {
                        throw fail("\(place).weights[\(r)]", "row has \(values.count) entries but the layer input has \(size)")
                    }
                    weights += values
                }
                let bias = object["bias"] == nil ? [Double](repeating: 0, count: rows.count)
                    : try numbers(object["bias"], "\(place).bias")
                guard bias.count == rows.count else {
                    throw fail("\(place).bias", "has \(bias.count) entries but the layer has \(rows.count) rows")
                }
                layers.append(.affine(AffineLayer(inputSize: size, outputSize: rows.count, weights: weights, bias: bias)))
                size = rows.count
            case "relu": layers.append(.relu)
            case "leaky_relu": layers.append(.leakyRelu(alpha: try number(object["alpha"], "\(place).alpha", default: 0.01)))
            case "clip", "hardtanh":
                let defaultBound = type == "hardtanh" ? 1.0 : Double.infinity
                let lower = try number(object["min"], "\(place).min", default: -defaultBound)
                let upper = try number(object["max"], "\(place).max", default: defaultBound)
                guard lower <= upper else { throw fail(place, "min \(lower) is above max \(upper)") }
                layers.append(.clip(lower: lower, upper: upper))
            case "divide":
                let divisors = try numbers(object["by"], "\(place).by")
                guard divisors.count == size else {
                    throw fail("\(place).by", "has \(divisors.count) divisors but the layer input has \(size)")
                }
                guard let scale = EnclosedScale.reciprocals(divisors) else {
                    throw fail("\(place).by", "1/c is zero, subnormal or infinite for some divisor", "use divisors between 1e-300 and 1e300 in magnitude")
                }
                layers.append(scale.isExact ? .affine(.diagonal(scale: scale.nearest, shift: [Double](repeating: 0, count: size)))
                                            : .enclosedScale(scale))
                if !scale.isExact { record(scale, index, type) }
            case "enclosed_scale":
                let lower = try numbers(object["lower"], "\(place).lower")
                let nearest = try numbers(object["nearest"], "\(place).nearest")
                let upper = try numbers(object["upper"], "\(place).upper")
                guard lower.count == size, nearest.count == size, upper.count == size,
                      (0..<size).allSatisfy({ lower[$0] <= nearest[$0] && nearest[$0] <= upper[$0] }) else {
                    throw fail(place, "needs lower <= nearest <= upper, one entry per unit (\(size))")
                }
                let scale = EnclosedScale(nearest: nearest, lower: lower, upper: upper, divisors: nil)
                layers.append(.enclosedScale(scale))
                record(scale, index, type)
            case "tanh": layers.append(.tanh)
            case "sigmoid": layers.append(.sigmoid)
            default:
                throw fail(place, "unknown layer type '\(type)'",
                           "use dense, relu, leaky_relu, clip, hardtanh, tanh, sigmoid, divide or enclosed_scale")
            }
        }
        return try NeuralNetwork(inputShape: inputShape, layers: layers, roundedConstants: enclosed)
    }

    /// Serialises a network in this format (dense layers as rows). Used by tests and by
    /// `verify` to export small networks for inspection.
    public static func serialize(_ network: NeuralNetwork) -> Data {
        var layers: [[String: Any]] = []
        for layer in network.layers {
            switch layer {
            case .affine(let affine):
                let rows = (0..<affine.outputSize).map { Array(affine.weights[($0 * affine.inputSize)..<(($0 + 1) * affine.inputSize)]) }
                layers.append(["type": "dense", "weights": rows, "bias": affine.bias])
            case .relu: layers.append(["type": "relu"])
            case .leakyRelu(let alpha): layers.append(["type": "leaky_relu", "alpha": alpha])
            case .clip(let lower, let upper):
                var object: [String: Any] = ["type": "clip"]
                if lower.isFinite { object["min"] = lower }
                if upper.isFinite { object["max"] = upper }
                layers.append(object)
            case .tanh: layers.append(["type": "tanh"])
            case .sigmoid: layers.append(["type": "sigmoid"])
            case .enclosedScale(let scale):
                if let divisors = scale.divisors {
                    layers.append(["type": "divide", "by": divisors])
                } else {
                    layers.append(["type": "enclosed_scale", "lower": scale.lower, "nearest": scale.nearest, "upper": scale.upper])
                }
            }
        }
        let root: [String: Any] = ["input_shape": network.inputShape, "layers": layers]
        return Data(JSONText.encode(root).utf8)
    }
}
