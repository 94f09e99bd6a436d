/// A finite mixture of components of one family,
///
/// ```
/// p(x) = Σₖ πₖ fₖ(x),   Σₖ πₖ = 1
/// ```
///
/// fitted by the EM engine: binomial mixtures (the two-coin problem), Bernoulli, categorical and
/// Poisson mixtures, or any `MixtureComponent` of your own.
///
/// ```swift
/// // Seed 001's five rounds of ten tosses, as (heads, tosses).
/// let rounds = Matrix(rows: [[5, 10], [9, 10], [8, 10], [4, 10], [7, 10]])
/// let start = try BinomialMixture(weights: [0.5, 0.5], components: [Binomial(probability: 0.6), Binomial(probability: 0.5)])
/// var options = BinomialMixture.FitOptions(componentCount: 2)
/// options.initialization = .parameters(start)
/// options.fixWeights = true
/// let fit = try BinomialMixture.fit(try RowDataset(rounds), options: options)   // θ ≈ (0.80, 0.52)
/// ```
public struct FiniteMixture<Component: MixtureComponent>: Sendable {
    /// The mixing weights πₖ, `[K]`.
    public internal(set) var weights: [Double]
    /// The components, `[K]`.
    public internal(set) var components: [Component]
    /// How the model is refitted.
    public var fitSettings: FitSettings

    /// What the M-step does besides maximum likelihood.
    public struct FitSettings: Sendable, Equatable {
        /// Keep the mixing weights as given (the classic coin problem holds them equal).
        public var fixWeights: Bool = false
        /// Soft (EM) or hard (classification EM) assignment.
        public var assignment: GaussianMixture.Assignment = .soft
        /// Pseudo-count added to every component's weight (a symmetric Dirichlet prior, α − 1); 0: none.
        public var weightPseudoCount: Double = 0
        /// The components' conjugate prior (MAP estimation), so probabilities never collapse to
        /// 0 or 1; `nil`: maximum likelihood.
        public var componentPrior: Component.Prior? = nil

        /// The default: learned weights, soft assignment, no priors.
        public init() {}
    }

    /// The number of components K.
    public var componentCount: Int { weights.count }
    /// The number of values per row.
    public var dimension: Int { components[0].dimension }

    /// A mixture of the given weights and components.
    ///
    /// - Throws: `EMError.invalidModel` when the counts differ, a weight is not positive, the
    ///   weights do not sum to 1 (within 1e-6), or the components' dimensions differ.
    public init(weights: [Double], components: [Component], fitSettings: FitSettings = FitSettings()) throws {
        guard !weights.isEmpty, weights.count == components.count else {
            throw EMError.invalidModel(reason: "\(weights.count) weights for \(components.count) components")
        }
        guard weights.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw EMError.invalidModel(reason: "weights must be positive and finite, got \(weights)")
        }
        let sum = weights.reduce(0, +)
        guard abs(sum - 1) <= 1e-6 else { throw EMError.invalidModel(reason: "weights sum to \(sum), not 1") }
        guard components.allSatisfy({ $0.dimension == components[0].dimension }) else {
            throw EMError.invalidModel(reason: "the components have different dimensions")
        }
        self.weights = weights.map { $0 / sum }
        self.components = components
        self.fitSettings = fitSettings
    }

    /// The number of free parameters: `K − 1` weights (0 when fixed) and each component's.
    public var parameterCount: Int {
        (fitSettings.fixWeights ? 0 : componentCount - 1) + components.reduce(0) { $0 + $1.parameterCount }
    }

    /// The model-file kind, e.g. `"binomial-mixture"`.
    public static var kind: String { Component.familyName + "-mixture" }
}

/// A mixture of binomials: the two-coin problem of seeds 001 and 002.
public typealias BinomialMixture = FiniteMixture<Binomial>
/// A mixture of independent Bernoulli features.
public typealias BernoulliMixture = FiniteMixture<Bernoulli>
/// A mixture of categorical (multinomial) distributions.
public typealias CategoricalMixture = FiniteMixture<Categorical>
/// A mixture of independent Poisson counts.
public typealias PoissonMixture = FiniteMixture<Poisson>

/// The statistics of a finite mixture's E-step: one component's statistics per component.
public struct FiniteMixtureStatistics<Statistics: ComponentStatistics>: ModelStatistics {
    /// Per component, `[K]`.
    public internal(set) var components: [Statistics]

    public var sampleWeight: Double { components.reduce(0) { $0 + $1.sampleWeight } }

    public mutating func merge(_ other: FiniteMixtureStatistics) {
        for k in components.indices { components[k].merge(other.components[k]) }
    }

    public mutating func scale(by factor: Double) {
        for k in components.indices { components[k].scale(by: factor) }
    }
}

extension FiniteMixtureStatistics: StatisticsArchivable, PortableStatistics {
    public static var archiveKind: String { "finite-mixture" }
    /// As many components, each of the shape of its counterpart.
    public func hasShape(of other: FiniteMixtureStatistics) -> Bool { components.hasShape(of: other.components) }
    public func write(to writer: inout StatisticsWriter) { components.write(to: &writer) }
    public init(from reader: inout StatisticsReader) throws { components = try [Statistics](from: &reader) }
}

extension FiniteMixture: EMModel {
    public typealias Dataset = RowDataset

    public func emptyStatistics() -> FiniteMixtureStatistics<Component.Statistics> {
        FiniteMixtureStatistics(components: components.map { _ in Component.emptyStatistics(dimension: dimension) })
    }

