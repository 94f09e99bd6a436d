/// The sufficient statistics of a Gaussian mixture's E-step: per component, the total
/// responsibility, the responsibility-weighted mean and centred scatter; and, when components
/// may be re-seeded, the worst-fitted samples.
public struct GaussianMixtureStatistics: ScalableStatistics, Equatable {
    /// Responsibility-weighted moments, one group per component.
    public internal(set) var moments: GaussianMoments
    /// The samples with the lowest log-likelihood (only tracked under `DegeneracyPolicy.reseed`).
    public internal(set) var worstFitted: WorstFittedSamples
    /// For data with missing values: Σᵢ rᵢₖ Cov[xᵢ | observed part, k] per component, `K × d × d`
    /// (empty when every row was complete). The M-step adds it to the scatter.
    public internal(set) var conditionalScatter: [Double] = []
    /// The missingness patterns seen, so the M-step can prepare their conditional factorisations.
    public internal(set) var patterns: Set<MissingPattern> = []

    /// Statistics of no data.
    public init(componentCount: Int, dimension: Int, scatterShape: GaussianMoments.ScatterShape, worstFittedCapacity: Int) {
        moments = GaussianMoments(groupCount: componentCount, dimension: dimension, scatterShape: scatterShape)
        worstFitted = WorstFittedSamples(capacity: worstFittedCapacity)
    }

    public var sampleWeight: Double { moments.weights.reduce(0, +) }

    public mutating func scale(by factor: Double) {
        moments.scale(by: factor)
        for i in conditionalScatter.indices { conditionalScatter[i] *= factor }
    }

    public mutating func merge(_ other: GaussianMixtureStatistics) {
        moments.merge(other.moments)
        worstFitted.merge(other.worstFitted)
        if conditionalScatter.isEmpty {
            conditionalScatter = other.conditionalScatter
        } else if !other.conditionalScatter.isEmpty {
            for i in conditionalScatter.indices { conditionalScatter[i] += other.conditionalScatter[i] }
        }
        patterns.formUnion(other.patterns)
    }
}
