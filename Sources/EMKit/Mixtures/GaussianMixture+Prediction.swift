extension GaussianMixture: Mixture {
    public func forEachWeightedLogDensity(
        of samples: Matrix, _ body: (_ row: Int, _ logDensities: UnsafeMutablePointer<Double>) -> Void
    ) throws {
        try checkShape(samples)
        guard samples.rowCount > 0 else { return }
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
