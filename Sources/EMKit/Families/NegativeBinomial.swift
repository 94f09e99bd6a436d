/// Independent negative binomial counts, one per feature: over-dispersed counts (variance above
/// the mean), as a mixture component and as HMM emissions. A row is `d` counts.
///
/// Each feature has a mean μ > 0 and a size r > 0 (the dispersion; variance μ + μ²/r):
///
/// ```
/// log p(x) = Σⱼ log Γ(xⱼ + rⱼ) − log Γ(rⱼ) − log xⱼ! + rⱼ log(rⱼ / (rⱼ + μⱼ)) + xⱼ log(μⱼ / (rⱼ + μⱼ))
/// M-step:  μⱼ = Σ w xⱼ / Σ w                     (closed form, whatever rⱼ)
///          rⱼ: the root of Σ w [ψ(xⱼ + r) − ψ(r)] + Σ w log(r / (r + μⱼ)) = 0
/// ```
///
/// The size has no closed form and no finite sufficient statistic, so the statistics are each
/// feature's weighted histogram of counts (`CountHistograms`: exact, mergeable, scalable and
/// serialisable; as large as the number of distinct counts) and the M-step finds r by safeguarded
/// Newton iterations on log r, to 1e-12 relative. The log-density is accurate to about 1e-16 times
/// the largest `log Γ` it subtracts: better than 1e-7 nats for counts up to 10⁸, about 1e-3 nats at
/// 10¹² (lgamma's rounding), so counts in the trillions are better rescaled. When a component's counts are not over-dispersed
/// (weighted variance ≤ mean) the likelihood grows without bound in r, and r is held at
/// `maximumSize`, where the family is Poisson to within 1e-8 relative.
///
/// The prior for MAP estimation is `a` pseudo-observations of the count 1 (`CountPseudoObservations`):
/// the M-step is maximum likelihood on the histogram with weight `a` added at 1, which keeps μ > 0.
public struct NegativeBinomial: MixtureComponent {
    public typealias Statistics = CountHistograms
    public typealias Prior = CountPseudoObservations

    /// The mean count of each feature, `[d]`, each ≥ 0.
    public var means: [Double]
    /// The size (dispersion) of each feature, `[d]`, each in (0, `maximumSize`]; variance is
    /// μ + μ²/r.
    public var sizes: [Double]

    /// The largest size the M-step returns: the Poisson limit, reached by counts that are not over-dispersed.
    public static let maximumSize = 1e8

