import Dispatch
import Encoding
import Network
import Solver
import Support

/// The attack used on each sample's eps-box.
public enum RealisticAttackMethod: String, Sendable, Equatable, CaseIterable {
    /// Forward passes only: ``RandomSearchAttack``.
    case blackbox
    /// Projected gradient descent with our reverse pass: ``GradientAttack``.
    case whitebox
}

/// Searches an experiment's own samples for a realistic adversarial example of class `c`.
///
/// For `i = start, start + 1, ...` (at most `samples` indices) it takes the experiment's
/// noise `x_i` of class `c` (``LoadedExperiment/noise(classIndex:sampleIndex:)``, the same
/// noises every robustness run uses), skips it when `C(G_c(x_i))` is not `c` alone, and
/// attacks the box `||x' - x_i||_inf <= eps` for the target. The first pair that passes
/// ``RealisticAdversarialPair/validated(in:classIndex:target:method:eps:sampleIndex:noise:adversarialNoise:samplesTried:seconds:effort:)``
/// is returned. Each sample's attack is seeded from (`seed`, `i`), so a sample's result does
/// not depend on `start`; budgets are counted (samples, steps, restarts), `seconds` is an
/// optional wall-clock cap on the whole search.
public struct RealisticAdversarialSearch: Sendable {
    public var classIndex: Int
    public var target: AdversarialTarget = .anyOther
    public var method: RealisticAttackMethod = .blackbox
    /// Radius in noise space; `nil` means the experiment's `eps`.
    public var eps: Double?
    /// Sample indices to visit, from ``startSample`` (fewer when a noises file ends first).
    public var samples = 100
    public var startSample = 0
    /// Steps per start (gradient steps, or random-search steps of ``candidates`` moves).
    public var steps = 100
    /// Starts per sample: the noise itself, then uniform points of its box.
    public var restarts = 5
    /// Random moves per step (black-box).
    public var candidates = 8
    /// Gradient step length (white-box); `nil` means `eps / steps`.
    public var stepSize: Double?
    /// Wall-clock cap of the whole search in seconds; `nil` means none.
    public var seconds: Double?
    public var seed: UInt64 = 0

    /// From this many parameters of `C∘G_c` on, the attacks evaluate in float32: the black-box
    /// search scores its candidates there
    /// (``RandomSearchAttack/search(network:box:goal:configuration:deadline:float32:)``: a
    /// step's few rows cost BLAS a pass over every weight, packing them, which float32 halves;
    /// paper-size pair, 1.6 M parameters: 2.1x faster, MNIST examples, 0.2 M: 1.3x) and the
    /// white-box descents run their forward and reverse passes there
    /// (``GradientAttack/search(network:box:goal:configuration:deadline:threads:float32:)``:
    /// matrix-vector products, bound by reading the weights). Below it (the digits models,
    /// 4 k) float32 gains nothing, and the float64 passes keep their searches.
    public static let float32Parameters = 100_000

    public init(classIndex: Int, target: AdversarialTarget = .anyOther, method: RealisticAttackMethod = .blackbox) {
        self.classIndex = classIndex
        self.target = target
        self.method = method
    }

    /// Why a search ended without a pair.
    public enum End: String, Sendable, Equatable {
        /// Every sample index of the budget was attacked.
        case samples
        /// The wall-clock cap stopped it.
        case timeLimit = "time limit"
    }

    /// The search's result. Not finding a pair is no claim of robustness.
    public enum Outcome: Sendable, Equatable {
        case found(RealisticAdversarialPair)
        /// `samplesTried` attacked, `samplesSkipped` centres not classified `c` alone.
        case notFound(samplesTried: Int, samplesSkipped: Int, seconds: Double, end: End)
    }

