/// Which output activation a generator is loaded with: the file's own, or its twin.
///
/// A GAN generator usually ends in `c·tanh(h) + d` (PyTorch `0.5 * torch.tanh(h) + 0.5`,
/// exported as `Tanh, Mul, Add`): sound bounds handle it, but no exact encoding does. Its
/// piecewise-linear twin is the hard tanh
///
/// ```
/// c·clip(h, -1, 1) + d  =  clip(c·h + d, d - |c|, d + |c|)
/// ```
///
/// (exported as `Mul, Add, Clip`, e.g. `(0.5 * h + 0.5).clamp(0, 1)`). One file holds one of
/// the two; the loader makes the other by rewriting the chain's last nodes before lowering,
/// so every weight stays the file's:
///
/// - ``tanh``: the chain must end in `[Mul(c)] [Add(d)] Clip(lo, hi)` with scalar constants,
///   `c ≠ 0`, and `lo = d - |c|`, `hi = d + |c|` exactly (an absent `Mul` is `c = 1`, an absent
///   `Add` is `d = 0`): the clip is then exactly the hard tanh after its rescale. Loaded as
///   `Tanh, [Mul(c)], [Add(d)]`, the nodes and order of the tanh export, so the network is
///   the one its tanh file would load.
/// - ``hardTanh``: the chain's last activation must be `Tanh`; loaded with `Clip(-1, 1)` in its
///   place, which is the hard tanh exactly, whatever rescale follows.
public enum OutputActivation: String, Sendable, Equatable, CaseIterable {
    /// As the file computes.
    case file
    /// The file's hard tanh replaced by tanh.
    case tanh
    /// The file's tanh replaced by the hard tanh `clip(·, -1, 1)`.
    case hardTanh = "hard-tanh"
}