    /// A negative binomial component.
    ///
    /// - Throws: `EMError.invalidModel` for no features, different counts of means and sizes, a
    ///   negative or non-finite mean, or a size that is not positive and finite.
    public init(means: [Double], sizes: [Double]) throws {
        guard !means.isEmpty, means.count == sizes.count else {
            throw EMError.invalidModel(reason: "a negative binomial needs as many sizes as means (at least one), got \(means.count) and \(sizes.count)")
        }
        guard means.allSatisfy({ $0 >= 0 && $0.isFinite }), sizes.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw EMError.invalidModel(reason: "negative binomial means must be finite and ≥ 0 and sizes finite and > 0, got \(means) and \(sizes)")
        }
        self.means = means
        self.sizes = sizes
    }

    /// The model-file name of the parameters: each component's d means, then its d sizes.
    public static var parameterName: String { "meansAndSizes" }
    public var parameterVector: [Double] { means + sizes }
    public var namedParameters: [(name: String, values: [Double])] { [("means", means), ("sizes", sizes)] }

    public init(parameterVector vector: [Double]) throws {
        guard vector.count >= 2, vector.count % 2 == 0 else {
            throw EMError.invalidModel(reason: "a negative binomial has d means and d sizes, got \(vector.count) numbers")
        }
        try self.init(means: Array(vector[..<(vector.count / 2)]), sizes: Array(vector[(vector.count / 2)...]))
    }

    public static var familyName: String { "negative-binomial" }
    public var dimension: Int { means.count }
    public var parameterCount: Int { 2 * means.count }
    public var orderingKey: Double { means[0] }

    public static func emptyStatistics(dimension: Int) -> CountHistograms { CountHistograms(dimension: dimension) }

    public func logDensity(_ x: UnsafePointer<Double>) -> Double {
        var s = 0.0
        for j in 0..<means.count {
            let (mu, r) = (means[j], sizes[j])
            s += logRisingFactorial(r, x[j]) - logFactorial(x[j]) - r * _log1p(mu / r) + xLogP(x[j], mu / (r + mu))
        }
        return s
    }

    /// `−Σ log xⱼ!`.
    public static func logBaseMeasure(of x: UnsafePointer<Double>, dimension: Int) -> Double {
        var factorials = 0.0
        for j in 0..<dimension { factorials += logFactorial(x[j]) }
        return -factorials
    }

    /// `base + Σⱼ log Γ(xⱼ + rⱼ) − log Γ(rⱼ) + rⱼ log(rⱼ/(rⱼ + μⱼ)) + xⱼ log(μⱼ/(rⱼ + μⱼ))`.
    public func logDensity(_ x: UnsafePointer<Double>, base: Double) -> Double {
        var s = base
        for j in 0..<means.count {
            let (mu, r) = (means[j], sizes[j])
            s += logRisingFactorial(r, x[j]) - r * _log1p(mu / r) + xLogP(x[j], mu / (r + mu))
        }
        return s
    }

    public static func accumulate(_ x: UnsafePointer<Double>, weight: Double, into statistics: inout CountHistograms) {
        statistics.add(x, weight: weight)
    }

    public static func estimate(from statistics: CountHistograms, dimension: Int, prior: CountPseudoObservations?) throws -> NegativeBinomial {
        let a = prior?.count ?? 0
        let total = statistics.sampleWeight + a
        guard total > 0 else { throw EMError.degenerateComponent(component: 0, iteration: 0, reason: .emptyComponent) }
        var means: [Double] = []
        var sizes: [Double] = []
        for histogram in statistics.histograms {
            // Counts in increasing order, so that every sum is taken in one order wherever the
            // statistics were computed.
            var counts = histogram.keys.sorted()
            var weights = counts.map { histogram[$0] ?? 0 }
            if a > 0 {
                if let one = counts.firstIndex(of: 1) { weights[one] += a } else {
                    let at = counts.firstIndex { $0 > 1 } ?? counts.count
                    counts.insert(1, at: at)
                    weights.insert(a, at: at)
                }
            }
            let (mean, size) = fitFeature(counts: counts, weights: weights, total: total)
            means.append(mean)
            sizes.append(size)
        }
        return try NegativeBinomial(means: means, sizes: sizes)
    }

    /// The maximum-likelihood mean and size of one feature from its histogram.
    static func fitFeature(counts: [Double], weights: [Double], total: Double) -> (mean: Double, size: Double) {
        var sum = 0.0
        for (x, w) in zip(counts, weights) { sum += w * x }
        let mean = sum / total
        guard mean > 0 else { return (0, maximumSize) }
        var squares = 0.0
        for (x, w) in zip(counts, weights) { squares += w * (x - mean) * (x - mean) }
        let variance = squares / total
        guard variance > mean else { return (mean, maximumSize) }

        // The profile score in u = log r, and its derivative; decreasing through its one root.
        func score(_ u: Double) -> (value: Double, slope: Double) {
            let r = _exp(u)
            var value = -total * _log1p(mean / r)
            var slope = total * mean / (r * (r + mean))
            for (x, w) in zip(counts, weights) where x > 0 {
                value += w * digammaDifference(r, x)
                slope += w * trigammaDifference(r, x)
            }
            return (value, slope * r)
        }
        var low = _log(1e-10)
        var high = _log(maximumSize)
        if score(high).value >= 0 { return (mean, maximumSize) }
        // The method-of-moments size starts the search.
        var u = min(max(_log(mean * mean / (variance - mean)), low), high)
        // Newton converges quadratically; the score's own rounding (relative ~1e-13) bounds how
        // close it can get, so stop at 1e-12 relative in log r (r to ~1e-12 relative), or when the
        // bracket is that narrow. At most 100 steps (bisection alone needs fewer than 60).
        for _ in 0..<100 {
            let (value, slope) = score(u)
            if value == 0 { break }
            if value > 0 { low = u } else { high = u }
            var next = u - value / slope
            if !(slope < 0) || !(next > low && next < high) { next = (low + high) / 2 }
            let step = abs(next - u)
            u = next
            if step <= 1e-12 * max(1, abs(u)) || high - low <= 1e-12 * max(1, abs(u)) { break }
        }
        return (mean, min(_exp(u), maximumSize))
    }

    /// `a` times the log-density of the count 1 in every feature.
    public func logPriorDensity(_ prior: CountPseudoObservations) -> Double {
        guard prior.count > 0 else { return 0 }
        let ones = [Double](repeating: 1, count: dimension)
        return prior.count * ones.withUnsafeBufferPointer { $0.baseAddress.map(logDensity) ?? 0 }
    }

    /// One row: each count a Poisson draw whose rate is Gamma(r, μ/r) (the gamma–Poisson mixture).
    public func sample(trials: Int, using generator: inout some RandomNumberGenerator) -> [Double] {
        (0..<dimension).map { j in
            let rate = gammaVariate(shape: sizes[j], using: &generator) * means[j] / sizes[j]
            return (try? Poisson(rates: [rate]))?.sample(trials: 1, using: &generator)[0] ?? 0
        }
    }

    public static func prior(pseudoCount: Double) -> Prior { CountPseudoObservations(count: pseudoCount) }

    public static var initialSmoothing: Prior { CountPseudoObservations(count: 0.5) }

    /// The largest count a row may hold, 2⁵³: above it doubles skip whole numbers, and
    /// log Γ(x + r) − log x! would subtract infinities.
    public static let maximumCount = 9_007_199_254_740_992.0

    public static func problem(with row: UnsafePointer<Double>, dimension: Int) -> String? {
        if let problem = countProblem(in: row, dimension: dimension, family: "negative binomial") { return problem }
        for j in 0..<dimension where row[j] > maximumCount {
            return "negative binomial counts must be at most 2^53; column \(j + 1) is \(row[j])"
        }
        return nil
    }
}

