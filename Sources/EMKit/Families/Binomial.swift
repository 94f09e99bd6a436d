/// The binomial distribution of the number of successes in `n` trials with success probability
/// `p`, as a mixture component. A row is `(successes, trials)`; trials may differ between rows.
///
/// ```
/// log p(s | n) = log C(n, s) + s log p + (n − s) log(1 − p)
/// M-step:  p = (Σ w s + a) / (Σ w n + a + b)      (a, b: the Beta prior's pseudo-counts)
/// ```
public struct Binomial: MixtureComponent {
    public typealias Statistics = WeightedSums
    public typealias Prior = BetaPrior

    /// The success probability, in [0, 1].
    public var probability: Double

    /// A binomial component.
    ///
    /// - Throws: `EMError.invalidModel` unless `0 ≤ probability ≤ 1`.
    public init(probability: Double) throws {
        guard probability >= 0, probability <= 1 else {
            throw EMError.invalidModel(reason: "a binomial probability must be in [0, 1], got \(probability)")
        }
        self.probability = probability
    }

    public static var parameterName: String { "probabilities" }
    public var parameterVector: [Double] { [probability] }

    public init(parameterVector vector: [Double]) throws {
        guard vector.count == 1 else { throw EMError.invalidModel(reason: "a binomial component has one probability") }
        try self.init(probability: vector[0])
    }

    public static var familyName: String { "binomial" }
    public var dimension: Int { 2 }
    public var parameterCount: Int { 1 }
    public var orderingKey: Double { probability }

    public static func emptyStatistics(dimension: Int) -> WeightedSums { WeightedSums(dimension: dimension) }

    public func logDensity(_ x: UnsafePointer<Double>) -> Double {
        let (s, n) = (x[0], x[1])
        return logFactorial(n) - logFactorial(s) - logFactorial(n - s) + xLogP(s, probability) + xLogP(n - s, 1 - probability)
    }

    public static func accumulate(_ x: UnsafePointer<Double>, weight: Double, into statistics: inout WeightedSums) {
        statistics.add(x, weight: weight)
    }

    public static func estimate(from statistics: WeightedSums, dimension: Int, prior: BetaPrior?) throws -> Binomial {
        let a = prior?.successes ?? 0
        let b = prior?.failures ?? 0
        let total = statistics.sums[1] + a + b
        guard total > 0 else { throw EMError.degenerateComponent(component: 0, iteration: 0, reason: .emptyComponent) }
        return try Binomial(probability: min(1, max(0, (statistics.sums[0] + a) / total)))
    }

    public func logPriorDensity(_ prior: BetaPrior) -> Double { prior.logDensity(probability) }

    public func sample(trials: Int, using generator: inout some RandomNumberGenerator) -> [Double] {
        var successes = 0
        for _ in 0..<trials where generator.nextUnitInterval() < probability { successes += 1 }
        return [Double(successes), Double(trials)]
    }

    public static func prior(pseudoCount: Double) -> Prior { BetaPrior(successes: pseudoCount, failures: pseudoCount) }

    public static var initialSmoothing: Prior { BetaPrior(successes: 0.5, failures: 0.5) }

    /// Rows are compared by their proportion of successes (0.5 for no trials).
    /// Rows are compared by their proportion of successes, not as they are.
    public static var seedsOnRows: Bool { false }

    public static func seedingFeatures(of row: UnsafePointer<Double>, dimension: Int) -> [Double] {
        [row[1] > 0 ? row[0] / row[1] : 0.5]
    }

    public static func problem(with row: UnsafePointer<Double>, dimension: Int) -> String? {
        guard dimension == 2 else { return "binomial rows are (successes, trials): 2 columns, not \(dimension)" }
        let (s, n) = (row[0], row[1])
        guard isCount(s), isCount(n) else { return "counts must be whole numbers ≥ 0, got (\(s), \(n))" }
        func count(_ x: Double) -> String { Int64(exactly: x).map(String.init) ?? "\(x)" }
        guard s <= n else { return "successes (\(count(s))) exceed trials (\(count(n)))" }
        return nil
    }
}
