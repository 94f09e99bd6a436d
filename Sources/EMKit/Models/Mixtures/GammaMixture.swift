/// A finite mixture of gamma distributions on positive values (waiting times, durations,
/// sizes),
///
/// ```
/// p(x) = Σₖ πₖ βₖ^αₖ x^(αₖ−1) e^(−βₖx) / Γ(αₖ),   x > 0
/// ```
///
/// with shapes αₖ and rates βₖ. Its M-step has no closed form: the shape solves
/// `log α − ψ(α) = log(Sₖ/Nₖ) − Lₖ/Nₖ`. So it is fitted by the EM-gradient algorithm
/// (`EMGradientModel`): one Newton step on Q per iteration, in the parameters
/// `(η₁ … η_{K−1}, α₁, β₁, …, α_K, β_K)`, with `ηⱼ = log(πⱼ/π_K)`. Q is concave in them, and a
/// step that would lower Q is halved.
public struct GammaMixture: Sendable {
    /// The mixing weights πₖ, `[K]`, positive and summing to 1.
    public private(set) var weights: [Double]
    /// The shapes αₖ > 0, `[K]`.
    public private(set) var shapes: [Double]
    /// The rates βₖ > 0, `[K]`, in 1/(data units); the component means are αₖ/βₖ.
    public private(set) var rates: [Double]

    /// A mixture from its parameters.
    ///
    /// - Throws: `EMError.invalidModel` saying what is wrong.
    public init(weights: [Double], shapes: [Double], rates: [Double]) throws {
        let k = weights.count
        guard k >= 1, shapes.count == k, rates.count == k else {
            throw EMError.invalidModel(reason: "a gamma mixture needs as many shapes and rates as weights (≥ 1)")
        }
        guard weights.allSatisfy({ $0 > 0 && $0.isFinite }), abs(weights.reduce(0, +) - 1) <= 1e-6 else {
            throw EMError.invalidModel(reason: "weights must be positive and sum to 1, got \(weights)")
        }
        guard shapes.allSatisfy({ $0 > 0 && $0.isFinite }), rates.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw EMError.invalidModel(reason: "shapes and rates must be positive and finite")
        }
        let total = weights.reduce(0, +)
        self.weights = weights.map { $0 / total }
        self.shapes = shapes
        self.rates = rates
    }

    /// The number of components K.
    public var componentCount: Int { weights.count }

    /// `log πₖ + log Gamma(x | αₖ, βₖ)` for a positive x.
    func weightedLogDensity(_ x: Double, logX: Double, component c: Int) -> Double {
        _log(weights[c]) + shapes[c] * _log(rates[c]) - _lgamma(shapes[c]) + (shapes[c] - 1) * logX - rates[c] * x
    }

    /// What `GammaMixture.fit` needs besides the data.
    public struct FitOptions: Sendable {
        /// K.
        public var componentCount: Int
        /// Each cycle extrapolates two EM-gradient steps (`ExpectationMaximization.fitSQUAREM`);
        /// `em.maxIterations` then counts cycles. Default `false`.
        public var squarem: Bool = false
        /// Tolerance, iterations, restarts, seed, threads, observer.
        public var em: EMOptions = EMOptions()

        /// Options for K components; omitted ones keep their defaults.
        public init(componentCount: Int, squarem: Bool = false, em: EMOptions = EMOptions()) {
            self.componentCount = componentCount
            self.squarem = squarem
            self.em = em
        }
    }

    /// Fits a gamma mixture by EM-gradient. Each restart starts from k-means on the values:
    /// the clusters' shares as weights and their moments (α = mean²/variance, β = mean/variance).
    ///
    /// - Throws: `EMError.invalidParameter` for data that are not one column, or K < 1;
    ///   `EMError.invalidObservation` for a value that is not positive; `EMError.tooManyComponents`.
    public static func fit(_ data: RowDataset, options fitOptions: FitOptions) throws -> EMResult<GammaMixture> {
        let k = fitOptions.componentCount
        let options = fitOptions.em
        let squarem = fitOptions.squarem
        guard k >= 1 else { throw EMError.invalidParameter(name: "componentCount", value: "\(k)", expected: "an integer ≥ 1") }
        guard data.dimension == 1 else {
            throw EMError.invalidParameter(name: "data", value: "\(data.dimension) columns", expected: "one column of positive values")
        }
        try options.validate()
        try data.forEachChunk { start, count, rows, _ in
            for b in 0..<count { try checkPositive(rows[b], row: start + b) }
        }
        let distinct = try data.distinctRowCount(upTo: k)
        guard distinct >= k else { throw EMError.tooManyComponents(components: k, samples: distinct) }
        // A cluster of one value has no spread: it starts with the data's.
        let pooled = try data.pooledMoments(scatterShape: .diagonal)
        let pooledVariance = pooled.scatter[0] / pooled.weights[0]
        let initial: (Int, inout SeededGenerator) throws -> GammaMixture = { _, generator in
            let start = try GaussianMixture.initialMoments(
                for: data, componentCount: k, scatterShape: .diagonal, initialization: .kMeans,
                threadCount: options.threadCount, using: &generator)
            let m = start.moments
            let total = m.weights.reduce(0, +)
            let variances = (0..<k).map { c in m.weights[c] > 0 && m.scatter[c] > 0 ? m.scatter[c] / m.weights[c] : pooledVariance }
            return try GammaMixture(
                weights: m.weights.map { $0 / total },
                shapes: (0..<k).map { m.means[$0] * m.means[$0] / variances[$0] },
                rates: (0..<k).map { m.means[$0] / variances[$0] })
        }
        if squarem { return try ExpectationMaximization.fitSQUAREM(data, options: options, initialModel: initial) }
        return try ExpectationMaximization.fit(data, options: options, initialModel: initial)
    }

    /// - Throws: `EMError.invalidObservation` (row from 0) unless `x` > 0.
    static func checkPositive(_ x: Double, row: Int) throws {
        guard x > 0 else { throw EMError.invalidObservation(row: row, reason: "a gamma mixture needs positive values, got \(x)") }
    }
}

