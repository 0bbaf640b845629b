import Encoding
import Network
import Solver

/// A realistic adversarial example: two noises of class `c` at L-infinity distance `<= eps`
/// whose generated images `G_c(x)`, `G_c(x')` the classifier labels differently.
///
/// Validated by the plain float forward pass before it is returned
/// (``RealisticAdversarialPair/validate(in:)``): `x` is classified `c` alone
/// (`margin > 0`), `x'` lies in the eps-box around `x`, and `x'` reaches the target
/// (``AdversarialTarget``): for `any`, `adversarialMargin = y'_c - max_{j != c} y'_j <= 0`
/// (a tie counts, as in the exact pipeline); for a class `t`, `argmax y' = t` alone.
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
    /// Argmax of the logits (ties to the lowest index).
    public var prediction: Int
    public var adversarialPrediction: Int
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

    /// `x'` reaches the target with a tie (`any` only): reported, as the pipeline counts it.
    public var isTie: Bool { adversarialMargin == 0 }

    /// Recomputes everything from the two noises by the plain float forward pass and checks
    /// the definition; `nil` when the pair is not a realistic adversarial example.
    public static func validated(
        in experiment: LoadedExperiment, classIndex c: Int, target: AdversarialTarget, method: RealisticAttackMethod,
        eps: Double, sampleIndex: Int, noise x: [Double], adversarialNoise xPrime: [Double],
        samplesTried: Int, seconds: Double, effort: AttackEffort
    ) -> RealisticAdversarialPair? {
        guard let box = try? Box.linf(center: x, radius: eps), box.contains(xPrime) else { return nil }
        let logits = experiment.logits(classIndex: c, noise: x)
        let adversarialLogits = experiment.logits(classIndex: c, noise: xPrime)
        guard logits.margin(of: c) > 0, target.isReached(trueClass: c, logits: adversarialLogits) else { return nil }
        let image = experiment.image(classIndex: c, noise: x)
        let adversarialImage = experiment.image(classIndex: c, noise: xPrime)
        func distance(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).map { abs($0 - $1) }.max() ?? 0 }
        return RealisticAdversarialPair(
            classIndex: c, target: target, method: method, eps: eps, sampleIndex: sampleIndex,
            noise: x, adversarialNoise: xPrime, image: image, adversarialImage: adversarialImage,
            logits: logits, adversarialLogits: adversarialLogits,
            prediction: logits.argmax, adversarialPrediction: adversarialLogits.argmax,
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
