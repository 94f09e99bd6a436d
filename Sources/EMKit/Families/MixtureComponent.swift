/// One component family of a `FiniteMixture`: a distribution over rows of numbers that can score
/// a row, collect weighted sufficient statistics, re-estimate itself from them and draw samples.
///
/// A new family needs only this; the mixture, the EM loop, restarts, hard EM, priors, model
/// selection and files come with `FiniteMixture`.
public protocol MixtureComponent: Sendable, Equatable {
    /// The weighted sufficient statistics of one component.
    associatedtype Statistics: ComponentStatistics
    /// The conjugate prior's pseudo-counts, used by MAP estimation.
    associatedtype Prior: Sendable, Equatable

    /// The family's name in model files (`"binomial"` gives the kind `"binomial-mixture"`).
    static var familyName: String { get }

    /// The number of numbers per row.
    var dimension: Int { get }

    /// The number of free parameters.
    var parameterCount: Int { get }

    /// A number that orders components canonically (after their weights).
    var orderingKey: Double { get }

    /// Statistics of no data in `dimension` dimensions.
    static func emptyStatistics(dimension: Int) -> Statistics

    /// `log p(x)` of the row `x` (`dimension` values).
    func logDensity(_ x: UnsafePointer<Double>) -> Double

    /// The part of `log p(x)` that does not depend on the parameters (`−Σ log xⱼ!` for counts),
    /// computed once per row when a row is scored under many components. Default 0.
    static func logBaseMeasure(of x: UnsafePointer<Double>, dimension: Int) -> Double

    /// `log p(x)` given `base = logBaseMeasure(of: x)`. Default: `logDensity(x)`.
    func logDensity(_ x: UnsafePointer<Double>, base: Double) -> Double

    /// Adds the row `x` with weight `weight` (sample weight × responsibility) to `statistics`.
    static func accumulate(_ x: UnsafePointer<Double>, weight: Double, into statistics: inout Statistics)

    /// The maximum-likelihood (or, with a prior, maximum a posteriori) component from statistics.
    ///
    /// - Throws: `EMError.degenerateComponent` (component 0, iteration 0: the mixture fills in
    ///   both) when the statistics cannot determine the parameters.
    static func estimate(from statistics: Statistics, dimension: Int, prior: Prior?) throws -> Self

    /// The log-density of the parameters under `prior` (up to a constant), for the MAP objective.
    func logPriorDensity(_ prior: Prior) -> Double

    /// One random row. `trials` is the number of draws for count families (binomial, categorical);
    /// others ignore it.
    func sample(trials: Int, using generator: inout some RandomNumberGenerator) -> [Double]

    /// Why `row` is not a valid observation of this family, or `nil` when it is.
    static func problem(with row: UnsafePointer<Double>, dimension: Int) -> String?

    /// The name of the parameters in model files (`"probabilities"`, `"rates"`).
    static var parameterName: String { get }

    /// The parameters as numbers, for model files.
    var parameterVector: [Double] { get }

    /// The parameters by name, for summaries (default: `parameterName` and `parameterVector`).
    var namedParameters: [(name: String, values: [Double])] { get }

    /// A component from its parameters as numbers.
    ///
    /// - Throws: `EMError.invalidModel` saying what is wrong.
    init(parameterVector: [Double]) throws

    /// The family's conjugate prior that adds `pseudoCount` to every count (Laplace smoothing for 1).
    static func prior(pseudoCount: Double) -> Prior

    /// The prior the initialiser's first M-step uses so that no probability starts at 0 or 1.
    static var initialSmoothing: Prior { get }

    /// The coordinates k-means++ seeding compares rows by (default: the row itself).
    static func seedingFeatures(of row: UnsafePointer<Double>, dimension: Int) -> [Double]

    /// Whether `seedingFeatures` are the row itself (the default), so that k-means can read the
    /// rows directly instead of mapping each.
    static var seedsOnRows: Bool { get }
}

extension MixtureComponent {
    public static func logBaseMeasure(of x: UnsafePointer<Double>, dimension: Int) -> Double { 0 }

    public func logDensity(_ x: UnsafePointer<Double>, base: Double) -> Double { logDensity(x) }

