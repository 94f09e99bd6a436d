extension GaussianMixture {
    /// Runs the density kernel over `samples`, checking their shape and values first.
    private func withLogDensities(
        _ samples: Matrix,
        _ body: (_ row: Int, _ logDensities: UnsafeMutablePointer<Double>) -> Void
    ) throws {
        guard samples.columnCount == dimension else {
            throw EMError.dimensionMismatch(expected: dimension, actual: samples.columnCount)
        }
        if let index = samples.elements.firstIndex(where: { !$0.isFinite }) {
            throw EMError.nonFiniteValue(
                row: index / samples.columnCount, column: index % samples.columnCount, value: samples.elements[index])
        }
        guard samples.rowCount > 0 else { return }
        let k = componentCount
        samples.elements.withUnsafeBufferPointer { buffer in
            forEachBlockLogDensities(buffer.baseAddress.unsafelyUnwrapped, count: samples.rowCount) { start, n, logDensities in
                for b in 0..<n { body(start + b, logDensities + b * k) }
            }
        }
    }

    /// The log-density `log p(xᵢ)` of each row under the mixture (nats), `[N]`.
    ///
    /// - Throws: `EMError.dimensionMismatch`, `EMError.nonFiniteValue`.
    public func logLikelihoods(_ samples: Matrix) throws -> [Double] {
        var result = [Double](repeating: 0, count: samples.rowCount)
        try withLogDensities(samples) { n, logDensities in
            result[n] = logSumExp(logDensities, count: componentCount).logSum
        }
        return result
    }

    /// The mean log-likelihood per sample (nats), weighted by `sampleWeights` when given.
    ///
    /// - Throws: `EMError.noSamples` for no rows, and as `logLikelihoods(_:)`.
    public func score(_ samples: Matrix, sampleWeights: [Double]? = nil) throws -> Double {
        let data = try RowDataset(samples, sampleWeights: sampleWeights)
        var scoring = self
        scoring.fitSettings.assignment = .soft
        scoring.fitSettings.degeneracyPolicy = .fail
        let likelihood = try ExpectationMaximization.expectation(scoring, on: data).likelihood
        return likelihood.logLikelihood / likelihood.sampleWeight
    }

    /// The posterior probability of each component for each row (the responsibilities), `N × K`;
    /// each row sums to 1.
    ///
    /// - Throws: `EMError.dimensionMismatch`, `EMError.nonFiniteValue`.
    public func predictProbabilities(_ samples: Matrix) throws -> Matrix {
        let k = componentCount
        var result = Matrix(rowCount: samples.rowCount, columnCount: k)
        try withLogDensities(samples) { n, logDensities in
            let logSum = logSumExp(logDensities, count: k).logSum
            for c in 0..<k { result[n, c] = _exp(logDensities[c] - logSum) }
        }
        return result
    }

    /// The most probable component of each row (the hard assignment), `[N]`, 0-based.
    ///
    /// - Throws: `EMError.dimensionMismatch`, `EMError.nonFiniteValue`.
    public func predict(_ samples: Matrix) throws -> [Int] {
        var result = [Int](repeating: 0, count: samples.rowCount)
        try withLogDensities(samples) { n, logDensities in
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

    /// `count` samples drawn from the mixture, with the component each came from.
    ///
    /// Each sample picks component k with probability πₖ, then draws `μₖ + Lₖ z`, with
    /// `Σₖ = Lₖ Lₖᵀ` and z standard normal.
    ///
    /// - Returns: a `count × d` matrix and `[count]` component indices.
    public func sample(
        count: Int, using generator: inout some RandomNumberGenerator
    ) -> (samples: Matrix, components: [Int]) {
        precondition(count >= 0, "sample count must be non-negative")
        let d = dimension
        let factors = covariances.map { sigma -> [Double] in
            // The covariances passed validation, so they factorise; fall back to the diagonal
            // square roots if rounding ever makes one fail.
            Cholesky(symmetric: sigma.elements, dimension: d)?.lower
                ?? (0..<(d * d)).map { $0 % (d + 1) == 0 ? sigma.elements[$0].squareRoot() : 0 }
        }
        var cumulative: [Double] = []
        var running = 0.0
        for w in weights {
            running += w
            cumulative.append(running)
        }
        var result = Matrix(rowCount: count, columnCount: d)
        var components = [Int](repeating: 0, count: count)
        var z = [Double](repeating: 0, count: d)
        for n in 0..<count {
            let u = Double.random(in: 0..<running, using: &generator)
            let c = cumulative.firstIndex { u < $0 } ?? (componentCount - 1)
            components[n] = c
            for j in 0..<d { z[j] = generator.nextStandardNormal() }
            let l = factors[c]
            for i in 0..<d {
                var value = means[c, i]
                for j in 0...i { value += l[i * d + j] * z[j] }
                result[n, i] = value
            }
        }
        return (result, components)
    }
}
