extension FiniteMixture: Mixture {
    public func forEachWeightedLogDensity(
        of samples: Matrix, _ body: (_ row: Int, _ logDensities: UnsafeMutablePointer<Double>) -> Void
    ) throws {
        try checkShape(samples)
        let d = dimension
        try samples.elements.withUnsafeBufferPointer { buffer in
            guard let rows = buffer.baseAddress else { return }
            for n in 0..<samples.rowCount {
                if let problem = Component.problem(with: rows + n * d, dimension: d) {
                    throw EMError.invalidObservation(row: n, reason: problem)
                }
            }
            forEachRowLogDensities(rows, count: samples.rowCount) { n, _, logDensities in body(n, logDensities) }
        }
    }

    /// `count` rows drawn from the mixture, with the component each came from. `trials` is the
    /// number of draws per row for count families (binomial, categorical).
    public func sample(
        count: Int, trials: Int = 1, using generator: inout some RandomNumberGenerator
    ) -> (samples: Matrix, components: [Int]) {
        precondition(count >= 0 && trials >= 0, "sample count and trials must be non-negative")
        var rows: [Double] = []
        rows.reserveCapacity(count * dimension)
        var labels: [Int] = []
        for _ in 0..<count {
            let chosen = generator.nextIndex(weights: weights)
            labels.append(chosen)
            rows += components[chosen].sample(trials: trials, using: &generator)
        }
        return (Matrix(rowCount: count, columnCount: dimension, elements: rows), labels)
    }
}
