import Foundation

/// Tiny hand-written networks (JSON format) and an experiment over them, for the table and
/// report tests (the same models as SamplingTests' `TinyModels`).
enum TinyModels {
    /// `y0 - y1 = 2.5 (x0 - x1)` on two classes.
    static let classifier = """
    { "input_shape": [2], "layers": [ { "type": "dense", "weights": [[2, -0.5], [-0.5, 2]], "bias": [0.25, 0.25] } ] }
    """

    /// `x0 - x1 = 1.5 (z0 - z1) ± 3.5`: class c wins unless the noise difference exceeds 2.33
    /// (about 95% of the noises are correct).
    static func generator(_ c: Int) -> String {
        let bias = c == 0 ? "[4, 0.5]" : "[0.5, 4]"
        return """
        { "input_shape": [2], "layers": [ { "type": "dense", "weights": [[2, 0.5], [0.5, 2]], "bias": \(bias) } ] }
        """
    }

    /// Writes the models and an experiment (`eps` 0.1, one generator per class) into a fresh
    /// directory; returns the experiment path.
    static func write() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reporting-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try classifier.write(to: directory.appendingPathComponent("c.json"), atomically: true, encoding: .utf8)
        try generator(0).write(to: directory.appendingPathComponent("g0.json"), atomically: true, encoding: .utf8)
        try generator(1).write(to: directory.appendingPathComponent("g1.json"), atomically: true, encoding: .utf8)
        let text = "{ \"classifier\": \"c.json\", \"generators\": {\"0\": \"g0.json\", \"1\": \"g1.json\"}, \"eps\": 0.1 }"
        let path = directory.appendingPathComponent("experiment.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