    /// Calls `body` for each row with the row and its weighted log-densities `log πₖ + log fₖ(x)`, `[K]`.
    func forEachRowLogDensities(
        _ rows: UnsafePointer<Double>, count: Int,
        _ body: (_ row: Int, _ x: UnsafePointer<Double>, _ logDensities: UnsafeMutablePointer<Double>) throws -> Void
    ) rethrows {
        let k = componentCount
        let d = dimension
        let logWeights = weights.map { _log($0) }
        let logDensities = UnsafeMutablePointer<Double>.allocate(capacity: k)
        defer { logDensities.deallocate() }
        for n in 0..<count {
            let x = rows + n * d
            for c in 0..<k { logDensities[c] = logWeights[c] + components[c].logDensity(x) }
            try body(n, x, logDensities)
        }
    }

    /// The E-step: responsibilities `rᵢₖ ∝ πₖ fₖ(xᵢ)` folded into each component's statistics.
    ///
    /// - Throws: `EMError.dimensionMismatch`; `EMError.impossibleSample` when a row has probability
    ///   zero under every component (a probability reached 0 or 1: use a prior).
    public func accumulate(
        _ chunk: RowBlock, into statistics: inout FiniteMixtureStatistics<Component.Statistics>
    ) throws -> ChunkLikelihood {
        guard chunk.dataset.dimension == dimension else {
            throw EMError.dimensionMismatch(expected: dimension, actual: chunk.dataset.dimension)
        }
        let k = componentCount
        let hard = fitSettings.assignment == .hard
        var logLikelihood = 0.0
        var totalWeight = 0.0
        try chunk.withUnsafeRows { rows, weights in
            try forEachRowLogDensities(rows, count: chunk.rows.count) { n, x, logDensities in
                let w = weights?[n] ?? 1
                if w == 0 { return }
                let (logSum, best) = logSumExp(logDensities, count: k)
                guard logSum > -.infinity else { throw EMError.impossibleSample(row: chunk.rows.lowerBound + n) }
                totalWeight += w
                if hard {
                    logLikelihood += w * logDensities[best]
                    Component.accumulate(x, weight: w, into: &statistics.components[best])
                } else {
                    logLikelihood += w * logSum
                    for c in 0..<k {
                        let r = w * _exp(logDensities[c] - logSum)
                        if r > 0 { Component.accumulate(x, weight: r, into: &statistics.components[c]) }
                    }
                }
            }
        }
        return ChunkLikelihood(logLikelihood: logLikelihood, sampleWeight: totalWeight)
    }

    /// The M-step: weights from total responsibilities (plus the Dirichlet pseudo-count, unless
    /// fixed), each component from its statistics.
    public func maximized(from statistics: FiniteMixtureStatistics<Component.Statistics>) throws -> FiniteMixture {
        var result = self
        let alpha = fitSettings.weightPseudoCount
        if !fitSettings.fixWeights {
            let counts = statistics.components.map { $0.sampleWeight + alpha }
            let total = counts.reduce(0, +)
            for c in 0..<componentCount where !(counts[c] > 0) {
                throw EMError.degenerateComponent(component: c, iteration: 0, reason: .emptyComponent)
            }
            result.weights = counts.map { $0 / total }
        }
        for c in 0..<componentCount {
            do {
                result.components[c] = try Component.estimate(
                    from: statistics.components[c], dimension: dimension, prior: fitSettings.componentPrior)
            } catch EMError.degenerateComponent(_, _, let reason) {
                throw EMError.degenerateComponent(component: c, iteration: 0, reason: reason)
            }
        }
        return result
    }

    /// The log-density of the weights and components under the priors (up to a constant).
    public func logPrior() -> Double {
        var s = 0.0
        if !fitSettings.fixWeights && fitSettings.weightPseudoCount > 0 {
            s += weights.reduce(0) { $0 + fitSettings.weightPseudoCount * _log($1) }
        }
        if let prior = fitSettings.componentPrior {
            s += components.reduce(0) { $0 + $1.logPriorDensity(prior) }
        }
        return s
    }

    /// Components by descending weight, ties by ascending `orderingKey`.
    public func canonicalized() -> FiniteMixture {
        let order = canonicalComponentOrder(weights: weights, tieKeys: components.map(\.orderingKey))
        var result = self
        result.weights = order.map { weights[$0] }
        result.components = order.map { components[$0] }
        return result
    }
}

extension FiniteMixture: ParameterVectorConvertible {
    /// The weights, then each component's `parameterVector`.
    public var parameterVector: [Double] { weights + components.flatMap(\.parameterVector) }

    public func replacingParameters(with vector: [Double]) -> FiniteMixture? {
        let k = componentCount
        let stride = components[0].parameterVector.count
        guard vector.count == k + k * stride, vector.allSatisfy(\.isFinite) else { return nil }
        let newWeights = Array(vector[0..<k])
        guard newWeights.allSatisfy({ $0 > 0 }) else { return nil }
        let total = newWeights.reduce(0, +)
        guard let newComponents = try? (0..<k).map({ c in
            try Component(parameterVector: Array(vector[(k + c * stride)..<(k + (c + 1) * stride)]))
        }) else { return nil }
        return try? FiniteMixture(weights: newWeights.map { $0 / total }, components: newComponents, fitSettings: fitSettings)
    }
}

extension FiniteMixture {
    /// Components lighter than one sample or than their parameters (`DegeneratePart`).
    public func degenerateParts(sampleWeight: Double) -> [DegeneratePart] {
        DegeneratePart.sparseComponents(
            weights: weights, sampleWeight: sampleWeight,
            parametersPerComponent: 1 + (components.first?.parameterVector.count ?? 0))
    }
}