/// Pseudo-observations of the count 1 in every feature: a prior for `NegativeBinomial` whose
/// density is `p(1 | μ, r)^count`, so the MAP M-step is maximum likelihood with `count` added
/// to each histogram at 1.
public struct CountPseudoObservations: Sendable, Equatable {
    /// The number of pseudo-observations, ≥ 0.
    public var count: Double

    /// `count` pseudo-observations.
    public init(count: Double = 1) { self.count = count }
}

/// The statistics of `NegativeBinomial`: the total weight and, per feature, the weight of each
/// count seen. Merging adds the weights count by count, so the result does not depend on how the
/// rows were split.
public struct CountHistograms: ComponentStatistics {
    /// Σ w.
    public var sampleWeight: Double
    /// Per feature, `[d]`: count → Σ w of the rows with that count.
    public var histograms: [[Double: Double]]

    /// Statistics of no data in `dimension` dimensions.
    public init(dimension: Int) {
        sampleWeight = 0
        histograms = Array(repeating: [:], count: dimension)
    }

    /// Adds the row `x` with weight `w`.
    public mutating func add(_ x: UnsafePointer<Double>, weight w: Double) {
        sampleWeight += w
        for j in histograms.indices { histograms[j][x[j], default: 0] += w }
    }

    public mutating func merge(_ other: CountHistograms) {
        sampleWeight += other.sampleWeight
        for j in histograms.indices {
            histograms[j].merge(other.histograms[j], uniquingKeysWith: +)
        }
    }

    public mutating func scale(by factor: Double) {
        sampleWeight *= factor
        for j in histograms.indices { histograms[j] = histograms[j].mapValues { $0 * factor } }
    }
}

extension CountHistograms: StatisticsArchivable {
    /// As many columns.
    public func hasShape(of other: CountHistograms) -> Bool { histograms.count == other.histograms.count }

