// Excluding a conjunction of linear lower bounds over a box by LP duality, without a solver.

/// Whether no point of a box satisfies every row `Λ_r · x + c_r <= 0` (r = 1..m).
///
/// Each row is a sound linear lower bound of one unsafe atom (``BoundResult/inputCoefficients``,
/// ``BoundResult/inputConstants``), so if the rows cannot all be `<= 0` together, the
/// conjunction of atoms is unreachable on the box. By LP duality (Farkas), the rows are
/// jointly infeasible on the box exactly when some weights `λ >= 0` give
///
/// ```
/// g(λ) = min_{x in box} Σ_r λ_r (Λ_r · x + c_r)
///      = Σ_r λ_r c_r + Σ_i min(a_i l_i, a_i u_i),   a = Σ_r λ_r Λ_r,
/// ```
///
/// `g(λ) > 0` (at any `x` some row with `λ_r > 0` is positive). `g` is concave and piecewise
/// linear; it is maximised over the simplex `Σ λ_r = 1` by projected supergradient ascent in
/// plain floating point (the supergradient is `∂g/∂λ_r = c_r + Λ_r · x*(λ)` with `x*_i = l_i`
/// when `a_i > 0`, else `u_i`). Only the final check is made sound: `a_i` is enclosed in
/// `[RD(Σ λ_r Λ_ri), RU(Σ λ_r Λ_ri)]` by directed rounding, each `a_i x_i` term is bounded below
/// by the smallest of the four corner products rounded down, and the sum is rounded down. A
/// certificate whose sound value is `> 0` proves exclusion; the search may fail to find one (it
/// never claims exclusion wrongly), and the caller may then ask an exact LP.
public enum ConjunctionExclusion {
    /// The outcome of the search: the best weights and their float value `g(λ)`.
    public struct Search: Sendable {
        public var weights: [Double]
        /// `g` at `weights` in plain floating point (an estimate of the LP optimum from below).
        public var value: Double
        /// Sound lower bound of `g(weights)`; `> 0` proves the conjunction unreachable.
        public var certifiedValue: Double
        public var excludes: Bool { certifiedValue > 0 }
    }

    /// Searches weights for rows `(Λ_r, c_r)` over the box `[lower, upper]`.
    public static func search(lower: [Double], upper: [Double],
                              rows: [(coefficients: [Double], constant: Double)], iterations: Int = 120) -> Search {
        let m = rows.count
        precondition(m >= 1, "at least one row")
        var weights = [Double](repeating: 1 / Double(m), count: m)
        var best = weights
        var bestValue = -Double.infinity
        // The step is scaled to the rows' magnitude: |c_r| + Σ_i |Λ_ri| (u_i - l_i).
        var scale = 0.0
        for row in rows {
            var magnitude = abs(row.constant)
            for i in lower.indices { magnitude += abs(row.coefficients[i]) * (upper[i] - lower[i]) }
            scale = max(scale, magnitude)
        }
        for iteration in 0..<iterations {
            let (value, supergradient) = evaluate(weights, lower: lower, upper: upper, rows: rows)
            if value > bestValue { bestValue = value; best = weights }
            if value > 0 { break }
            // Polyak's step towards the target value `+tiny` (we only need g > 0):
            // λ <- P(λ + (target - g) / |s|² · s), with s projected onto the simplex's plane.
            let mean = supergradient.reduce(0, +) / Double(m)
            let direction = supergradient.map { $0 - mean }
            let norm = direction.reduce(0) { $0 + $1 * $1 }
            guard norm > 0 else { break }
            let target = HeuristicTolerances.dualMargin * max(scale, HeuristicTolerances.scaleFloor)
            let step = (target - value) / norm
            _ = iteration
            for r in 0..<m { weights[r] += step * direction[r] }
            weights = projectOntoSimplex(weights)
        }
        if bestValue <= 0, let vertex = bestVertex(lower: lower, upper: upper, rows: rows), vertex.value > bestValue {
            (best, bestValue) = vertex
        }
        return Search(weights: best, value: bestValue, certifiedValue: certifiedValue(best, lower: lower, upper: upper, rows: rows))
    }

