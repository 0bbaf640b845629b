// An experiment with its networks loaded and composed, its noises, and its identity hash.

import Foundation
import Network
import Solver
import Support

/// An experiment ready to run: one composed network `C ∘ a ∘ G_c` (noise in, logits out) per
/// class, the noise source, the solver configuration, and the experiment hash that every
/// results file carries.
public struct LoadedExperiment: Sendable {
    /// The experiment (with `samplesPerClass` capped by a noises file's row count).
    public var experiment: Experiment
    /// The classes of the claim, ascending.
    public let classes: [Int]
    /// `C ∘ a ∘ G_c` for each class.
    public let networks: [Int: NeuralNetwork]
    /// `G_c` alone for each class (noise in, image out; a conditional generator with its one-hot
    /// input fixed): what pictures show.
    public let generators: [Int: NeuralNetwork]
    /// The classifier `C` alone (its input is `a(G_c(x))`).
    public let classifier: NeuralNetwork
    /// `p`, the noise dimension (the box lives in this space).
    public let noiseDimension: Int
    /// Output count of the classifier.
    public let outputCount: Int
    public let noises: NoiseSource
    /// The solver configuration every query uses.
    public let queryConfiguration: QueryConfiguration
    /// SHA-256 of every network file, by role (`classifier`, `generator_3`, `conditional_generator`).
    public let digests: [String: String]
    /// Identifies everything a per-sample verdict depends on; see ``identity``.
    public let hash: String
    /// The text that is hashed.
    public let identity: String

    /// The format version written into results files and hashed into the identity. It changes
    /// whenever the meaning of a per-sample verdict changes, so that a results file is never
    /// resumed or merged under another meaning. Version 2: verdicts about the network exactly as
    /// loaded (no rounded merges), ties are not the class, counterexamples confirmed exactly.
    public static let resultsFormat = "generative-verification-results/2"

    /// Checks the file's `"noise_dimension"` (if given) against `inferred`, the generators'
    /// noise input size; a mismatch names the file, the key and the generator file.
    static func checkStatedNoiseDimension(_ experiment: Experiment, inferred: Int) throws {
        guard let stated = experiment.noiseDimension, stated != inferred else { return }
        let source: String
        switch experiment.generators {
        case .perClass(let files): source = files.sorted { $0.key < $1.key }.first.map { "generator \($0.value)" } ?? "the generators"
        case let .conditional(path, _, _, _): source = "conditional generator \(path) (without its one-hot inputs)"
        }
        throw ExperimentError.invalidExperiment(
            file: experiment.file ?? "experiment", place: "field \"noise_dimension\"",
            problem: "is \(stated), but the \(source) takes \(inferred) noise inputs",
            fix: "set \"noise_dimension\": \(inferred) or remove the key (the dimension is read from the generator)")
    }