    /// The weight, the number of features, then each feature's counts (increasing) and their weights.
    public func write(to writer: inout StatisticsWriter) {
        writer.write(sampleWeight)
        writer.write(histograms.count)
        for histogram in histograms {
            let counts = histogram.keys.sorted()
            writer.write(counts)
            writer.write(counts.map { histogram[$0] ?? 0 })
        }
    }

    public init(from reader: inout StatisticsReader) throws {
        sampleWeight = try reader.readDouble()
        let dimension = try reader.readCount(bytesEach: 16)
        histograms = []
        for _ in 0..<dimension {
            let counts = try reader.readDoubles()
            let weights = try reader.readDoubles(count: counts.count)
            guard counts.allSatisfy(isCount), zip(counts, counts.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw StatisticsArchiveError(reason: "a count histogram's counts must be increasing whole numbers ≥ 0")
            }
            var histogram: [Double: Double] = [:]
            for (x, w) in zip(counts, weights) { histogram[x] = w }
            histograms.append(histogram)
        }
    }
}

/// A mixture of independent negative binomial counts.
public typealias NegativeBinomialMixture = FiniteMixture<NegativeBinomial>
/// Negative binomial emissions: an observation is `d` counts, independent negative binomials given the state.
public typealias NegativeBinomialEmission = FamilyEmission<RowObservations<NegativeBinomial>>
/// A hidden Markov model with negative binomial emissions.
public typealias NegativeBinomialHMM = HiddenMarkovModel<NegativeBinomialEmission>

// log Γ(x + r) − log Γ(r) and the differences of ψ and ψ′ between x + r and r, for a whole
// number x ≥ 0 and r > 0. Written here because the C library's lgamma loses the difference to
// cancellation when r is large (lgamma(1e8) ≈ 1.7e9, so its rounding is 1e-7 nats), and no
// package offers these differences: small x sums the terms exactly, small r subtracts, and
// large r uses the difference of Stirling's series, with log1p carrying the leading terms.

/// `log Γ(x + r) − log Γ(r)`.
func logRisingFactorial(_ r: Double, _ x: Double) -> Double {
    if x < 16 {
        var s = 0.0
        var i = 0.0
        while i < x {
            s += _log(r + i)
            i += 1
        }
        return s
    }
    if r < 1e4 { return _lgamma(x + r) - _lgamma(r) }
    // (z − ½) log z − z + 1/(12z) − 1/(360z³), differenced between z = x + r and z = r.
    let z = x + r
    return (r - 0.5) * _log1p(x / r) + x * _log(z) - x - x / (12 * r * z) - (1 / (z * z * z) - 1 / (r * r * r)) / 360
}

/// `ψ(x + r) − ψ(r)`.
func digammaDifference(_ r: Double, _ x: Double) -> Double {
    if x < 16 {
        var s = 0.0
        var i = 0.0
        while i < x {
            s += 1 / (r + i)
            i += 1
        }
        return s
    }
    if r < 1e4 { return digamma(x + r) - digamma(r) }
    // log z − 1/(2z) − 1/(12z²) + 1/(120z⁴), differenced.
    let z = x + r
    return _log1p(x / r) + x / (2 * r * z) + (1 / (r * r) - 1 / (z * z)) / 12 - (1 / (r * r * r * r) - 1 / (z * z * z * z)) / 120
}

/// `ψ′(x + r) − ψ′(r)` (negative).
func trigammaDifference(_ r: Double, _ x: Double) -> Double {
    if x < 16 {
        var s = 0.0
        var i = 0.0
        while i < x {
            s -= 1 / ((r + i) * (r + i))
            i += 1
        }
        return s
    }
    if r < 1e4 { return trigamma(x + r) - trigamma(r) }
    // 1/z + 1/(2z²) + 1/(6z³), differenced.
    let z = x + r
    return -x / (r * z) + (1 / (z * z) - 1 / (r * r)) / 2 + (1 / (z * z * z) - 1 / (r * r * r)) / 6
}
