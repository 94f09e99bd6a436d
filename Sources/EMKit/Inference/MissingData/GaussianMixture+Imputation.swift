extension GaussianMixture {
    /// The rows of `samples` with every missing value (NaN) replaced by its conditional
    /// expectation under the mixture given the row's observed values,
    ///
    /// ```
    /// x̂_M = Σₖ rₖ(x_O) E[x_M | x_O, k],   rₖ(x_O) ∝ πₖ 𝒩(x_O | μₖ_O, Σₖ_OO)
    /// ```
    ///
    /// Observed values are kept exactly; a row with nothing observed gets the mixture's mean.
    ///
    /// - Throws: `EMError.dimensionMismatch`, `EMError.nonFiniteValue` for an infinite value.
    public func imputed(_ samples: Matrix) throws -> Matrix {
        var generator = SeededGenerator(seed: 0)
        return try completed(samples, draw: false, using: &generator)
    }

    /// `count` completions of `samples` for multiple imputation: each missing block drawn from
    /// its conditional distribution (a component drawn by its responsibility, then a Gaussian
    /// draw given the observed values); rows with nothing observed are drawn from the mixture.
    ///
    /// - Throws: as `imputed(_:)`.
    public func imputations(
        _ samples: Matrix, count: Int, using generator: inout some RandomNumberGenerator
    ) throws -> [Matrix] {
        try (0..<count).map { _ in try completed(samples, draw: true, using: &generator) }
    }

    private func completed(_ samples: Matrix, draw: Bool, using generator: inout some RandomNumberGenerator) throws -> Matrix {
        let d = dimension
        let k = componentCount
        guard samples.columnCount == d else { throw EMError.dimensionMismatch(expected: d, actual: samples.columnCount) }
        if let index = samples.elements.firstIndex(where: { $0.isInfinite }) {
            throw EMError.nonFiniteValue(row: index / d, column: index % d, value: samples.elements[index])
        }
        var result = samples
        var marginal = MarginalDensities(self)
        var logDensities = [Double](repeating: 0, count: k)
        var row = [Double](repeating: 0, count: d)
        var filled = [Double](repeating: 0, count: d)
        for n in 0..<samples.rowCount {
            for j in 0..<d { row[j] = samples[n, j] }
            let pattern = row.withUnsafeBufferPointer { MissingPattern(row: $0.baseAddress.unsafelyUnwrapped, dimension: d) }
            if pattern.isComplete { continue }
            if pattern.observed.isEmpty {
                if draw {
                    let value = sample(count: 1, using: &generator).samples
                    for j in 0..<d { result[n, j] = value[0, j] }
                } else {
                    for j in 0..<d { result[n, j] = (0..<k).reduce(0) { $0 + weights[$1] * means[$1, j] } }
                }
                continue
            }
            let componentViews = try row.withUnsafeBufferPointer { x in
                try logDensities.withUnsafeMutableBufferPointer {
                    try marginal.weightedLogDensities(x.baseAddress.unsafelyUnwrapped, pattern: pattern, into: $0.baseAddress.unsafelyUnwrapped)
                }
            }
            let logSum = logDensities.withUnsafeMutableBufferPointer { logSumExp($0.baseAddress.unsafelyUnwrapped, count: k).logSum }
            let responsibilities = logDensities.map { _exp($0 - logSum) }
            let missing = pattern.missing
            if draw {
                let view = componentViews[generator.nextIndex(weights: responsibilities)]
                row.withUnsafeBufferPointer { x in
                    filled.withUnsafeMutableBufferPointer { view.fillConditionalMean(x.baseAddress.unsafelyUnwrapped, into: $0.baseAddress.unsafelyUnwrapped) }
                }
                let m = missing.count
                let factor = Cholesky.samplingFactor(ofCovariance: view.conditionalCovariance, dimension: m)
                let z = (0..<m).map { _ in generator.nextStandardNormal() }
                for (a, j) in missing.enumerated() {
                    var value = filled[j]
                    for b in 0...a { value += factor[a * m + b] * z[b] }
                    result[n, j] = value
                }
            } else {
                for j in missing { result[n, j] = 0 }
                for c in 0..<k where responsibilities[c] > 0 {
                    row.withUnsafeBufferPointer { x in
                        filled.withUnsafeMutableBufferPointer {
                            componentViews[c].fillConditionalMean(x.baseAddress.unsafelyUnwrapped, into: $0.baseAddress.unsafelyUnwrapped)
                        }
                    }
                    for j in missing { result[n, j] += responsibilities[c] * filled[j] }
                }
            }
        }
        return result
    }
}
