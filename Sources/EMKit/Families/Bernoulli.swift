/// Independent Bernoulli variables, one per feature, as a mixture component. A row is `d` values,
/// each 0 or 1 (for instance a binarised image).
///
/// ```
/// log p(x) = Σⱼ xⱼ log pⱼ + (1 − xⱼ) log(1 − pⱼ)
/// M-step:  pⱼ = (Σ w xⱼ + a) / (Σ w + a + b)
/// ```
public struct Bernoulli: MixtureComponent {
    public typealias Statistics = WeightedSums
    public typealias Prior = BetaPrior

    /// The probability of a 1 in each feature, `[d]`, each in [0, 1].
    public var probabilities: [Double]

    /// A Bernoulli component.
    ///
    /// - Throws: `EMError.invalidModel` for no features or a probability outside [0, 1].
    public init(probabilities: [Double]) throws {
        guard !probabilities.isEmpty else { throw EMError.invalidModel(reason: "a Bernoulli component needs at least one feature") }
        guard probabilities.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            throw EMError.invalidModel(reason: "Bernoulli probabilities must be in [0, 1], got \(probabilities)")
        }
        self.probabilities = probabilities
    }

    public static var parameterName: String { "probabilities" }
    public var parameterVector: [Double] { probabilities }

    public init(parameterVector vector: [Double]) throws {
        try self.init(probabilities: vector)
    }

    public static var familyName: String { "bernoulli" }
    public var dimension: Int { probabilities.count }
    public var parameterCount: Int { probabilities.count }
    public var orderingKey: Double { probabilities[0] }

    public static func emptyStatistics(dimension: Int) -> WeightedSums { WeightedSums(dimension: dimension) }

    public func logDensity(_ x: UnsafePointer<Double>) -> Double {
        var s = 0.0
        for j in 0..<probabilities.count {
            let p = probabilities[j]
            s += x[j] != 0 ? xLogP(1, p) : xLogP(1, 1 - p)
        }
        return s
    }

    public static func accumulate(_ x: UnsafePointer<Double>, weight: Double, into statistics: inout WeightedSums) {
        statistics.add(x, weight: weight)
    }

    public static func estimate(from statistics: WeightedSums, dimension: Int, prior: BetaPrior?) throws -> Bernoulli {
        let a = prior?.successes ?? 0
        let b = prior?.failures ?? 0
        let total = statistics.sampleWeight + a + b
        guard total > 0 else { throw EMError.degenerateComponent(component: 0, iteration: 0, reason: .emptyComponent) }
        return try Bernoulli(probabilities: statistics.sums.map { min(1, max(0, ($0 + a) / total)) })
    }

    public func logPriorDensity(_ prior: BetaPrior) -> Double {
        probabilities.reduce(0) { $0 + prior.logDensity($1) }
    }

    public func sample(trials: Int, using generator: inout some RandomNumberGenerator) -> [Double] {
        probabilities.map { generator.nextUnitInterval() < $0 ? 1 : 0 }
    }

    public static func prior(pseudoCount: Double) -> Prior { BetaPrior(successes: pseudoCount, failures: pseudoCount) }

    public static var initialSmoothing: Prior { BetaPrior(successes: 0.5, failures: 0.5) }

    public static func problem(with row: UnsafePointer<Double>, dimension: Int) -> String? {
        for j in 0..<dimension where row[j] != 0 && row[j] != 1 {
            return "Bernoulli features must be 0 or 1; column \(j + 1) is \(row[j])"
        }
        return nil
    }
}
