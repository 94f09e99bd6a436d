/// Rows of real-valued samples, with optional per-row weights, visited in fixed-size blocks.
///
/// This is the data of every model whose samples are vectors (Gaussian mixtures, k-means).
/// The block size is fixed (default 2048 rows), never derived from the thread count, so
/// results do not depend on how many threads run.
public struct RowDataset: EMDataset {
    /// The samples, one per row.
    public let samples: Matrix
    /// Optional non-negative weight per row (`samples.rowCount` values); `nil` weighs every row 1.
    /// A row of weight `w` counts as `w` copies of itself.
    public let sampleWeights: [Double]?
    /// The number of rows per chunk.
    public let rowsPerChunk: Int

    /// Wraps samples and their optional weights, after checking them.
    ///
    /// - Throws: `EMError.noSamples` for no rows or no columns, `EMError.nonFiniteValue` for a
    ///   NaN or infinite value, `EMError.invalidWeight` for a negative or non-finite weight or
    ///   all-zero weights, `EMError.invalidParameter` when the weights do not match the rows.
    public init(_ samples: Matrix, sampleWeights: [Double]? = nil, rowsPerChunk: Int = 2048) throws {
        guard samples.rowCount > 0, samples.columnCount > 0 else { throw EMError.noSamples }
        guard rowsPerChunk > 0 else {
            throw EMError.invalidParameter(name: "rowsPerChunk", value: "\(rowsPerChunk)", expected: "an integer ≥ 1")
        }
        if let index = samples.elements.firstIndex(where: { !$0.isFinite }) {
            throw EMError.nonFiniteValue(
                row: index / samples.columnCount, column: index % samples.columnCount, value: samples.elements[index])
        }
        if let weights = sampleWeights {
            guard weights.count == samples.rowCount else {
                throw EMError.invalidParameter(
                    name: "sampleWeights", value: "\(weights.count) values",
                    expected: "one weight per row (\(samples.rowCount))")
            }
            if let row = weights.firstIndex(where: { !($0 >= 0) || !$0.isFinite }) {
                throw EMError.invalidWeight(row: row, value: weights[row])
            }
            guard weights.contains(where: { $0 > 0 }) else { throw EMError.invalidWeight(row: nil, value: 0) }
        }
        self.samples = samples
        self.sampleWeights = sampleWeights
        self.rowsPerChunk = rowsPerChunk
    }

    /// The number of samples (rows).
    public var sampleCount: Int { samples.rowCount }
    /// The dimension of each sample (columns).
    public var dimension: Int { samples.columnCount }
    /// The total sample weight: the row count when unweighted.
    public var totalWeight: Double { sampleWeights?.reduce(0, +) ?? Double(samples.rowCount) }

    public var chunkCount: Int { (samples.rowCount + rowsPerChunk - 1) / rowsPerChunk }

    public func chunk(at index: Int) -> RowBlock {
        let start = index * rowsPerChunk
        return RowBlock(dataset: self, rows: start..<min(start + rowsPerChunk, samples.rowCount))
    }

    /// The number of distinct rows, counting no further than `limit`.
    func distinctRowCount(upTo limit: Int) -> Int {
        var seen = Set<[Double]>()
        for i in 0..<samples.rowCount where sampleWeights.map({ $0[i] > 0 }) ?? true {
            seen.insert(samples.row(i))
            if seen.count >= limit { break }
        }
        return seen.count
    }
}

/// A block of consecutive rows of a `RowDataset`: what one E-step sees.
public struct RowBlock: Sendable {
    /// The data set the rows belong to.
    public let dataset: RowDataset
    /// The rows of the block.
    public let rows: Range<Int>

    /// Calls `body` with a pointer to the block's first element (row-major, `dimension` values
    /// per row) and to its weights (`nil` when unweighted).
    @inlinable
    public func withUnsafeRows<R>(
        _ body: (UnsafePointer<Double>, UnsafePointer<Double>?) throws -> R
    ) rethrows -> R {
        let d = dataset.samples.columnCount
        return try dataset.samples.elements.withUnsafeBufferPointer { elements in
            // The pointer is non-nil: a RowDataset always has at least one element.
            let base = elements.baseAddress.unsafelyUnwrapped + rows.lowerBound * d
            if let weights = dataset.sampleWeights {
                return try weights.withUnsafeBufferPointer { w in
                    try body(base, w.baseAddress.unsafelyUnwrapped + rows.lowerBound)
                }
            }
            return try body(base, nil)
        }
    }
}
