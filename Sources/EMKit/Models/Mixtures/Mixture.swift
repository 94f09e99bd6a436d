/// What every fitted mixture offers once it can compute weighted log-densities: predictions,
/// responsibilities, scores and information criteria, written once for all families.
public protocol Mixture: Sendable {
    /// The number of components K.
    var componentCount: Int { get }
    /// The number of values per row.
    var dimension: Int { get }
    /// The number of free parameters.
    var parameterCount: Int { get }

    /// Checks `samples` (shape and values) and calls `body` for each row with its index and the
    /// weighted log-densities `log πₖ + log fₖ(x)`, `[K]`.
    ///
    /// - Throws: `EMError.dimensionMismatch`, `EMError.nonFiniteValue`, `EMError.invalidObservation`.
    func forEachWeightedLogDensity(
        of samples: Matrix, _ body: (_ row: Int, _ logDensities: UnsafeMutablePointer<Double>) -> Void
    ) throws
}

extension Mixture {
    /// Checks the shape and finiteness of `samples`; with `allowingMissing`, NaN (a missing
    /// value) passes and only infinities are refused.
    func checkShape(_ samples: Matrix, allowingMissing: Bool = false) throws {
        guard samples.columnCount == dimension else {
            throw EMError.dimensionMismatch(expected: dimension, actual: samples.columnCount)
        }
        if let index = samples.elements.firstIndex(where: { allowingMissing ? $0.isInfinite : !$0.isFinite }) {
            throw EMError.nonFiniteValue(
                row: index / samples.columnCount, column: index % samples.columnCount, value: samples.elements[index])
        }
    }

    /// The log-density `log p(xᵢ)` of each row under the mixture (nats), `[N]`.
    ///
    /// - Throws: `EMError.dimensionMismatch`, `EMError.nonFiniteValue`, `EMError.invalidObservation`.
    public func logLikelihoods(_ samples: Matrix) throws -> [Double] {
        var result = [Double](repeating: 0, count: samples.rowCount)
        try forEachFiniteLogSum(of: samples) { n, _, logSum in result[n] = logSum }
        return result
    }

    /// Calls `body` with each row's weighted log-densities and their log-sum-exp, after the whole
    /// pass throws `EMError.zeroDensity` for the first row whose log-sum is not finite (a density
    /// of 0 under every component, or one too large to represent), so that no NaN or ±∞ is ever
    /// passed off as a result.
    func forEachFiniteLogSum(
        of samples: Matrix, _ body: (_ row: Int, _ logDensities: UnsafeMutablePointer<Double>, _ logSum: Double) -> Void
    ) throws {
        var impossibleRow: Int? = nil
        try forEachWeightedLogDensity(of: samples) { n, logDensities in
            let logSum = logSumExp(logDensities, count: componentCount).logSum
            if !logSum.isFinite {
                if impossibleRow == nil { impossibleRow = n }
                return
            }
            body(n, logDensities, logSum)
        }
        if let row = impossibleRow { throw EMError.zeroDensity(row: row) }
    }

    /// The mean log-likelihood per sample (nats), weighted by `sampleWeights` when given.
    ///
    /// - Throws: `EMError.noSamples` for no rows (or no weight), and as `logLikelihoods(_:)`.
    public func score(_ samples: Matrix, sampleWeights: [Double]? = nil) throws -> Double {
        let values = try logLikelihoods(samples)
        let weights = sampleWeights ?? Array(repeating: 1, count: values.count)
        guard weights.count == values.count else {
            throw EMError.invalidParameter(
                name: "sampleWeights", value: "\(weights.count) values", expected: "one weight per row (\(values.count))")
        }
        let total = weights.reduce(0, +)
        guard total > 0 else { throw EMError.noSamples }
        var sum = 0.0
        for (value, weight) in zip(values, weights) where weight > 0 { sum += weight * value }
        return sum / total
    }

    /// The posterior probability of each component for each row (the responsibilities), `N × K`;
    /// each row sums to 1.
    ///
    /// - Throws: as `logLikelihoods(_:)`.
    public func predictProbabilities(_ samples: Matrix) throws -> Matrix {
        let k = componentCount
        var result = Matrix(rowCount: samples.rowCount, columnCount: k)
        try forEachFiniteLogSum(of: samples) { n, logDensities, logSum in
            for c in 0..<k { result[n, c] = _exp(logDensities[c] - logSum) }
        }
        return result
    }

    /// The most probable component of each row (the hard assignment), `[N]`, 0-based.
    ///
    /// - Throws: as `logLikelihoods(_:)`.
    public func predict(_ samples: Matrix) throws -> [Int] {
        var result = [Int](repeating: 0, count: samples.rowCount)
        try forEachFiniteLogSum(of: samples) { n, logDensities, _ in
            result[n] = logSumExp(logDensities, count: componentCount).argmax
        }
        return result
    }

    /// Bayesian information criterion `−2 log L + p log N` on `samples` (lower is better).
    ///
    /// - Throws: as `score(_:sampleWeights:)`.
    public func bic(_ samples: Matrix) throws -> Double {
        -2 * (try score(samples)) * Double(samples.rowCount) + Double(parameterCount) * _log(Double(samples.rowCount))
    }

    /// Akaike information criterion `−2 log L + 2p` on `samples` (lower is better).
    ///
    /// - Throws: as `score(_:sampleWeights:)`.
    public func aic(_ samples: Matrix) throws -> Double {
        -2 * (try score(samples)) * Double(samples.rowCount) + 2 * Double(parameterCount)
    }
}

/// The canonical order of a mixture's components: descending weight, ties by ascending
/// `tieKeys` (the first coordinate of the mean, or the family's `orderingKey`), then by index,
/// so that equal fits give equal labels.
func canonicalComponentOrder(weights: [Double], tieKeys: [Double]) -> [Int] {
    weights.indices.sorted { a, b in
        if weights[a] != weights[b] { return weights[a] > weights[b] }
        if tieKeys[a] != tieKeys[b] { return tieKeys[a] < tieKeys[b] }
        return a < b
    }
}
