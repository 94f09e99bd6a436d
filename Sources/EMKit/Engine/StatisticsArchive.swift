/// A value that is written to bytes and read back exactly (every `Double` by its bit pattern):
/// statistics and the parts they are made of.
public protocol StatisticsArchivable: Sendable {
    /// Writes every number the value holds.
    func write(to writer: inout StatisticsWriter)
    /// Reads a value written by `write(to:)`.
    ///
    /// - Throws: `StatisticsArchiveError` when the bytes end early or hold impossible sizes.
    init(from reader: inout StatisticsReader) throws

    /// Whether this value has the shape of `other` (as many components, states, columns; the same
    /// scatter shape), so that the two can be merged: what a reader of statistics from elsewhere
    /// checks against the model's empty statistics before merging. A value read back is
    /// consistent with itself; this compares it with the model's.
    func hasShape(of other: Self) -> Bool
}

/// The statistics of every EMKit model: merged in chunk order (threads), scaled (stepwise EM) and
/// archived exactly (other processes). One protocol, so that every model runs on threads, in
/// mini-batches and across processes alike.
public protocol ModelStatistics: ScalableStatistics, PortableStatistics {}

/// Sufficient statistics that can leave the process, so that E-steps computed elsewhere (another
/// process, a cluster task) merge into the same result, bit for bit, as if computed here.
public protocol PortableStatistics: SufficientStatistics, StatisticsArchivable {
    /// A name for the kind of statistics, checked when reading (`"gaussian-mixture"`).
    static var archiveKind: String { get }
}

extension Double: StatisticsArchivable {
    public func write(to writer: inout StatisticsWriter) { writer.write(self) }
    public init(from reader: inout StatisticsReader) throws { self = try reader.readDouble() }
    /// Every number has the shape of every other.
    public func hasShape(of other: Double) -> Bool { true }
}

extension Array: StatisticsArchivable where Element: StatisticsArchivable {
    /// The count, then each element.
    public func write(to writer: inout StatisticsWriter) {
        writer.write(count)
        for element in self { element.write(to: &writer) }
    }

    public init(from reader: inout StatisticsReader) throws {
        let count = try reader.readCount(bytesEach: 8)
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count { elements.append(try Element(from: &reader)) }
        self = elements
    }

    /// As many elements, each of the shape of its counterpart.
    public func hasShape(of other: [Element]) -> Bool {
        count == other.count && zip(self, other).allSatisfy { $0.hasShape(of: $1) }
    }
}

/// Why bytes could not be read as statistics.
public struct StatisticsArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var reason: String
    public var description: String { "not a statistics archive EMKit can read: \(reason)" }
}

/// Appends numbers to a byte buffer, little-endian, `Double`s by their bit patterns.
public struct StatisticsWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty buffer.
    public init() {}

    /// Appends a signed integer (8 bytes).
    public mutating func write(_ value: Int) { write(UInt64(bitPattern: Int64(value))) }

    /// Appends an unsigned integer (8 bytes).
    public mutating func write(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// Appends a number exactly (its bit pattern).
    public mutating func write(_ value: Double) { write(value.bitPattern) }

    /// Appends a count, then the numbers.
    public mutating func write(_ values: [Double]) {
        write(values.count)
        bytes.reserveCapacity(bytes.count + 8 * values.count)
        for value in values { write(value) }
    }

    /// Appends a count, then the UTF-8 bytes.
    public mutating func write(_ text: String) {
        let utf8 = Array(text.utf8)
        write(utf8.count)
        bytes += utf8
    }
}

/// Reads what a `StatisticsWriter` wrote, checking every size against the bytes left.
public struct StatisticsReader: Sendable {
    private let bytes: [UInt8]
    private var position = 0

    /// A reader at the start of `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { position == bytes.count }

    /// Reads an unsigned integer.
    public mutating func readUInt64() throws -> UInt64 {
        guard bytes.count - position >= 8 else { throw StatisticsArchiveError(reason: "it ends early") }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[position + i]) << UInt64(8 * i) }
        position += 8
        return value
    }

    /// Reads a signed integer.
    public mutating func readInt() throws -> Int { Int(Int64(bitPattern: try readUInt64())) }

    /// Reads a count that must lie in `range` and, at `bytesEach` bytes per item, fit in what is left.
    public mutating func readCount(_ range: ClosedRange<Int> = 0...Int.max, bytesEach: Int = 8) throws -> Int {
        let count = try readInt()
        guard range.contains(count), count <= (bytes.count - position) / max(bytesEach, 1) else {
            throw StatisticsArchiveError(reason: "a count of \(count) does not fit the \(bytes.count - position) bytes left")
        }
        return count
    }

    /// Reads a number.
    public mutating func readDouble() throws -> Double { Double(bitPattern: try readUInt64()) }

    /// Reads a count, then that many numbers (`count` checked when given).
    public mutating func readDoubles(count expected: Int? = nil) throws -> [Double] {
        let count = try readCount()
        if let expected, count != expected {
            throw StatisticsArchiveError(reason: "\(count) numbers where \(expected) were expected")
        }
        var values: [Double] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try readDouble()) }
        return values
    }

    /// Reads a count, then that many UTF-8 bytes.
    public mutating func readString() throws -> String {
        let count = try readCount(bytesEach: 1)
        defer { position += count }
        return String(decoding: bytes[position..<(position + count)], as: UTF8.self)
    }
}

