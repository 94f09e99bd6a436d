extension GaussianMixture: Mixture {
    /// Weighted log-densities of each row; a missing value (NaN) is marginalised out: the row's
    /// density is that of its observed values, `πₖ 𝒩(x_O | μₖ_O, Σₖ_OO)`, so that `predict`,
    /// `predictProbabilities`, `score` and `logLikelihoods` take incomplete rows as `fit` does.
    ///
    /// - Throws: `EMError.dimensionMismatch`; `EMError.nonFiniteValue` for an infinite value;
    ///   `EMError.invalidObservation` for a row with no observed value (its density says nothing).
    public func forEachWeightedLogDensity(
        of samples: Matrix, _ body: (_ row: Int, _ logDensities: UnsafeMutablePointer<Double>) -> Void
    ) throws {
        try checkShape(samples, allowingMissing: true)
        guard samples.rowCount > 0 else { return }
        guard samples.elements.contains(where: { $0.isNaN }) else {
            try forEachCompleteRowLogDensity(of: samples, body)
            return
        }
        // Complete rows through the block kernels, incomplete ones by their marginal densities.
        let d = dimension
        let k = componentCount
        let complete = (0..<samples.rowCount).filter { n in (0..<d).allSatisfy { !samples[n, $0].isNaN } }
        // The complete rows' densities, row after row (`K` each), in the order of `complete`.
        var completeDensities = [Double](repeating: 0, count: complete.count * k)
        if !complete.isEmpty {
            try forEachCompleteRowLogDensity(of: samples.rows(at: complete)) { index, logDensities in
                for c in 0..<k { completeDensities[index * k + c] = logDensities[c] }
            }
        }
        var marginal = MarginalDensities(self)
        let row = UnsafeMutablePointer<Double>.allocate(capacity: k)
        defer { row.deallocate() }
        var values = [Double](repeating: 0, count: d)
        var nextComplete = 0
        for n in 0..<samples.rowCount {
            if nextComplete < complete.count && complete[nextComplete] == n {
                for c in 0..<k { row[c] = completeDensities[nextComplete * k + c] }
                nextComplete += 1
                body(n, row)
                continue
            }
            for j in 0..<d { values[j] = samples[n, j] }
            let pattern = values.withUnsafeBufferPointer { MissingPattern(row: $0.baseAddress.unsafelyUnwrapped, dimension: d) }
            guard !pattern.observed.isEmpty else {
                throw EMError.invalidObservation(row: n, reason: "no observed value: a row needs at least one value to be scored or assigned")
            }
            _ = try values.withUnsafeBufferPointer { x in
                try marginal.weightedLogDensities(x.baseAddress.unsafelyUnwrapped, pattern: pattern, into: row)
            }
            body(n, row)
        }
    }

    /// The block kernels' weighted log-densities for complete rows.
    private func forEachCompleteRowLogDensity(
        of samples: Matrix, _ body: (_ row: Int, _ logDensities: UnsafeMutablePointer<Double>) -> Void
    ) throws {
        let k = componentCount
        let row = UnsafeMutablePointer<Double>.allocate(capacity: k)
        defer { row.deallocate() }
        samples.elements.withUnsafeBufferPointer { buffer in
            forEachBlockLogDensities(buffer.baseAddress.unsafelyUnwrapped, count: samples.rowCount) { start, n, logDensities in
                for b in 0..<n {
                    for c in 0..<k { row[c] = logDensities[c * n + b] }
                    body(start + b, row)
                }
            }
        }
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
        let factors = covariances.map { Cholesky.samplingFactor(ofCovariance: $0.elements, dimension: d) }
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
