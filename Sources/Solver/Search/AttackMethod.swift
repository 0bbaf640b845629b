import Encoding
import Network

/// Which attack the exact pipeline's "attack" step runs on the whole box.
public enum AttackMethod: String, Sendable, Equatable, CaseIterable {
    /// Projected gradient descent (``GradientAttack``), the default.
    case gradient
    /// Black-box random local search (``RandomSearchAttack``).
    case random
    /// The gradient attack, then random search when it found nothing.
    case both
}

/// The pipeline's whole-box attack step for the configured method. Attacks on split nodes
/// stay the gradient attack (`nodeAttack`). Every returned point reaches the unsafe set of
/// `property` (ties count) in the plain float forward pass; the pipeline re-checks it anyway.
enum AttackStep {
    static func run(network: NeuralNetwork, box: Box, property: OutputProperty,
                    method: AttackMethod, gradient: AttackConfiguration, random: RandomSearchConfiguration,
                    threads: Int = 1) -> [Double]? {
        func randomSearch() -> [Double]? {
            var seeded = random
            seeded.seed = random.seed ^ UInt64(truncatingIfNeeded: box.dimension &* 0x9E37)
            return RandomSearchAttack.search(network: network, box: box, goal: AttackGoal(property: property, strict: false),
                                             configuration: seeded).point
        }
        switch method {
        case .gradient: return GradientAttack.run(network: network, box: box, property: property, configuration: gradient, threads: threads)
        case .random: return randomSearch()
        case .both:
            return GradientAttack.run(network: network, box: box, property: property, configuration: gradient, threads: threads) ?? randomSearch()
        }
    }
}