/// What a gamma mixture's E-step accumulates per component: Nₖ = Σᵢ rᵢₖ, Sₖ = Σᵢ rᵢₖ xᵢ and
/// Lₖ = Σᵢ rᵢₖ log xᵢ.
public struct GammaMixtureStatistics: ModelStatistics {
    /// Nₖ, `[K]`.
    public internal(set) var counts: [Double]
    /// Sₖ, `[K]`.
    public internal(set) var sums: [Double]
    /// Lₖ, `[K]`.
    public internal(set) var logSums: [Double]

    public mutating func merge(_ other: GammaMixtureStatistics) {
        for c in counts.indices {
            counts[c] += other.counts[c]
            sums[c] += other.sums[c]
            logSums[c] += other.logSums[c]
        }
    }

    public var sampleWeight: Double { counts.reduce(0, +) }

    public mutating func scale(by factor: Double) {
        for c in counts.indices {
            counts[c] *= factor
            sums[c] *= factor
            logSums[c] *= factor
        }
    }
}

extension GammaMixtureStatistics: PortableStatistics {
    public static var archiveKind: String { "gamma-mixture" }

    /// As many components.
    public func hasShape(of other: GammaMixtureStatistics) -> Bool {
        counts.count == other.counts.count && sums.count == other.sums.count && logSums.count == other.logSums.count
    }

    public func write(to writer: inout StatisticsWriter) {
        writer.write(counts)
        writer.write(sums)
        writer.write(logSums)
    }

    public init(from reader: inout StatisticsReader) throws {
        counts = try reader.readDoubles()
        sums = try reader.readDoubles(count: counts.count)
        logSums = try reader.readDoubles(count: counts.count)
    }
}

extension GammaMixture: EMGradientModel {
    public typealias Dataset = RowDataset

