/// The sufficient statistics of a Gaussian mixture's E-step: per component, the total
/// responsibility, the responsibility-weighted mean and centred scatter; and, when components
/// may be re-seeded, the worst-fitted samples.
public struct GaussianMixtureStatistics: ScalableStatistics, Equatable {
    /// Responsibility-weighted moments, one group per component.
    public internal(set) var moments: GaussianMoments
    /// The samples with the lowest log-likelihood (only tracked under `DegeneracyPolicy.reseed`).
    public internal(set) var worstFitted: WorstFittedSamples

    /// Statistics of no data.
    public init(componentCount: Int, dimension: Int, scatterShape: GaussianMoments.ScatterShape, worstFittedCapacity: Int) {
        moments = GaussianMoments(groupCount: componentCount, dimension: dimension, scatterShape: scatterShape)
        worstFitted = WorstFittedSamples(capacity: worstFittedCapacity)
    }

    public var sampleWeight: Double { moments.weights.reduce(0, +) }

    public mutating func scale(by factor: Double) { moments.scale(by: factor) }

    public mutating func merge(_ other: GaussianMixtureStatistics) {
        moments.merge(other.moments)
        worstFitted.merge(other.worstFitted)
    }
}
