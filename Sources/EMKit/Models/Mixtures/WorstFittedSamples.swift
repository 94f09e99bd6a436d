/// The samples with the lowest log-likelihood seen so far, kept to re-seed components that
/// degenerate: a collapsed component restarts at a point the model explains worst.
///
/// Mergeable like the rest of the E-step's statistics: merging keeps the `capacity` lowest,
/// earlier chunks first on ties, so the result does not depend on threading.
public struct WorstFittedSamples: Sendable, Equatable {
    /// How many samples are kept.
    public let capacity: Int
    /// The kept samples as (log-likelihood, sample), lowest log-likelihood first.
    public private(set) var samples: [(logLikelihood: Double, values: [Double])] = []

    /// An empty list that will keep at most `capacity` samples.
    public init(capacity: Int) { self.capacity = capacity }

    /// The log-likelihood a new sample must be below to enter the list.
    @inlinable public var threshold: Double {
        samples.count < capacity ? .infinity : samples[samples.count - 1].logLikelihood
    }

    /// Offers a sample; it is kept when it is among the `capacity` worst so far.
    public mutating func offer(logLikelihood: Double, values: @autoclosure () -> [Double]) {
        guard capacity > 0, logLikelihood < threshold else { return }
        let position = samples.firstIndex { $0.logLikelihood > logLikelihood } ?? samples.count
        samples.insert((logLikelihood, values()), at: position)
        if samples.count > capacity { samples.removeLast() }
    }

    /// Adds the samples of `other` (from later data).
    public mutating func merge(_ other: WorstFittedSamples) {
        for sample in other.samples { offer(logLikelihood: sample.logLikelihood, values: sample.values) }
    }

    public static func == (lhs: WorstFittedSamples, rhs: WorstFittedSamples) -> Bool {
        lhs.capacity == rhs.capacity && lhs.samples.count == rhs.samples.count
            && zip(lhs.samples, rhs.samples).allSatisfy { $0.logLikelihood == $1.logLikelihood && $0.values == $1.values }
    }
}

extension WorstFittedSamples: StatisticsArchivable {
    /// Any list merges with any other (it keeps its own capacity); the samples' dimension is
    /// checked by the statistics that hold the list.
    public func hasShape(of other: WorstFittedSamples) -> Bool { true }

    public func write(to writer: inout StatisticsWriter) {
        writer.write(capacity)
        writer.write(samples.count)
        for sample in samples {
            writer.write(sample.logLikelihood)
            writer.write(sample.values)
        }
    }

    public init(from reader: inout StatisticsReader) throws {
        self.init(capacity: try reader.readCount(0...1_000_000, bytesEach: 0))
        let count = try reader.readCount(0...capacity, bytesEach: 16)
        for _ in 0..<count {
            let logLikelihood = try reader.readDouble()
            let values = try reader.readDoubles()
            offer(logLikelihood: logLikelihood, values: values)
        }
    }
}