/// The E-step statistics of a run of chunks, in chunk order, each with its log-likelihood and
/// sample weight: what a worker sends back. Merging the chunks of every part in global chunk order
/// reproduces the single-process E-step exactly (`ChunkedExpectation` merges in the same order).
public struct ChunkStatisticsArchive<Statistics: PortableStatistics>: Sendable {
    /// One chunk's results.
    public struct Chunk: Sendable {
        /// The chunk's statistics.
        public var statistics: Statistics
        /// Its log-likelihood and sample weight.
        public var likelihood: ChunkLikelihood

        /// A chunk's results.
        public init(statistics: Statistics, likelihood: ChunkLikelihood) {
            self.statistics = statistics
            self.likelihood = likelihood
        }
    }

    /// The chunks, in order.
    public var chunks: [Chunk]

    /// An archive of the given chunks.
    public init(chunks: [Chunk]) { self.chunks = chunks }

    /// The E-step of `model` on every chunk of `data`, each kept apart.
    ///
    /// - Throws: what the model's `accumulate` throws.
    public init<Model: EMModel>(expectationOf model: Model, on data: Model.Dataset) throws where Model.Statistics == Statistics {
        var chunks: [Chunk] = []
        for index in 0..<data.chunkCount {
            var statistics = model.emptyStatistics()
            let likelihood = try model.accumulate(try data.chunk(at: index), into: &statistics)
            chunks.append(Chunk(statistics: statistics, likelihood: likelihood))
        }
        self.chunks = chunks
    }

    /// The merged statistics and likelihood of the chunks, in order, starting from `empty`.
    public func merged(into empty: Statistics) -> (statistics: Statistics, likelihood: ChunkLikelihood) {
        var total = empty
        var likelihood = ChunkLikelihood(logLikelihood: 0, sampleWeight: 0)
        for chunk in chunks {
            total.merge(chunk.statistics)
            likelihood.logLikelihood += chunk.likelihood.logLikelihood
            likelihood.sampleWeight += chunk.likelihood.sampleWeight
        }
        return (total, likelihood)
    }

    /// The archive's bytes: a header (`EMKSTATS`, version 1, the statistics' kind), the chunk
    /// count, and each chunk.
    public func encoded() -> [UInt8] {
        var writer = StatisticsWriter()
        writer.write(Self.magic)
        writer.write(1)
        writer.write(Statistics.archiveKind)
        writer.write(chunks.count)
        for chunk in chunks {
            writer.write(chunk.likelihood.logLikelihood)
            writer.write(chunk.likelihood.sampleWeight)
            chunk.statistics.write(to: &writer)
        }
        return writer.bytes
    }

    /// Reads an archive written by `encoded()`.
    ///
    /// - Throws: `StatisticsArchiveError` for another format, version or kind, or damaged bytes.
    public init(decoding bytes: [UInt8]) throws {
        var reader = StatisticsReader(bytes)
        guard (try? reader.readString()) == Self.magic else { throw StatisticsArchiveError(reason: "no EMKSTATS header") }
        let version = try reader.readInt()
        guard version == 1 else { throw StatisticsArchiveError(reason: "version \(version); this EMKit reads version 1") }
        let kind = try reader.readString()
        guard kind == Statistics.archiveKind else {
            throw StatisticsArchiveError(reason: "it holds '\(kind)' statistics, not '\(Statistics.archiveKind)'")
        }
        let count = try reader.readCount(bytesEach: 16)
        var chunks: [Chunk] = []
        for _ in 0..<count {
            let likelihood = ChunkLikelihood(logLikelihood: try reader.readDouble(), sampleWeight: try reader.readDouble())
            chunks.append(Chunk(statistics: try Statistics(from: &reader), likelihood: likelihood))
        }
        guard reader.isAtEnd else { throw StatisticsArchiveError(reason: "bytes follow the last chunk") }
        self.chunks = chunks
    }

    /// Checks that every chunk has the shape of `empty` (the model's empty statistics), so that
    /// merging cannot mix in the statistics of another model.
    ///
    /// - Throws: `StatisticsArchiveError` naming the first chunk of another shape.
    public func requireShape(of empty: Statistics) throws {
        if let index = chunks.firstIndex(where: { !$0.statistics.hasShape(of: empty) }) {
            throw StatisticsArchiveError(
                reason: "chunk \(index + 1) holds the statistics of another model (other components, states or columns)")
        }
    }

    private static var magic: String { "EMKSTATS" }
}