    public func emptyStatistics() -> GammaMixtureStatistics {
        let zeros = [Double](repeating: 0, count: componentCount)
        return GammaMixtureStatistics(counts: zeros, sums: zeros, logSums: zeros)
    }

    /// The E-step: responsibilities `rᵢₖ ∝ πₖ Gamma(xᵢ | αₖ, βₖ)` folded into the statistics.
    ///
    /// - Throws: `EMError.dimensionMismatch` for more than one column, `EMError.invalidObservation`
    ///   for a value that is not positive.
    public func accumulate(_ chunk: RowBlock, into statistics: inout GammaMixtureStatistics) throws -> ChunkLikelihood {
        guard chunk.dataset.dimension == 1 else { throw EMError.dimensionMismatch(expected: 1, actual: chunk.dataset.dimension) }
        let k = componentCount
        var likelihood = ChunkLikelihood(logLikelihood: 0, sampleWeight: 0)
        var logDensities = [Double](repeating: 0, count: k)
        try chunk.withUnsafeRows { rows, weights in
            for b in 0..<chunk.rows.count {
                let x = rows[b]
                let w = weights?[b] ?? 1
                guard w > 0 else { continue }
                try Self.checkPositive(x, row: chunk.rows.lowerBound + b)
                let logX = _log(x)
                for c in 0..<k { logDensities[c] = weightedLogDensity(x, logX: logX, component: c) }
                let (logSum, _) = logDensities.withUnsafeMutableBufferPointer { logSumExp($0.baseAddress.unsafelyUnwrapped, count: k) }
                likelihood.logLikelihood += w * logSum
                likelihood.sampleWeight += w
                for c in 0..<k {
                    let r = w * _exp(logDensities[c] - logSum)
                    statistics.counts[c] += r
                    statistics.sums[c] += r * x
                    statistics.logSums[c] += r * logX
                }
            }
        }
        return likelihood
    }

    /// `(η₁ … η_{K−1}, α₁, β₁, …, α_K, β_K)` with `ηⱼ = log(πⱼ/π_K)`.
    public var parameterVector: [Double] {
        let k = componentCount
        let last = _log(weights[k - 1])
        return (0..<(k - 1)).map { _log(weights[$0]) - last } + (0..<k).flatMap { [shapes[$0], rates[$0]] }
    }

    public func replacingParameters(with vector: [Double]) -> GammaMixture? {
        let k = componentCount
        guard vector.count == 3 * k - 1, vector.allSatisfy(\.isFinite) else { return nil }
        let logits = Array(vector[0..<(k - 1)]) + [0]
        let largest = logits.max() ?? 0
        let unnormalised = logits.map { _exp($0 - largest) }
        let total = unnormalised.reduce(0, +)
        let shapes = (0..<k).map { vector[k - 1 + 2 * $0] }
        let rates = (0..<k).map { vector[k + 2 * $0] }
        return try? GammaMixture(weights: unnormalised.map { $0 / total }, shapes: shapes, rates: rates)
    }

    /// ∇Q: `Nⱼ − Nπⱼ` for ηⱼ; `Lₖ + Nₖ log βₖ − Nₖψ(αₖ)` for αₖ; `Nₖαₖ/βₖ − Sₖ` for βₖ.
    public func gradient(of s: GammaMixtureStatistics) -> [Double] {
        let k = componentCount
        let n = s.counts.reduce(0, +)
        var g = (0..<(k - 1)).map { s.counts[$0] - n * weights[$0] }
        for c in 0..<k {
            g.append(s.logSums[c] + s.counts[c] * _log(rates[c]) - s.counts[c] * digamma(shapes[c]))
            g.append(s.counts[c] * shapes[c] / rates[c] - s.sums[c])
        }
        return g
    }