    /// Loads the networks of `experiment`, composes them, and fixes the noises (`noisesFile`
    /// replaces the generated noises). `solverBase` supplies ablation switches and thresholds;
    /// the experiment supplies the budgets.
    public init(_ experiment: Experiment, noisesFile: String? = nil,
                solverBase: QueryConfiguration = QueryConfiguration()) throws {
        try experiment.validate()
        var experiment = experiment
        let name = experiment.file ?? "experiment"
        func digest(_ path: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw NetworkError.unreadable(file: path, reason: "no such file or not readable")
            }
            return SHA256.hex(of: [UInt8](data))
        }
        let classifier = try NetworkFile.load(experiment.classifier)
        var digests = ["classifier": try digest(experiment.classifier)]
        var networks: [Int: NeuralNetwork] = [:]
        var generators: [Int: NeuralNetwork] = [:]
        var identityLines = [Self.resultsFormat, "classifier \(digests["classifier"]!)"]
        switch experiment.generators {
        case .perClass(let files):
            for (classIndex, path) in files.sorted(by: { $0.key < $1.key }) {
                guard classIndex < classifier.outputSize else {
                    throw ExperimentError.invalidExperiment(
                        file: name, place: "field \"generators\" key \"\(classIndex)\"",
                        problem: "class \(classIndex) does not exist: the classifier has \(classifier.outputSize) outputs",
                        fix: "use classes 0...\(classifier.outputSize - 1)")
                }
                let generator = try NetworkFile.load(path)
                digests["generator_\(classIndex)"] = try digest(path)
                identityLines.append("class \(classIndex) generator \(digests["generator_\(classIndex)"]!)")
                networks[classIndex] = try NeuralNetwork.composing(classifier: classifier, after: generator, adapter: experiment.adapter)
                generators[classIndex] = generator
            }
        case let .conditional(path, classCount, position, output):
            let generator = try NetworkFile.load(path, outputActivation: output)
            digests["conditional_generator"] = try digest(path)
            let count = classCount ?? classifier.outputSize
            guard count <= classifier.outputSize else {
                throw ExperimentError.invalidExperiment(
                    file: name, place: "field \"conditional_generator.classes\"",
                    problem: "\(count) classes but the classifier has \(classifier.outputSize) outputs",
                    fix: "give at most \(classifier.outputSize) classes")
            }
            let noiseSize = generator.inputSize - count
            guard noiseSize >= 1 else {
                throw ExperimentError.invalidExperiment(
                    file: name, place: "field \"conditional_generator\"",
                    problem: "the generator takes \(generator.inputSize) inputs, not more than the \(count) one-hot class inputs",
                    fix: "check \"classes\": the generator input must be noise plus a one-hot class vector")
            }
            identityLines.append("conditional generator \(digests["conditional_generator"]!) classes \(count) one-hot \(position.rawValue)"
                + (output == .file ? "" : " output \(output.rawValue)"))
            for classIndex in 0..<count {
                let fixed = try Self.fixingOneHot(generator, noiseSize: noiseSize, classCount: count,
                                                  classIndex: classIndex, position: position)
                networks[classIndex] = try NeuralNetwork.composing(classifier: classifier, after: fixed, adapter: experiment.adapter)
                generators[classIndex] = fixed
            }
        }
        let classes = networks.keys.sorted()
        let dimensions = Set(networks.values.map(\.inputSize))
        guard dimensions.count == 1, let dimension = dimensions.first else {
            throw ExperimentError.invalidExperiment(
                file: name, place: "field \"generators\"",
                problem: "the generators take different noise sizes (\(dimensions.sorted().map(String.init).joined(separator: ", ")))",
                fix: "use generators with one common noise dimension")
        }
        try Self.checkStatedNoiseDimension(experiment, inferred: dimension)
        if let adapter = experiment.adapter {
            identityLines.append("adapter scale \(adapter.scale.map(Self.bits).joined(separator: ",")) shift \(adapter.shift.map(Self.bits).joined(separator: ","))")
        }
        identityLines.append("eps \(Self.bits(experiment.eps))")
        let noises: NoiseSource
        if let noisesFile {
            noises = try NoiseSource.load(file: noisesFile, dimension: dimension)
            experiment.samplesPerClass = min(experiment.samplesPerClass, noises.capacity)
            if case .file(_, let sha, _) = noises { identityLines.append("noises file \(sha)") }
        } else {
            noises = .generated(seed: experiment.seed, dimension: dimension)
            identityLines.append(Self.generatedNoiseLine(seed: experiment.seed, dimension: dimension))
        }
        var configuration = experiment.queryConfiguration(base: solverBase)
        configuration.leaves.smt2Directory = nil
        var identified = configuration
        identified.phaseSplit.engine = Self.engineThatRuns(configuration.phaseSplit, on: Array(networks.values))
        identityLines.append("solver \(identified)")
        configuration.leaves.smt2Directory = solverBase.leaves.smt2Directory

