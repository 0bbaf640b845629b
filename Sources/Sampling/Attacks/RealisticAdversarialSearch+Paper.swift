// The attack settings of Fijalkow and Gupta ("Verification of Neural Networks: Specifying
// Global Robustness using Generative Models", 2019), for reproducing their Figure 3.

extension RealisticAdversarialSearch {
    /// The paper's number of gradient steps, `N_step`.
    public static let paperSteps = 16

    /// A search with the paper's settings for `method` (``applyPaperPreset()``).
    public static func paper(classIndex: Int, target: AdversarialTarget = .anyOther,
                             method: RealisticAttackMethod) -> RealisticAdversarialSearch {
        var search = RealisticAdversarialSearch(classIndex: classIndex, target: target, method: method)
        search.applyPaperPreset()
        return search
    }

    /// Sets the per-sample budget to the paper's; leaves class, target, eps, samples, start,
    /// seed and the wall-clock cap alone.
    ///
    /// White box (the paper's Algorithm 2: gradient ascent on the loss of `C∘G` in noise
    /// space, one start at the sample's own noise `x`):
    ///
    /// ```
    /// x_0 = x,   x_{t+1} = Proj_{||. - x||_inf <= eps}( x_t - alpha · sign(∇ m(x_t)) ),   t < N_step
    /// N_step = 16,   alpha = eps / N_step        (m: the margin y_c - max_{j != c} y_j)
    /// ```
    ///
    /// so `steps = 16`, `restarts = 1` and `stepSize = nil` (the search's own `eps / steps`,
    /// which follows the eps of the run).
    ///
    /// Black box (random local search, forward passes only): the paper does not state a budget
    /// that we could check, so the preset gives it the white-box budget in steps: one start at
    /// `x`, `steps = 16`, `candidates = 8` random moves per step, `restarts = 1`.
    public mutating func applyPaperPreset() {
        steps = Self.paperSteps
        restarts = 1
        stepSize = nil
        if method == .blackbox { candidates = 8 }
    }

    /// The white-box step length a run with radius `eps` uses: `stepSize`, or `eps / steps`.
    public func gradientStepSize(eps radius: Double) -> Double {
        stepSize ?? radius / Double(max(steps, 1))
    }
}