    /// ∇²Q, block diagonal: `−N(diag π − ππᵀ)` for η, and per component
    /// `[[−Nₖψ′(αₖ), Nₖ/βₖ], [Nₖ/βₖ, −Nₖαₖ/βₖ²]]`.
    public func hessian(of s: GammaMixtureStatistics) -> [Double] {
        let k = componentCount
        let p = 3 * k - 1
        let n = s.counts.reduce(0, +)
        var h = [Double](repeating: 0, count: p * p)
        for i in 0..<(k - 1) {
            for j in 0..<(k - 1) { h[i * p + j] = n * weights[i] * weights[j] - (i == j ? n * weights[i] : 0) }
        }
        for c in 0..<k {
            let a = k - 1 + 2 * c
            let b = a + 1
            h[a * p + a] = -s.counts[c] * trigamma(shapes[c])
            h[a * p + b] = s.counts[c] / rates[c]
            h[b * p + a] = s.counts[c] / rates[c]
            h[b * p + b] = -s.counts[c] * shapes[c] / (rates[c] * rates[c])
        }
        return h
    }

    /// `Q(θ′) = Σₖ [Nₖ log π′ₖ + Nₖ(α′ₖ log β′ₖ − log Γ(α′ₖ)) + (α′ₖ − 1)Lₖ − β′ₖSₖ]`.
    public func expectedCompleteLogLikelihood(of candidate: GammaMixture, statistics s: GammaMixtureStatistics) -> Double? {
        var q = 0.0
        for c in 0..<componentCount {
            let alpha = candidate.shapes[c]
            let beta = candidate.rates[c]
            q += s.counts[c] * (_log(candidate.weights[c]) + alpha * _log(beta) - _lgamma(alpha))
                + (alpha - 1) * s.logSums[c] - beta * s.sums[c]
        }
        return q
    }

    /// The components ordered by mean (α/β), so equal fits compare equal.
    public func canonicalized() -> GammaMixture {
        let order = (0..<componentCount).sorted { shapes[$0] / rates[$0] < shapes[$1] / rates[$1] }
        return (try? GammaMixture(
            weights: order.map { weights[$0] }, shapes: order.map { shapes[$0] }, rates: order.map { rates[$0] })) ?? self
    }
}

extension GammaMixture: Mixture {
    /// One value per row.
    public var dimension: Int { 1 }

    /// `K − 1` weights, `K` shapes and `K` rates.
    public var parameterCount: Int { 3 * componentCount - 1 }

    /// - Throws: `EMError.dimensionMismatch`, `EMError.nonFiniteValue`, or
    ///   `EMError.invalidObservation` for a value that is not positive (its density is 0).
    public func forEachWeightedLogDensity(
        of samples: Matrix, _ body: (_ row: Int, _ logDensities: UnsafeMutablePointer<Double>) -> Void
    ) throws {
        try checkShape(samples)
        for n in 0..<samples.rowCount where !(samples[n, 0] > 0) {
            throw EMError.invalidObservation(row: n, reason: "gamma mixtures need values > 0, got \(samples[n, 0])")
        }
        let k = componentCount
        let row = UnsafeMutablePointer<Double>.allocate(capacity: k)
        defer { row.deallocate() }
        for n in 0..<samples.rowCount {
            let x = samples[n, 0]
            let logX = _log(x)
            for c in 0..<k { row[c] = weightedLogDensity(x, logX: logX, component: c) }
            body(n, row)
        }
    }

    /// `count` values and their components: component k with probability πₖ, then a
    /// Gamma(αₖ, βₖ) draw (`gammaVariate`, Marsaglia & Tsang, divided by the rate).
    ///
    /// - Returns: a `count × 1` matrix and `[count]` component indices.
    public func sample(count: Int, using generator: inout some RandomNumberGenerator) -> (samples: Matrix, components: [Int]) {
        precondition(count >= 0, "sample count must be non-negative")
        var values: [Double] = []
        values.reserveCapacity(count)
        var labels: [Int] = []
        labels.reserveCapacity(count)
        for _ in 0..<count {
            let c = generator.nextIndex(weights: weights)
            labels.append(c)
            values.append(gammaVariate(shape: shapes[c], using: &generator) / rates[c])
        }
        return (Matrix(rowCount: count, columnCount: 1, elements: values), labels)
    }
}
