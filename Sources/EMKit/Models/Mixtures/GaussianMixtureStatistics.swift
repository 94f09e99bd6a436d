/// The sufficient statistics of a Gaussian mixture's E-step: per component, the total
/// responsibility, the responsibility-weighted mean and centred scatter; and, when components
/// may be re-seeded, the worst-fitted samples.
public struct GaussianMixtureStatistics: ModelStatistics, Equatable {
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

extension GaussianMixtureStatistics: PortableStatistics {
    public static var archiveKind: String { "gaussian-mixture" }

    /// Moments of the same shape (the reader has checked the rest against them).
    public func hasShape(of other: GaussianMixtureStatistics) -> Bool { moments.hasShape(of: other.moments) }

    public func write(to writer: inout StatisticsWriter) {
        moments.write(to: &writer)
        worstFitted.write(to: &writer)
        writer.write(conditionalScatter)
        // Patterns in a fixed order, so that equal statistics give equal bytes.
        let sorted = patterns.sorted { $0.words.lexicographicallyPrecedes($1.words) }
        writer.write(sorted.count)
        for pattern in sorted {
            writer.write(pattern.words.count)
            for word in pattern.words { writer.write(word) }
        }
    }

    public init(from reader: inout StatisticsReader) throws {
        moments = try GaussianMoments(from: &reader)
        let d = moments.dimension
        worstFitted = try WorstFittedSamples(from: &reader)
        guard worstFitted.samples.allSatisfy({ $0.values.count == d }) else {
            throw StatisticsArchiveError(reason: "worst-fitted samples of another dimension than \(d)")
        }
        conditionalScatter = try reader.readDoubles()
        let k = moments.groupCount
        guard conditionalScatter.isEmpty || conditionalScatter.count == k * d * d else {
            throw StatisticsArchiveError(reason: "conditional scatter of \(conditionalScatter.count) values for \(k) components of \(d) dimensions")
        }
        let patternCount = try reader.readCount(bytesEach: 8)
        for _ in 0..<patternCount {
            let wordCount = try reader.readCount((d + 63) / 64...(d + 63) / 64)
            var words: [UInt64] = []
            for _ in 0..<wordCount { words.append(try reader.readUInt64()) }
            patterns.insert(MissingPattern(words: words, dimension: d))
        }
    }
}
