/// Independent Poisson counts, one per feature, as a mixture component. A row is `d` counts.
///
/// ```
/// log p(x) = Σⱼ xⱼ log λⱼ − λⱼ − log xⱼ!
/// M-step:  λⱼ = (Σ w xⱼ + a) / (Σ w + b)          (a, b: the Gamma prior's shape − 1 and rate)
/// ```
public struct Poisson: MixtureComponent {
    public typealias Statistics = WeightedSums
    public typealias Prior = GammaPrior

    /// The mean count of each feature, `[d]`, each ≥ 0.
    public var rates: [Double]

    /// A Poisson component.
    ///
    /// - Throws: `EMError.invalidModel` for no features or a negative or non-finite rate.
    public init(rates: [Double]) throws {
        guard !rates.isEmpty, rates.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw EMError.invalidModel(reason: "Poisson rates must be finite and ≥ 0, got \(rates)")
        }
        self.rates = rates
    }

    public static var parameterName: String { "rates" }
    public var parameterVector: [Double] { rates }

    public init(parameterVector vector: [Double]) throws {
        try self.init(rates: vector)
    }

    public static var familyName: String { "poisson" }
    public var dimension: Int { rates.count }
    public var parameterCount: Int { rates.count }
    public var orderingKey: Double { rates[0] }

    public static func emptyStatistics(dimension: Int) -> WeightedSums { WeightedSums(dimension: dimension) }

    public func logDensity(_ x: UnsafePointer<Double>) -> Double {
        var s = 0.0
        for j in 0..<rates.count { s += xLogP(x[j], rates[j]) - rates[j] - logFactorial(x[j]) }
        return s
    }

    /// `−Σ log xⱼ!`.
    public static func logBaseMeasure(of x: UnsafePointer<Double>, dimension: Int) -> Double {
        var factorials = 0.0
        for j in 0..<dimension { factorials += logFactorial(x[j]) }
        return -factorials
    }

    /// `base + Σⱼ xⱼ log λⱼ − λⱼ`.
    public func logDensity(_ x: UnsafePointer<Double>, base: Double) -> Double {
        rates.withUnsafeBufferPointer { rates in
            var s = base
            for j in 0..<rates.count { s += xLogP(x[j], rates[j]) - rates[j] }
            return s
        }
    }

    public static func accumulate(_ x: UnsafePointer<Double>, weight: Double, into statistics: inout WeightedSums) {
        statistics.add(x, weight: weight)
    }

    public static func estimate(from statistics: WeightedSums, dimension: Int, prior: GammaPrior?) throws -> Poisson {
        let total = statistics.sampleWeight + (prior?.rate ?? 0)
        guard total > 0 else { throw EMError.degenerateComponent(component: 0, iteration: 0, reason: .emptyComponent) }
        return try Poisson(rates: statistics.sums.map { ($0 + (prior?.pseudoCount ?? 0)) / total })
    }

    public func logPriorDensity(_ prior: GammaPrior) -> Double {
        rates.reduce(0) { $0 + xLogP(prior.pseudoCount, $1) - prior.rate * $1 }
    }

    public func sample(trials: Int, using generator: inout some RandomNumberGenerator) -> [Double] {
        rates.map { rate in
            // Knuth's multiplication method for small rates; a normal approximation for large ones.
            if rate > 500 { return max(0, (rate + rate.squareRoot() * generator.nextStandardNormal()).rounded()) }
            let limit = _exp(-rate)
            var k = 0.0
            var product = generator.nextUnitInterval()
            while product > limit {
                k += 1
                product *= generator.nextUnitInterval()
            }
            return k
        }
    }

    public static func prior(pseudoCount: Double) -> Prior { GammaPrior(pseudoCount: pseudoCount, rate: 0) }

    public static var initialSmoothing: Prior { GammaPrior(pseudoCount: 0.5, rate: 0) }

    public static func problem(with row: UnsafePointer<Double>, dimension: Int) -> String? {
        countProblem(in: row, dimension: dimension, family: "Poisson")
    }
}

/// A Gamma prior on a Poisson rate, as pseudo-counts: `pseudoCount` = shape − 1 (added to the
/// counts) and `rate` (added to the exposure).
public struct GammaPrior: Sendable, Equatable {
    /// Shape − 1 ≥ 0.
    public var pseudoCount: Double
    /// The rate ≥ 0.
    public var rate: Double

    /// A prior with the given pseudo-count and rate.
    public init(pseudoCount: Double = 1, rate: Double = 0) {
        self.pseudoCount = pseudoCount
        self.rate = rate
    }
}