        self.experiment = experiment
        self.classes = classes
        self.networks = networks
        self.generators = generators
        self.classifier = classifier
        self.noiseDimension = dimension
        self.outputCount = classifier.outputSize
        self.noises = noises
        self.queryConfiguration = configuration
        self.digests = digests
        self.identity = identityLines.joined(separator: "\n")
        self.hash = Self.hash(ofIdentity: identity)
    }

    /// The engine the identity records: `auto` resolved to `input` when it sends none of
    /// `networks` to phase splitting, and to `phase` when it sends all of them (the same
    /// searches, so the same verdicts, as those engines chosen by name); `input` and `phase`
    /// as they are.
    public static func engineThatRuns(_ options: PhaseSplitOptions, on networks: [NeuralNetwork]) -> PhaseSplitOptions.Engine {
        guard options.engine == .auto else { return options.engine }
        let phases = networks.map { options.usesPhaseSplitting($0) }
        if !phases.contains(true) { return .input }
        if !phases.contains(false) { return .phase }
        return .auto
    }

    /// The generator with its one-hot class input fixed: an affine layer in front maps the
    /// noise `z` (size `p`) to `[z, e_c]` (or `[e_c, z]`), `e_c` the one-hot vector of class `c`:
    ///
    /// ```
    /// W = [I_p; 0_{m x p}]   b = [0_p; e_c]        (position "after"; rows swapped for "before")
    /// ```
    ///
    /// The one-hot part is a bias, so no box ever perturbs it; composition merges this layer
    /// into the generator's first affine layer.
    static func fixingOneHot(_ generator: NeuralNetwork, noiseSize p: Int, classCount m: Int,
                             classIndex c: Int, position: Experiment.OneHotPosition) throws -> NeuralNetwork {
        let outputs = p + m
        var weights = [Double](repeating: 0, count: outputs * p)
        var bias = [Double](repeating: 0, count: outputs)
        let noiseOffset = position == .after ? 0 : m
        let classOffset = position == .after ? p : 0
        for j in 0..<p { weights[(noiseOffset + j) * p + j] = 1 }
        bias[classOffset + c] = 1
        let prefix = AffineLayer(inputSize: p, outputSize: outputs, weights: weights, bias: bias)
        return try generator.prepending(prefix, inputShape: [p])
    }

    /// A Double's exact bit pattern (hashing must not depend on decimal formatting).
    static func bits(_ value: Double) -> String { String(value.bitPattern, radix: 16) }

    /// The image `G_c(x)` (generator output, before the adapter).
    /// - Precondition: `classIndex` is one of ``classes`` (callers validate user input first).
    public func image(classIndex: Int, noise: [Double]) -> [Double] {
        guard let generator = generators[classIndex] else { preconditionFailure(unknownClass(classIndex)) }
        return generator.evaluate(noise)
    }

    /// The classifier's logits on the image `G_c(x)`: the plain float forward pass of `C ∘ a ∘ G_c`.
    /// - Precondition: `classIndex` is one of ``classes``.
    public func logits(classIndex: Int, noise: [Double]) -> [Double] {
        guard let network = networks[classIndex] else { preconditionFailure(unknownClass(classIndex)) }
        return network.evaluate(noise)
    }

    private func unknownClass(_ classIndex: Int) -> String {
        "class \(classIndex) is not one of the experiment's classes \(classes)"
    }

    /// The box of sample `sampleIndex` of class `classIndex` is the eps-box around this noise.
    public func noise(classIndex: Int, sampleIndex: Int) -> [Double] {
        noises.noise(classIndex: classIndex, sampleIndex: sampleIndex)
    }

    /// The experiment hash of an identity text: its SHA-256.
    static func hash(ofIdentity identity: String) -> String {
        SHA256.hex(of: Array(identity.utf8))
    }

    /// The identity line of generated noises (``NoiseSource/generated(seed:dimension:)``).
    static func generatedNoiseLine(seed: UInt64, dimension: Int) -> String {
        "noises generated seed \(seed) dimension \(dimension)"
    }

    /// The seed and dimension of the generated noises that the identity text `identity`
    /// records (``generatedNoiseLine(seed:dimension:)``); nil when its noises came from a file.
    static func generatedNoises(identity: String) -> (seed: UInt64, dimension: Int)? {
        for line in identity.split(separator: "\n") {
            let words = line.split(separator: " ")
            if words.count == 6, words[0] == "noises", words[1] == "generated", words[2] == "seed", words[4] == "dimension",
               let seed = UInt64(words[3]), let dimension = Int(words[5]) {
                return (seed, dimension)
            }
        }
        return nil
    }
}
