/// Emissions built from a mixture family: state `s` emits observations from `components[s]`, read
/// through `Encoding` (`RowObservations` or `SymbolObservations`).
///
/// The densities, statistics, M-step, prior, sampling and parameter vector are the family's own,
/// the same code a `FiniteMixture` of that family runs; a family written once is an HMM emission.
/// `PoissonEmission`, `CategoricalEmission` and `NegativeBinomialEmission` are instances.
public struct FamilyEmission<Encoding: ObservationEncoding>: HMMEmission {
    /// The family.
    public typealias Component = Encoding.Component

    /// One component per state, `[S]`, all of one dimension.
    public internal(set) var components: [Component]

    /// a ≥ 0: the M-step estimates each state's component under the family's conjugate prior with
    /// this pseudo-count (`Component.prior(pseudoCount:)`: a Dirichlet(1 + a) prior on categorical
    /// probabilities, a Gamma(1 + a, 0) prior on Poisson rates). Default 0: maximum likelihood.
    public var pseudoCount: Double = 0

    /// Emissions with one component per state.
    ///
    /// - Throws: `EMError.invalidModel` for no states or components of different dimensions.
    public init(components: [Component]) throws {
        guard let first = components.first else { throw EMError.invalidModel(reason: "emissions need at least one state") }
        guard components.allSatisfy({ $0.dimension == first.dimension }) else {
            throw EMError.invalidModel(reason: "the states' \(Component.familyName) emissions have different dimensions")
        }
        self.components = components
    }

    /// Emissions whose state `s` has the parameters of row `s` of `parameters` (each row a
    /// component's `parameterVector`).
    ///
    /// - Throws: `EMError.invalidModel` naming the state whose parameters are not valid.
    public init(parameters: Matrix) throws {
        try self.init(components: (0..<parameters.rowCount).map { s in
            do { return try Component(parameterVector: parameters.row(s)) } catch EMError.invalidModel(let reason) {
                throw EMError.invalidModel(reason: "state \(s + 1): \(reason)")
            }
        })
    }

    public static var familyName: String { Component.familyName }
    public var stateCount: Int { components.count }
    /// The number of values per observation.
    public var dimension: Int { Encoding.observationWidth(componentDimension: componentDimension) }
    /// The number of values in a component's row (the number of symbols for `SymbolObservations`).
    public var componentDimension: Int { components[0].dimension }
    public var parameterCount: Int { components.reduce(0) { $0 + $1.parameterCount } }

    /// The components' parameter vectors, one row per state (`S × P`).
    public var parameters: Matrix { Matrix(rows: components.map(\.parameterVector)) }

    /// The prior the M-step uses, `nil` for maximum likelihood.
    var prior: Component.Prior? { pseudoCount > 0 ? Component.prior(pseudoCount: pseudoCount) : nil }

    public func emptyStatistics() -> [Component.Statistics] {
        components.map { Component.emptyStatistics(dimension: $0.dimension) }
    }

    public static func merge(_ statistics: inout [Component.Statistics], _ other: [Component.Statistics]) {
        for s in statistics.indices { statistics[s].merge(other[s]) }
    }

    public static func scale(_ statistics: inout [Component.Statistics], by factor: Double) {
        for s in statistics.indices { statistics[s].scale(by: factor) }
    }

    // The inner loops are specialised for the built-in families: the HMM engine calls them
    // through its generic code, where unspecialised family calls cost a third of an iteration.
    @_specialize(where Encoding == RowObservations<Poisson>)
    @_specialize(where Encoding == RowObservations<NegativeBinomial>)
    @_specialize(where Encoding == SymbolObservations)
    public func logDensities(_ rows: UnsafePointer<Double>, count: Int, into logDensities: UnsafeMutablePointer<Double>) {
        let s = stateCount
        let d = dimension
        let width = componentDimension
        components.withUnsafeBufferPointer { components in
            for t in 0..<count {
                // The parameter-free part (−Σ log x! for counts) once per observation, not once per state.
                let x = rows + t * d
                let base = Encoding.logBaseMeasure(at: x, componentDimension: width)
                for c in 0..<s { logDensities[t * s + c] = Encoding.logDensity(of: components[c], at: x, base: base) }
            }
        }
    }

    @_specialize(where Encoding == RowObservations<Poisson>)
    @_specialize(where Encoding == RowObservations<NegativeBinomial>)
    @_specialize(where Encoding == SymbolObservations)
    public func accumulate(
        _ rows: UnsafePointer<Double>, count: Int, posteriors: UnsafePointer<Double>, into statistics: inout [Component.Statistics]
    ) {
        let s = stateCount
        let d = dimension
        statistics.withUnsafeMutableBufferPointer { statistics in
            for t in 0..<count {
                for c in 0..<s {
                    let g = posteriors[t * s + c]
                    if g > 0 { Encoding.accumulate(rows + t * d, weight: g, into: &statistics[c]) }
                }
            }
        }
    }

