/// The categorical (multinomial) distribution over `d` categories, as a mixture component. A row
/// is the count of each category (one-hot for a single label).
///
/// ```
/// log p(x) = log (n! / Πⱼ xⱼ!) + Σⱼ xⱼ log pⱼ,   n = Σⱼ xⱼ
/// M-step:  pⱼ = (Σ w xⱼ + αⱼ) / Σₖ (Σ w xₖ + αₖ)
/// ```
public struct Categorical: MixtureComponent {
    public typealias Statistics = WeightedSums
    public typealias Prior = DirichletPrior

    /// The probability of each category, `[d]`, summing to 1.
    public var probabilities: [Double]

    /// A categorical component.
    ///
    /// - Throws: `EMError.invalidModel` unless the probabilities are in [0, 1] and sum to 1.
    public init(probabilities: [Double]) throws {
        guard probabilities.count >= 1, probabilities.allSatisfy({ $0 >= 0 && $0 <= 1 }),
            abs(probabilities.reduce(0, +) - 1) < 1e-9
        else {
            throw EMError.invalidModel(reason: "categorical probabilities must be in [0, 1] and sum to 1, got \(probabilities)")
        }
        self.probabilities = probabilities
    }

    public static var parameterName: String { "probabilities" }
    public var parameterVector: [Double] { probabilities }

    public init(parameterVector vector: [Double]) throws {
        try self.init(probabilities: vector)
    }

    public static var familyName: String { "categorical" }
    public var dimension: Int { probabilities.count }
    public var parameterCount: Int { probabilities.count - 1 }
    public var orderingKey: Double { probabilities[0] }

    public static func emptyStatistics(dimension: Int) -> WeightedSums { WeightedSums(dimension: dimension) }

    public func logDensity(_ x: UnsafePointer<Double>) -> Double {
        var total = 0.0
        var s = 0.0
        for j in 0..<probabilities.count {
            total += x[j]
            s += xLogP(x[j], probabilities[j]) - logFactorial(x[j])
        }
        return s + logFactorial(total)
    }

    public static func accumulate(_ x: UnsafePointer<Double>, weight: Double, into statistics: inout WeightedSums) {
        statistics.add(x, weight: weight)
    }

    public static func estimate(from statistics: WeightedSums, dimension: Int, prior: DirichletPrior?) throws -> Categorical {
        let counts = statistics.sums.map { $0 + (prior?.pseudoCount ?? 0) }
        let total = counts.reduce(0, +)
        guard total > 0 else { throw EMError.degenerateComponent(component: 0, iteration: 0, reason: .emptyComponent) }
        return try Categorical(probabilities: counts.map { $0 / total })
    }

    public func logPriorDensity(_ prior: DirichletPrior) -> Double {
        probabilities.reduce(0) { $0 + xLogP(prior.pseudoCount, $1) }
    }

    public func sample(trials: Int, using generator: inout some RandomNumberGenerator) -> [Double] {
        var counts = [Double](repeating: 0, count: dimension)
        for _ in 0..<trials { counts[generator.nextIndex(weights: probabilities)] += 1 }
        return counts
    }

    public static func prior(pseudoCount: Double) -> Prior { DirichletPrior(pseudoCount: pseudoCount) }

    public static var initialSmoothing: Prior { DirichletPrior(pseudoCount: 0.5) }

    public static func problem(with row: UnsafePointer<Double>, dimension: Int) -> String? {
        for j in 0..<dimension where !isCount(row[j]) {
            return "category counts must be whole numbers ≥ 0; column \(j + 1) is \(row[j])"
        }
        return nil
    }
}

/// A symmetric Dirichlet prior given by its pseudo-count per category (α − 1 ≥ 0; 1 is Laplace smoothing).
public struct DirichletPrior: Sendable, Equatable {
    /// The pseudo-count added to every category (α − 1).
    public var pseudoCount: Double

    /// A prior adding `pseudoCount` to every category.
    public init(pseudoCount: Double = 1) { self.pseudoCount = pseudoCount }
}

extension Categorical {
    /// One-hot count rows from a column of category labels: label `v` becomes a row with a 1 in
    /// the column of `v` among the sorted distinct labels.
    ///
    /// - Returns: the `N × C` counts and the `C` distinct labels, in column order.
    public static func counts(fromLabels labels: [Double]) -> (counts: Matrix, categories: [Double]) {
        let categories = Array(Set(labels)).sorted()
        let column = Dictionary(categories.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var counts = Matrix(rowCount: labels.count, columnCount: categories.count)
        for (n, label) in labels.enumerated() { counts[n, column[label] ?? 0] = 1 }
        return (counts, categories)
    }
}
