/// Observations in one or more sequences, for hidden Markov models: the rows of a `RowSource`
/// cut into consecutive sequences by their lengths. A chunk is a run of whole sequences (one
/// sequence, unless sequences are short), so the forward–backward pass of a sequence never
/// straddles two chunks.
public struct SequenceDataset: EMDataset {
    /// The observations, row after row, sequence after sequence.
    public let rows: RowDataset
    /// The length of each sequence; they sum to the row count.
    public let lengths: [Int]
    /// The first row of each sequence.
    let starts: [Int]
    /// The sequences of each chunk, as a range of sequence indices.
    let chunkSequences: [Range<Int>]

    /// Wraps `rows` cut into sequences of `lengths`.
    ///
    /// - Throws: `EMError.invalidParameter` when a length is not positive or the lengths do not
    ///   add up to the row count.
    public init(_ rows: RowDataset, lengths: [Int]? = nil) throws {
        let lengths = lengths ?? [rows.sampleCount]
        guard lengths.allSatisfy({ $0 >= 1 }) else {
            throw EMError.invalidParameter(name: "lengths", value: "\(lengths.filter { $0 < 1 })", expected: "positive sequence lengths")
        }
        // Each length at most the row count, so that the sum below cannot overflow.
        if let tooLong = lengths.first(where: { $0 > rows.sampleCount }) {
            throw EMError.invalidParameter(
                name: "lengths", value: "a sequence of \(tooLong)", expected: "lengths that add up to the \(rows.sampleCount) rows")
        }
        guard lengths.reduce(0, +) == rows.sampleCount else {
            throw EMError.invalidParameter(
                name: "lengths", value: "a total of \(lengths.reduce(0, +))",
                expected: "lengths that add up to the \(rows.sampleCount) rows")
        }
        self.rows = rows
        self.lengths = lengths
        var starts: [Int] = []
        var running = 0
        for length in lengths {
            starts.append(running)
            running += length
        }
        self.starts = starts
        // Group short sequences so that a chunk holds at least ~2048 observations.
        var groups: [Range<Int>] = []
        var first = 0
        var size = 0
        for (index, length) in lengths.enumerated() {
            size += length
            if size >= 2048 {
                groups.append(first..<(index + 1))
                first = index + 1
                size = 0
            }
        }
        if first < lengths.count { groups.append(first..<lengths.count) }
        chunkSequences = groups
    }

    /// The sequences of a chunk.
    public struct Chunk {
        /// The data set.
        public let dataset: SequenceDataset
        /// Which sequences.
        public let sequences: Range<Int>
    }

    public var chunkCount: Int { chunkSequences.count }

    public func chunk(at index: Int) -> Chunk { Chunk(dataset: self, sequences: chunkSequences[index]) }

    /// The total number of observations.
    public var observationCount: Int { rows.sampleCount }
    /// The dimension of each observation.
    public var dimension: Int { rows.dimension }

    /// Calls `body` with sequence `index`'s rows (row-major) and length.
    func withSequence<R>(_ index: Int, _ body: (UnsafePointer<Double>, Int) throws -> R) throws -> R {
        try rows.source.withRows(starts[index]..<(starts[index] + lengths[index])) { try body($0, lengths[index]) }
    }
}