    public func maximized(from statistics: [Component.Statistics]) throws -> FamilyEmission {
        var result = self
        let prior = prior
        for c in 0..<stateCount {
            do {
                result.components[c] = try Component.estimate(from: statistics[c], dimension: componentDimension, prior: prior)
            } catch EMError.degenerateComponent(_, _, let reason) {
                throw EMError.degenerateComponent(component: c, iteration: 0, reason: reason)
            }
        }
        return result
    }

    public func sample(state: Int, using generator: inout some RandomNumberGenerator) -> [Double] {
        Encoding.sample(from: components[state], using: &generator)
    }

    public func problem(with row: UnsafePointer<Double>) -> String? {
        Encoding.problem(with: row, componentDimension: componentDimension)
    }

    /// The same emissions with pseudo-count `count`.
    ///
    /// - Throws: `EMError.invalidParameter` for a negative or non-finite count.
    public func withPseudoCount(_ count: Double) throws -> FamilyEmission {
        guard count >= 0, count.isFinite else {
            throw EMError.invalidParameter(name: "emission pseudo-count", value: "\(count)", expected: "a finite number ≥ 0")
        }
        var result = self
        result.pseudoCount = count
        return result
    }

    public typealias FitSettings = Encoding.FitSettings

    /// The encoding's initialiser (`ObservationEncoding.initializer`): one component per state.
    public static func initializer(
        for data: SequenceDataset, options: HiddenMarkovModel<FamilyEmission>.FitOptions
    ) throws -> (inout SeededGenerator) throws -> FamilyEmission {
        let components = try Encoding.initializer(
            for: data, stateCount: options.stateCount, settings: options.emission, threadCount: options.em.threadCount)
        return { generator in try FamilyEmission(components: components(&generator)) }
    }

    /// The components' log-density under the prior (up to its constant), 0 without one.
    public func logPrior() -> Double {
        guard let prior else { return 0 }
        return components.reduce(0) { $0 + $1.logPriorDensity(prior) }
    }
}

extension FamilyEmission: ParameterVectorConvertible {
    /// The states' parameter vectors, one after another.
    public var parameterVector: [Double] { components.flatMap(\.parameterVector) }

    public func replacingParameters(with vector: [Double]) -> FamilyEmission? {
        let stride = components[0].parameterVector.count
        guard vector.count == stateCount * stride,
            var result = try? FamilyEmission(parameters: Matrix(rowCount: stateCount, columnCount: stride, elements: vector))
        else { return nil }
        result.pseudoCount = pseudoCount
        return result
    }
}

/// Categorical emissions of one symbol per observation (`0 ..< M`, one column): state s emits
/// symbol m with probability `probabilities[s, m]`.
public typealias CategoricalEmission = FamilyEmission<SymbolObservations>

extension FamilyEmission where Encoding == SymbolObservations {
    /// Emissions with the given `S × M` probabilities.
    ///
    /// - Throws: `EMError.invalidModel` unless every row is a probability vector.
    public init(probabilities: Matrix) throws {
        guard probabilities.rowCount >= 1, probabilities.columnCount >= 1 else {
            throw EMError.invalidModel(reason: "categorical emissions need at least one state and one symbol")
        }
        try self.init(parameters: probabilities)
    }

    /// The `S × M` emission probabilities, each row summing to 1.
    public var probabilities: Matrix { parameters }
    /// The number of symbols M.
    public var symbolCount: Int { componentDimension }
    /// The most symbols a fit takes, 65 536 (`SymbolObservations.maximumSymbolCount`).
    public static var maximumSymbolCount: Int { SymbolObservations.maximumSymbolCount }
}

/// Poisson emissions: an observation is `d` counts, independent Poisson given the state.
public typealias PoissonEmission = FamilyEmission<RowObservations<Poisson>>

extension FamilyEmission where Encoding == RowObservations<Poisson> {
    /// Emissions with the given `S × d` rates.
    ///
    /// - Throws: `EMError.invalidModel` for a negative or non-finite rate.
    public init(rates: Matrix) throws {
        guard rates.rowCount >= 1, rates.columnCount >= 1 else {
            throw EMError.invalidModel(reason: "Poisson emissions need at least one state and one count")
        }
        try self.init(parameters: rates)
    }

    /// The `S × d` rates.
    public var rates: Matrix { parameters }
}