    public var namedParameters: [(name: String, values: [Double])] { [(Self.parameterName, parameterVector)] }

    public static func seedingFeatures(of row: UnsafePointer<Double>, dimension: Int) -> [Double] {
        Array(UnsafeBufferPointer(start: row, count: dimension))
    }

    public static var seedsOnRows: Bool { true }
}

/// The statistics of one mixture component: mergeable, scalable and exactly serialisable (so
/// that E-steps can run in other processes).
public protocol ComponentStatistics: StatisticsArchivable, Equatable {
    /// The total sample weight accumulated (Σ sample weight × responsibility).
    var sampleWeight: Double { get }
    /// Adds the statistics of other data.
    mutating func merge(_ other: Self)
    /// Multiplies every sum by `factor`.
    mutating func scale(by factor: Double)
}

/// Weighted sums of rows: the sufficient statistics of the exponential families whose natural
/// statistic is the row itself (Bernoulli, binomial, categorical, Poisson).
public struct WeightedSums: ComponentStatistics {
    /// Σ w.
    public var sampleWeight: Double
    /// Σ w x, `[dimension]`.
    public var sums: [Double]

    /// Statistics of no data in `dimension` dimensions.
    public init(dimension: Int) {
        sampleWeight = 0
        sums = Array(repeating: 0, count: dimension)
    }

    /// Adds `weight · x`.
    @inline(__always)
    public mutating func add(_ x: UnsafePointer<Double>, weight w: Double) {
        sampleWeight += w
        sums.withUnsafeMutableBufferPointer { sums in
            for j in sums.indices { sums[j] += w * x[j] }
        }
    }

    public mutating func merge(_ other: WeightedSums) {
        sampleWeight += other.sampleWeight
        for j in sums.indices { sums[j] += other.sums[j] }
    }

    public mutating func scale(by factor: Double) {
        sampleWeight *= factor
        for j in sums.indices { sums[j] *= factor }
    }
}

/// Pseudo-counts of a Beta prior on each probability of a binary outcome: `successes` and
/// `failures` are the Beta's α − 1 and β − 1 (so 1 and 1 is Laplace smoothing, 0 and 0 no prior).
public struct BetaPrior: Sendable, Equatable {
    /// Pseudo-successes (α − 1 ≥ 0).
    public var successes: Double
    /// Pseudo-failures (β − 1 ≥ 0).
    public var failures: Double

    /// A prior with the given pseudo-counts.
    public init(successes: Double = 1, failures: Double = 1) {
        self.successes = successes
        self.failures = failures
    }

    /// `(α − 1) log p + (β − 1) log(1 − p)`.
    func logDensity(_ p: Double) -> Double {
        (successes == 0 ? 0 : successes * _log(p)) + (failures == 0 ? 0 : failures * _log(1 - p))
    }
}

/// `x log p`, with `0 log 0 = 0`.
@inline(__always) func xLogP(_ x: Double, _ p: Double) -> Double {
    x == 0 ? 0 : x * _log(p)
}

/// `log Γ(x + 1) = log x!`.
@inline(__always) func logFactorial(_ x: Double) -> Double { _lgamma(x + 1) }

/// Whether `x` is a non-negative whole number.
@inline(__always) func isCount(_ x: Double) -> Bool { x >= 0 && x == x.rounded() && x.isFinite }

/// Why the `dimension` values of `row` are not counts of `family` (`"Poisson"`), or `nil` when they are.
func countProblem(in row: UnsafePointer<Double>, dimension: Int, family: String) -> String? {
    for j in 0..<dimension where !isCount(row[j]) {
        return "\(family) counts must be whole numbers ≥ 0; column \(j + 1) is \(row[j])"
    }
    return nil
}

extension WeightedSums: StatisticsArchivable {
    /// As many sums.
    public func hasShape(of other: WeightedSums) -> Bool { sums.count == other.sums.count }

    public func write(to writer: inout StatisticsWriter) {
        writer.write(sampleWeight)
        writer.write(sums)
    }

    public init(from reader: inout StatisticsReader) throws {
        let weight = try reader.readDouble()
        self.init(dimension: 0)
        self.sampleWeight = weight
        sums = try reader.readDoubles()
    }
}
