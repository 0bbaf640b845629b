import Encoding
import Network
import Solver

/// A realistic adversarial example: two noises of class `c` at L-infinity distance `<= eps`
/// whose generated images `G_c(x)`, `G_c(x')` the classifier labels differently.
///
/// Validated in exact arithmetic before it is returned (``validated(in:classIndex:target:method:eps:sampleIndex:noise:adversarialNoise:samplesTried:seconds:effort:)``,
/// with ``NeuralNetwork/checkedClassification(_:)``, the tool's one meaning of "classified
/// as"): `x` is classified `c`, `x'` lies in the eps-box around `x`, and `x'` reaches the
/// target (``AdversarialTarget``): for `any`, `x'` is not classified `c` (a tie counts, as in
/// the exact pipeline); for a class `t`, `x'` is classified `t`. The logits and margins are
/// the float forward pass's, for display.
public struct RealisticAdversarialPair: Sendable, Equatable, Encodable {
    public var classIndex: Int
    public var target: AdversarialTarget
    public var method: RealisticAttackMethod
    public var eps: Double
    /// Index of `x` in the experiment's noise sequence of class `c`.
    public var sampleIndex: Int
    public var noise: [Double]
    public var adversarialNoise: [Double]
    /// `G_c(x)` and `G_c(x')`, the generator's outputs (before any adapter).
    public var image: [Double]
    public var adversarialImage: [Double]
    /// `C(a(G_c(x)))` and `C(a(G_c(x')))`.
    public var logits: [Double]
    public var adversarialLogits: [Double]
    /// The class of `x` (always `c`), and the class of `x'`; for a tie at `x'`, the lowest
    /// tied class other than `c` (``isTie`` says so).
    public var prediction: Int
    public var adversarialPrediction: Int
    /// `x'` is a tie (no class wins alone in exact arithmetic; `any` only): reported, as the
    /// pipeline counts it.
    public var isTie: Bool
    /// `y_c - max_{j != c} y_j` at `x` (> 0) and at `x'` (<= 0).
    public var margin: Double
    public var adversarialMargin: Double
    /// `||x' - x||_inf` and `||G_c(x') - G_c(x)||_inf`.
    public var noiseDistance: Double
    public var imageDistance: Double
    /// Samples attacked until this one succeeded (this one included; misclassified centres not counted).
    public var samplesTried: Int
    /// Wall time from the start of the search to this pair, seconds.
    public var seconds: Double
    /// Forward and reverse passes spent on the successful sample.
    public var evaluations: Int
    public var gradients: Int

    /// Recomputes everything from the two noises and checks the definition in exact
    /// arithmetic; `nil` when the pair is not (or, for a tanh/sigmoid network within its
    /// error bound of a tie, cannot be shown to be) a realistic adversarial example.
    public static func validated(
        in experiment: LoadedExperiment, classIndex c: Int, target: AdversarialTarget, method: RealisticAttackMethod,
        eps: Double, sampleIndex: Int, noise x: [Double], adversarialNoise xPrime: [Double],
        samplesTried: Int, seconds: Double, effort: AttackEffort
    ) -> RealisticAdversarialPair? {
        guard let box = try? Box.linf(center: x, radius: eps), box.contains(xPrime) else { return nil }
        let logits = experiment.logits(classIndex: c, noise: x)
        let adversarialLogits = experiment.logits(classIndex: c, noise: xPrime)
        let network = experiment.networks[c]!
        guard case .decided(.class(c), _) = network.checkedClassification(x),
              case .decided(let reached, _) = network.checkedClassification(xPrime) else { return nil }
        switch target {
        case .anyOther: guard !reached.isClass(c) else { return nil }
        case .label(let t): guard reached.isClass(t) else { return nil }
        }
        let adversarialPrediction: Int
        switch reached {
        case .class(let j): adversarialPrediction = j
        case .tie(let classes): adversarialPrediction = classes.first { $0 != c } ?? classes[0]
        }
        let image = experiment.image(classIndex: c, noise: x)
        let adversarialImage = experiment.image(classIndex: c, noise: xPrime)
        func distance(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }
        return RealisticAdversarialPair(
            classIndex: c, target: target, method: method, eps: eps, sampleIndex: sampleIndex,
            noise: x, adversarialNoise: xPrime, image: image, adversarialImage: adversarialImage,
            logits: logits, adversarialLogits: adversarialLogits,
            prediction: c, adversarialPrediction: adversarialPrediction, isTie: reached.classIndex == nil,
            margin: logits.margin(of: c), adversarialMargin: adversarialLogits.margin(of: c),
            noiseDistance: distance(x, xPrime), imageDistance: distance(image, adversarialImage),
            samplesTried: samplesTried, seconds: seconds, evaluations: effort.evaluations, gradients: effort.gradients)
    }

    enum CodingKeys: String, CodingKey {
        case target, method, eps, noise, image, logits, prediction, margin, seconds, evaluations, gradients
        case classIndex = "class"
        case sampleIndex = "sample_index"
        case adversarialNoise = "adversarial_noise"
        case adversarialImage = "adversarial_image"
        case adversarialLogits = "adversarial_logits"
        case adversarialPrediction = "adversarial_prediction"
        case isTie = "adversarial_tie"
        case adversarialMargin = "adversarial_margin"
        case noiseDistance = "noise_distance"
        case imageDistance = "image_distance"
        case samplesTried = "samples_tried"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(classIndex, forKey: .classIndex)
        try container.encode(target.description, forKey: .target)
        try container.encode(method.rawValue, forKey: .method)
        try container.encode(eps, forKey: .eps)
        try container.encode(sampleIndex, forKey: .sampleIndex)
        try container.encode(noise, forKey: .noise)
        try container.encode(adversarialNoise, forKey: .adversarialNoise)
        try container.encode(image, forKey: .image)
        try container.encode(adversarialImage, forKey: .adversarialImage)
        try container.encode(logits, forKey: .logits)
        try container.encode(adversarialLogits, forKey: .adversarialLogits)
        try container.encode(prediction, forKey: .prediction)
        try container.encode(adversarialPrediction, forKey: .adversarialPrediction)
        try container.encode(isTie, forKey: .isTie)
        try container.encode(margin, forKey: .margin)
        try container.encode(adversarialMargin, forKey: .adversarialMargin)
        try container.encode(noiseDistance, forKey: .noiseDistance)
        try container.encode(imageDistance, forKey: .imageDistance)
        try container.encode(samplesTried, forKey: .samplesTried)
        try container.encode(seconds, forKey: .seconds)
        try container.encode(evaluations, forKey: .evaluations)
        try container.encode(gradients, forKey: .gradients)
    }
}