    /// `max_r (Λ_r · x + c_r)` at the best of a few box vertices `x` (in plain floating
    /// point): the vertex minimising each row, and the one minimising their sum. A value
    /// clearly below zero shows a point of the box where every row is negative, so the LP is
    /// feasible and no dual certificate exists: callers skip ``search(lower:upper:rows:iterations:)``
    /// (measured on ACAS Xu property 2: the search costs about 10% of a sub-box and almost
    /// never succeeds). Only used to save work, never to claim exclusion.
    public static func bestVertexWitness(lower: [Double], upper: [Double],
                                         rows: [(coefficients: [Double], constant: Double)]) -> Double {
        let n = lower.count
        var directions = rows.map(\.coefficients)
        directions.append((0..<n).map { i in rows.reduce(0) { $0 + $1.coefficients[i] } })
        var best = Double.infinity
        for direction in directions {
            let vertex = (0..<n).map { direction[$0] > 0 ? lower[$0] : upper[$0] }
            var worst = -Double.infinity
            for row in rows {
                var value = row.constant
                for i in 0..<n { value += row.coefficients[i] * vertex[i] }
                worst = max(worst, value)
            }
            best = min(best, worst.isNaN ? .infinity : worst)
        }
        return best
    }

    /// The largest `g` over the vertices of the dual's piecewise-linear structure.
    ///
    /// `g` is linear on each cell of the arrangement of the hyperplanes `λ_r = 0` and
    /// `a_i(λ) = Σ_r λ_r Λ_ri = 0` inside the simplex, so its maximum is attained at a point
    /// where `m - 1` of these hyperplanes meet the plane `Σ λ_r = 1`. Every such choice is an
    /// `m x m` linear system; the feasible solutions (`λ >= 0`) are evaluated and the best is
    /// kept. Exact up to rounding (the certificate is checked soundly afterwards), and cheap for
    /// the few atoms of a conjunction: at most `binomial(m + n, m - 1)` systems, and nil when
    /// that exceeds `maxSystems`.
    public static func bestVertex(lower: [Double], upper: [Double], rows: [(coefficients: [Double], constant: Double)],
                           maxSystems: Int = 4_000) -> (weights: [Double], value: Double)? {
        let m = rows.count, n = lower.count
        guard m >= 2 else { return nil }
        var hyperplanes: [[Double]] = (0..<m).map { r in (0..<m).map { $0 == r ? 1 : 0 } }
        for i in 0..<n where upper[i] > lower[i] { hyperplanes.append(rows.map { $0.coefficients[i] }) }
        let k = m - 1
        guard binomial(hyperplanes.count, k) <= maxSystems else { return nil }
        var best: (weights: [Double], value: Double)?
        var choice = Array(0..<k)
        while true {
            var matrix = choice.map { hyperplanes[$0] } + [[Double](repeating: 1, count: m)]
            var rhs = [Double](repeating: 0, count: k) + [1]
            if var weights = solve(&matrix, &rhs), weights.allSatisfy({ $0 >= -HeuristicTolerances.vertexWeightSlack }) {
                weights = weights.map { max($0, 0) }
                let (value, _) = evaluate(weights, lower: lower, upper: upper, rows: rows)
                if best == nil || value > best!.value { best = (weights, value) }
            }
            // Next combination in lexicographic order.
            var position = k - 1
            while position >= 0, choice[position] == hyperplanes.count - k + position { position -= 1 }
            if position < 0 { break }
            choice[position] += 1
            for j in (position + 1)..<k { choice[j] = choice[j - 1] + 1 }
        }
        return best
    }

    static func binomial(_ n: Int, _ k: Int) -> Int {
        guard k >= 0, k <= n else { return 0 }
        var result = 1
        for j in 0..<min(k, n - k) {
            result = result * (n - j) / (j + 1)
            if result > 1 << 40 { return result }
        }
        return result
    }