    /// Checks the request against the experiment; throws naming the field and the fix.
    public func validate(for experiment: LoadedExperiment) throws {
        let file = experiment.experiment.file ?? "experiment"
        func fail(_ place: String, _ problem: String, _ fix: String) -> ExperimentError {
            .invalidExperiment(file: file, place: "attack \(place)", problem: problem, fix: fix)
        }
        let classes = experiment.classes.map(String.init).joined(separator: ", ")
        guard experiment.networks[classIndex] != nil else {
            throw fail("class", "class \(classIndex) has no generator in this experiment", "choose one of \(classes)")
        }
        if case .label(let t) = target {
            guard t >= 0, t < experiment.outputCount else {
                throw fail("target", "class \(t) does not exist: the classifier has \(experiment.outputCount) outputs",
                           "choose a target in 0...\(experiment.outputCount - 1) or any")
            }
            guard t != classIndex else {
                throw fail("target", "the target \(t) is the attacked class itself", "choose another class or any")
            }
        }
        guard startSample < experiment.noises.capacity else {
            throw fail("start", "sample \(startSample) is past the \(experiment.noises.capacity) noises of the noises file",
                       "start below \(experiment.noises.capacity)")
        }
        let radius = eps ?? experiment.experiment.eps
        guard radius.isFinite, radius >= 0 else {
            throw fail("eps", "must be a finite number >= 0, got \(radius)", "give e.g. 0.05")
        }
        if let stepSize { guard stepSize.isFinite, stepSize > 0 else {
            throw fail("step size", "must be a positive number, got \(stepSize)", "give e.g. eps / steps")
        } }
        if let seconds { guard seconds > 0 else {
            throw fail("seconds", "must be positive, got \(seconds)", "give e.g. 60")
        } }
        guard samples >= 1, startSample >= 0, startSample <= Int.max - samples, steps >= 0, restarts >= 1, candidates >= 1 else {
            throw fail("budget", "samples, restarts and candidates must be >= 1, start and steps >= 0",
                       "give e.g. samples 100, steps 100, restarts 5")
        }
    }

    public func run(_ experiment: LoadedExperiment) throws -> Outcome {
        try validate(for: experiment)
        let started = DispatchTime.now()
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9 }
        let deadline = seconds.map { AttackDeadline.after(seconds: $0) } ?? .none
        let radius = eps ?? experiment.experiment.eps
        let network = experiment.networks[classIndex]!
        let float32 = network.parameterCount >= Self.float32Parameters ? Float32BatchPass(network) : nil
        let goal = target.goal(trueClass: classIndex, outputCount: experiment.outputCount)
        var tried = 0, skipped = 0
        for index in startSample..<min(startSample + samples, experiment.noises.capacity) {
            if deadline.hasPassed {
                return .notFound(samplesTried: tried, samplesSkipped: skipped, seconds: elapsed(), end: .timeLimit)
            }
            let x = experiment.noise(classIndex: classIndex, sampleIndex: index)
            guard experiment.logits(classIndex: classIndex, noise: x).margin(of: classIndex) > 0 else {
                skipped += 1
                continue
            }
            tried += 1
            let box = try Box.linf(center: x, radius: radius)
            let sampleSeed = SplitMix64.mix(seed ^ SplitMix64.mix(UInt64(index)))
            let outcome: AttackOutcome
            switch method {
            case .blackbox:
                let configuration = RandomSearchConfiguration(restarts: restarts, steps: steps, candidates: candidates, seed: sampleSeed)
                outcome = RandomSearchAttack.search(network: network, box: box, goal: goal, configuration: configuration,
                                                     deadline: deadline, float32: float32)
            case .whitebox:
                let step = gradientStepSize(eps: radius)
                let configuration = AttackConfiguration(restarts: restarts, steps: steps, seed: sampleSeed, stepSize: step)
                outcome = GradientAttack.search(network: network, box: box, goal: goal, configuration: configuration,
                                                 deadline: deadline, float32: float32)
            }
            if case .found(let point, _, let effort) = outcome,
               let pair = RealisticAdversarialPair.validated(
                   in: experiment, classIndex: classIndex, target: target, method: method, eps: radius,
                   sampleIndex: index, noise: x, adversarialNoise: point, samplesTried: tried, seconds: elapsed(), effort: effort) {
                return .found(pair)
            }
            if case .timeLimit = outcome {
                return .notFound(samplesTried: tried, samplesSkipped: skipped, seconds: elapsed(), end: .timeLimit)
            }
        }
        return .notFound(samplesTried: tried, samplesSkipped: skipped, seconds: elapsed(), end: .samples)
    }
}
