// How a decided sample was decided, as the `method` word of a results file.

import Solver

/// The `method` of a decided sample: how ROBUST was proved (``ProofMethod``) or where the
/// NOT ROBUST counterexample came from (``CounterexampleSource``). The raw value is the word
/// in results files; `smt` is both a proof (a Z3 `unsat` leaf) and a source (a Z3 model), and
/// the record's `verdict` says which.
///
/// Every build has written exactly these five words (`git log -S` over ProofMethod and
/// CounterexampleSource), so a results file with another word is refused, not guessed.
public enum SampleMethod: String, Sendable, Hashable, Codable, CaseIterable {
    case bounds, split, smt, center, attack

    /// The word of a proof method.
    public init(_ proof: ProofMethod) {
        switch proof {
        case .bounds: self = .bounds
        case .split: self = .split
        case .smt: self = .smt
        }
    }

    /// The word of a counterexample source.
    public init(_ source: CounterexampleSource) {
        switch source {
        case .center: self = .center
        case .attack: self = .attack
        case .smt: self = .smt
        }
    }
}