    /// Gaussian elimination with partial pivoting; nil when (nearly) singular.
    static func solve(_ a: inout [[Double]], _ b: inout [Double]) -> [Double]? {
        let size = b.count
        for column in 0..<size {
            var pivot = column
            for row in (column + 1)..<size where abs(a[row][column]) > abs(a[pivot][column]) { pivot = row }
            let scale = a[pivot].reduce(0) { max($0, abs($1)) }
            guard abs(a[pivot][column]) > HeuristicTolerances.relativePivot * max(scale, HeuristicTolerances.scaleFloor) else { return nil }
            a.swapAt(column, pivot)
            b.swapAt(column, pivot)
            for row in (column + 1)..<size {
                let factor = a[row][column] / a[column][column]
                if factor == 0 { continue }
                for j in column..<size { a[row][j] -= factor * a[column][j] }
                b[row] -= factor * b[column]
            }
        }
        var x = [Double](repeating: 0, count: size)
        for row in stride(from: size - 1, through: 0, by: -1) {
            var total = b[row]
            for j in (row + 1)..<size { total -= a[row][j] * x[j] }
            x[row] = total / a[row][row]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }

    /// `g(λ)` and a supergradient, in plain floating point.
    static func evaluate(_ weights: [Double], lower: [Double], upper: [Double],
                         rows: [(coefficients: [Double], constant: Double)]) -> (Double, [Double]) {
        let n = lower.count
        var a = [Double](repeating: 0, count: n)
        var value = 0.0
        for (weight, row) in zip(weights, rows) where weight != 0 {
            value += weight * row.constant
            for i in 0..<n { a[i] += weight * row.coefficients[i] }
        }
        let corner = (0..<n).map { a[$0] > 0 ? lower[$0] : upper[$0] }
        for i in 0..<n { value += a[i] * corner[i] }
        let supergradient = rows.map { row -> Double in
            var total = row.constant
            for i in 0..<n { total += row.coefficients[i] * corner[i] }
            return total
        }
        return (value, supergradient)
    }

    /// A sound lower bound of `g(λ)` (see the type's documentation).
    public static func certifiedValue(_ weights: [Double], lower: [Double], upper: [Double],
                                      rows: [(coefficients: [Double], constant: Double)]) -> Double {
        var total = 0.0
        for (weight, row) in zip(weights, rows) where weight != 0 {
            guard weight > 0 else { return -.infinity }
            total = DirectedRounding.addDown(total, DirectedRounding.mulDown(weight, row.constant))
        }
        for i in lower.indices {
            var aLow = 0.0, aHigh = 0.0
            for (weight, row) in zip(weights, rows) where weight != 0 {
                aLow = DirectedRounding.addDown(aLow, DirectedRounding.mulDown(weight, row.coefficients[i]))
                aHigh = DirectedRounding.addUp(aHigh, DirectedRounding.mulUp(weight, row.coefficients[i]))
            }
            let corners = [DirectedRounding.mulDown(aLow, lower[i]), DirectedRounding.mulDown(aLow, upper[i]),
                           DirectedRounding.mulDown(aHigh, lower[i]), DirectedRounding.mulDown(aHigh, upper[i])]
            total = DirectedRounding.addDown(total, corners.min()!)
        }
        return total.isNaN ? -.infinity : total
    }

    /// Euclidean projection onto `{λ : λ >= 0, Σ λ = 1}` (sort-based; Held, Wolfe and Crowder).
    static func projectOntoSimplex(_ v: [Double]) -> [Double] {
        let sorted = v.sorted(by: >)
        var cumulative = 0.0
        var theta = 0.0
        for (k, value) in sorted.enumerated() {
            cumulative += value
            let candidate = (cumulative - 1) / Double(k + 1)
            if value - candidate > 0 { theta = candidate }
        }
        return v.map { max($0 - theta, 0) }
    }
}
