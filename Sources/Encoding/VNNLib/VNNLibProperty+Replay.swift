// Whether a candidate input violates the EXACT property: exact atoms, exact network outputs.

import Network

/// What exact replay says about one input.
public enum VNNLibReplay: Sendable, Equatable {
    /// The input and its exact outputs satisfy every atom of disjunct `disjunct` (0-based).
    case violated(disjunct: Int)
    /// Every disjunct has an atom that the input and its exact outputs violate.
    case notViolated
    /// Some atom could not be decided because the output enclosure straddles it (only for
    /// networks with tanh or sigmoid layers, or a batch normalisation factor's enclosure),
    /// and no disjunct is surely violated.
    case undecided
}

extension VNNLibProperty {
    /// Replays `input` through `network` in exact arithmetic
    /// (``NeuralNetwork/exactOutputEnclosure(_:)``) and checks every atom exactly:
    ///
    /// ```
    /// atom a·x + b·y + c <= 0 over outputs y in [l, u]:
    ///   max = a·x + c + Σ_j b_j · (b_j > 0 ? u_j : l_j)  <= 0   ->  holds
    ///   min = a·x + c + Σ_j b_j · (b_j > 0 ? l_j : u_j)  >  0   ->  fails
    ///   otherwise undecided (never for piecewise-linear networks: l = u)
    /// ```
    /// - Precondition: `input.count == network.inputSize == inputCount`, finite values, and
    ///   `network.outputSize == outputCount`.
    ///
    /// A network with exact divisors (``EnclosedScale``) is replayed first with their dyadic
    /// enclosures (fast) and, only when that leaves the answer undecided, with the divisors.
    public func replay(network: NeuralNetwork, input: [Double]) -> VNNLibReplay {
        precondition(input.count == inputCount && network.inputSize == inputCount && network.outputSize == outputCount)
        if network.hasEnclosedScale {
            let quick = replay(outputs: network.exactOutputEnclosure(input, exactDivisors: false), input: input)
            if quick != .undecided { return quick }
        }
        return replay(outputs: network.exactOutputEnclosure(input), input: input)
    }

    private func replay(outputs: [ExactInterval], input: [Double]) -> VNNLibReplay {
        let x = input.map { ExactRational($0) }
        var undecided = false
        for (k, atoms) in disjuncts.enumerated() {
            var fails = false
            var open = false
            for atom in atoms {
                var low = atom.constant
                for (i, a) in atom.inputCoefficients where i < x.count { low = low + a * x[i] }
                var high = low
                for (j, b) in atom.outputCoefficients where j < outputs.count {
                    low = low + b * (b.signum > 0 ? outputs[j].lower : outputs[j].upper)
                    high = high + b * (b.signum > 0 ? outputs[j].upper : outputs[j].lower)
                }
                if low.signum > 0 {
                    fails = true
                    break
                }
                if high.signum > 0 { open = true }
            }
            if fails { continue }
            if !open { return .violated(disjunct: k) }
            undecided = true
        }
        return undecided ? .undecided : .notViolated
    }

    /// An input that violates the EXACT property, found from a candidate that the solver
    /// found in the enlarged sets (``inputRegions()``, ``enlargedOutputAtom(_:)``), or `nil`.
    ///
    /// Tried in order: the candidate itself, then, for each disjunct, the candidate clamped
    /// into that disjunct's inner `Double` box `[RU(lower), RD(upper)]` (the largest box of
    /// `Double`s inside the exact bounds: a candidate on the outward-rounded face of the
    /// enlarged box moves by one ulp onto the exact set). A point is accepted only when
    /// BOTH its exact replay (``replay(network:input:)``) and its plain float forward pass
    /// (``isViolated(inputs:outputs:)`` on `network.evaluate`, checked exactly) violate the
    /// exact property, so the reported input and outputs satisfy the file's constraints as
    /// written. A point that satisfies only the enlarged sets is never returned. As
    /// everywhere in the parser, `<`/`>` are read as their closure (`<=`/`>=`), so a
    /// returned point may lie on the boundary of a strict comparison.
    public func confirmedViolation(network: NeuralNetwork, candidate: [Double]) -> [Double]? {
        guard candidate.count == inputCount, candidate.allSatisfy(\.isFinite) else { return nil }
        var tried: [[Double]] = []
        func accepts(_ x: [Double]) -> Bool {
            if tried.contains(x) { return false }
            tried.append(x)
            guard case .violated = replay(network: network, input: x) else { return false }
            return isViolated(inputs: x, outputs: network.evaluate(x))
        }
        if accepts(candidate) { return candidate }
        for (k, atoms) in disjuncts.enumerated() {
            guard let bounds = try? exactBounds(atoms, number: k + 1) else { continue }
            var clamped = candidate
            var fits = true
            for i in 0..<inputCount {
                let low = bounds.lower[i].roundedUp, high = bounds.upper[i].roundedDown
                guard low <= high else {
                    fits = false
                    break
                }
                clamped[i] = Swift.min(Swift.max(candidate[i], low), high) + 0
            }
            if fits, accepts(clamped) { return clamped }
        }
        return nil
    }
}
