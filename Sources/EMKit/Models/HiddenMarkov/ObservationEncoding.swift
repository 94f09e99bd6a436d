/// How an observation of a hidden Markov model is read as a row of a component family, so that
/// one family (`Poisson`, `Categorical`, `NegativeBinomial`, …) serves mixtures and HMMs alike.
///
/// Most families read an observation exactly as a mixture reads a row (`RowObservations`).
/// Categorical observations are usually one symbol each: `SymbolObservations` reads the symbol
/// `m` as the sparse form of the one-hot count row with a 1 in column `m`, so the densities,
/// statistics and M-step are `Categorical`'s own.
public protocol ObservationEncoding: Sendable {
    /// The family whose components the states hold.
    associatedtype Component: MixtureComponent

    /// The number of values per observation for components of `componentDimension` values per row.
    static func observationWidth(componentDimension: Int) -> Int

    /// `log p(x)` of the observation `x` under `component`.
    static func logDensity(of component: Component, at x: UnsafePointer<Double>) -> Double

    /// Adds the observation `x` with weight `weight` to a component's statistics.
    static func accumulate(_ x: UnsafePointer<Double>, weight: Double, into statistics: inout Component.Statistics)

    /// One random observation from `component`.
    static func sample(from component: Component, using generator: inout some RandomNumberGenerator) -> [Double]

    /// Why `x` is not a valid observation for components of `componentDimension`, or `nil`.
    static func problem(with x: UnsafePointer<Double>, componentDimension: Int) -> String?
}

/// Observations that are rows of the family, as a mixture reads them (`d` counts for Poisson).
/// Sampling draws one trial for families that count trials.
public enum RowObservations<Component: MixtureComponent>: ObservationEncoding {
    public static func observationWidth(componentDimension: Int) -> Int { componentDimension }

    @inline(__always)
    public static func logDensity(of component: Component, at x: UnsafePointer<Double>) -> Double {
        component.logDensity(x)
    }

    @inline(__always)
    public static func accumulate(_ x: UnsafePointer<Double>, weight: Double, into statistics: inout Component.Statistics) {
        Component.accumulate(x, weight: weight, into: &statistics)
    }

    public static func sample(from component: Component, using generator: inout some RandomNumberGenerator) -> [Double] {
        component.sample(trials: 1, using: &generator)
    }

    public static func problem(with x: UnsafePointer<Double>, componentDimension: Int) -> String? {
        Component.problem(with: x, dimension: componentDimension)
    }
}

/// Categorical observations as one symbol each, a whole number `0 ..< M` in a single column: the
/// sparse form of `Categorical`'s one-hot count row, with the same density (`log pₘ`), statistics
/// and M-step.
public enum SymbolObservations: ObservationEncoding {
    public typealias Component = Categorical

    public static func observationWidth(componentDimension: Int) -> Int { 1 }

    @inline(__always)
    public static func logDensity(of component: Categorical, at x: UnsafePointer<Double>) -> Double {
        _log(component.probabilities[Int(x[0])])
    }

    @inline(__always)
    public static func accumulate(_ x: UnsafePointer<Double>, weight: Double, into statistics: inout WeightedSums) {
        statistics.sampleWeight += weight
        statistics.sums[Int(x[0])] += weight
    }

    public static func sample(from component: Categorical, using generator: inout some RandomNumberGenerator) -> [Double] {
        let counts = component.sample(trials: 1, using: &generator)
        return [Double(counts.firstIndex(of: 1) ?? 0)]
    }

    public static func problem(with x: UnsafePointer<Double>, componentDimension: Int) -> String? {
        let m = x[0]
        guard isCount(m), m < Double(componentDimension) else {
            return "symbols must be whole numbers from 0 to \(componentDimension - 1), got \(m)"
        }
        return nil
    }
}
