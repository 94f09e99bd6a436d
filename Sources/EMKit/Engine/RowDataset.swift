/// Rows of real-valued samples, with optional per-row weights, visited in fixed-size chunks.
///
/// This is the data of every model whose samples are vectors (Gaussian mixtures, k-means). The
/// rows live in a `RowSource`: a `Matrix` in memory, `Float32Rows`, or a `.npy` file that is
/// memory-mapped or streamed (`NumpyFile`), so data larger than memory is fitted exactly as data
/// in memory. The chunk size is fixed (by default from the row count), never derived from the thread count,
/// so results do not depend on how many threads run.
public struct RowDataset: EMDataset {
    /// Where the rows are.
    public let source: any RowSource
    /// Optional non-negative weight per row (`sampleCount` values); `nil` weighs every row 1.
    /// A row of weight `w` counts as `w` copies of itself.
    public let sampleWeights: [Double]?
    /// The number of rows per chunk (`defaultRowsPerChunk(rowCount:)` unless given).
    public let rowsPerChunk: Int
    /// Whether any value is missing (NaN); only possible with `MissingValues.allowed`.
    public private(set) var hasMissingValues = false
    /// The number of rows with every value missing: they carry no information and are left out
    /// of the fit, but counted here so that they are reported, never dropped silently.
    public private(set) var emptyRowCount = 0

    /// What a NaN in the data means.
    public enum MissingValues: Sendable, Equatable {
        /// NaN is an error (`EMError.nonFiniteValue`).
        case rejected
        /// NaN marks a missing value; models that support it (Gaussian mixtures) marginalise it.
        case allowed
    }

    /// Wraps in-memory samples and their optional weights, after checking them.
    ///
    /// - Throws: `EMError.noSamples` for no rows or no columns, `EMError.nonFiniteValue` for a
    ///   NaN or infinite value, `EMError.invalidWeight` for a negative or non-finite weight or
    ///   all-zero weights, `EMError.invalidParameter` when the weights do not match the rows.
    public init(
        _ samples: Matrix, sampleWeights: [Double]? = nil, rowsPerChunk: Int? = nil, missingValues: MissingValues = .rejected
    ) throws {
        try self.init(source: samples, sampleWeights: sampleWeights, rowsPerChunk: rowsPerChunk, missingValues: missingValues)
    }

    /// Wraps the rows of any source and their optional weights, after checking them (one pass
    /// over the rows).
    ///
    /// - Throws: as `init(_:sampleWeights:rowsPerChunk:)`, and what the source throws on reading.
    /// - Throws: also `EMError.columnAllMissing` when missing values are allowed and a column has no value at all.
    public init(
        source: any RowSource, sampleWeights: [Double]? = nil, rowsPerChunk: Int? = nil, missingValues: MissingValues = .rejected
    ) throws {
        guard source.rowCount > 0, source.columnCount > 0 else { throw EMError.noSamples }
        let rowsPerChunk = rowsPerChunk ?? Self.defaultRowsPerChunk(rowCount: source.rowCount)
        guard rowsPerChunk > 0 else {
            throw EMError.invalidParameter(name: "rowsPerChunk", value: "\(rowsPerChunk)", expected: "an integer ≥ 1")
        }
        if let weights = sampleWeights {
            guard weights.count == source.rowCount else {
                throw EMError.invalidParameter(
                    name: "sampleWeights", value: "\(weights.count) values",
                    expected: "one weight per row (\(source.rowCount))")
            }
            if let row = weights.firstIndex(where: { !($0 >= 0) || !$0.isFinite }) {
                throw EMError.invalidWeight(row: row, value: weights[row])
            }
            guard weights.contains(where: { $0 > 0 }) else { throw EMError.invalidWeight(row: nil, value: 0) }
        }
        self.source = source
        self.sampleWeights = sampleWeights
        self.rowsPerChunk = rowsPerChunk
        let d = source.columnCount
        var observedPerColumn = [Int](repeating: 0, count: d)
        var missingCount = 0
        var emptyRows = 0
        try forEachChunk { start, count, rows, _ in
            for b in 0..<count {
                var missingInRow = 0
                for j in 0..<d {
                    let value = rows[b * d + j]
                    if value.isFinite {
                        guard abs(value) <= Self.largestMagnitude else {
                            throw EMError.valueTooLarge(row: start + b, column: j, value: value)
                        }
                        observedPerColumn[j] += 1
                    } else if value.isNaN && missingValues == .allowed {
                        missingInRow += 1
                    } else {
                        throw EMError.nonFiniteValue(row: start + b, column: j, value: value)
                    }
                }
                missingCount += missingInRow
                if missingInRow == d { emptyRows += 1 }
            }
        }
        if missingCount > 0 {
            if let column = observedPerColumn.firstIndex(of: 0) { throw EMError.columnAllMissing(column: column) }
            hasMissingValues = true
            emptyRowCount = emptyRows
        }
    }

    /// The largest magnitude a data value may have, 1e100: squares of larger values, summed over
    /// many rows, can overflow a `Double` (and would make distances, moments and likelihoods
    /// infinite). No measured quantity comes near it; rescale data that do.
    public static let largestMagnitude = 1e100

    /// The chunk size used when none is given: 512 rows below 100,000 rows (enough chunks to keep
    /// every core busy on small data), 2048 above. It depends only on the data's size, never on
    /// the thread count, so results stay the same on any number of threads.
    public static func defaultRowsPerChunk(rowCount: Int) -> Int { rowCount < 100_000 ? 512 : 2048 }

    /// The number of samples (rows).
    public var sampleCount: Int { source.rowCount }
    /// The dimension of each sample (columns).
    public var dimension: Int { source.columnCount }
    /// The total sample weight: the row count when unweighted.
    public var totalWeight: Double { sampleWeights?.reduce(0, +) ?? Double(source.rowCount) }

    public var chunkCount: Int { (source.rowCount + rowsPerChunk - 1) / rowsPerChunk }

    public func chunk(at index: Int) -> RowBlock {
        let start = index * rowsPerChunk
        return RowBlock(dataset: self, rows: start..<min(start + rowsPerChunk, source.rowCount))
    }

    /// Calls `body` for every chunk in order with its first row, row count, rows (row-major) and
    /// weights (`nil` when unweighted).
    ///
    /// - Throws: what `body` or the source throws.
    public func forEachChunk(
        _ body: (_ start: Int, _ count: Int, _ rows: UnsafePointer<Double>, _ weights: UnsafePointer<Double>?) throws -> Void
    ) throws {
        for index in 0..<chunkCount {
            let block = chunk(at: index)
            try block.withUnsafeRows { rows, weights in
                try body(block.rows.lowerBound, block.rows.count, rows, weights)
            }
        }
    }

    /// Row `index` as an array.
    ///
    /// - Throws: what the source throws on reading.
    public func row(_ index: Int) throws -> [Double] {
        try source.withRows(index..<(index + 1)) { Array(UnsafeBufferPointer(start: $0, count: dimension)) }
    }

    /// The rows at `indices`, in that order, as a matrix.
    ///
    /// - Throws: what the source throws on reading.
    public func rows(at indices: [Int]) throws -> Matrix {
        Matrix(rowCount: indices.count, columnCount: dimension, elements: try indices.flatMap { try row($0) })
    }

    /// The rows with every missing value replaced by its column's (weighted) mean, and the rows
    /// with nothing observed weighted 0 (left out): what initialisers see when values are
    /// missing. A view, not a copy: the rows are filled a chunk at a time as they are read; only
    /// when some row has nothing observed does it hold one weight per row.
    ///
    /// - Throws: what the source throws on reading.
    public func meanFilled() throws -> RowDataset {
        let d = dimension
        var sums = [Double](repeating: 0, count: d)
        var counts = [Double](repeating: 0, count: d)
        try forEachChunk { start, count, rows, _ in
            for b in 0..<count {
                let w = weight(start + b)
                for j in 0..<d where !rows[b * d + j].isNaN {
                    sums[j] += w * rows[b * d + j]
                    counts[j] += w
                }
            }
        }
        let columnMeans = (0..<d).map { counts[$0] > 0 ? sums[$0] / counts[$0] : 0 }
        var weights = sampleWeights
        if emptyRowCount > 0 {
            var filled = (0..<sampleCount).map { weight($0) }
            try forEachChunk { start, count, rows, _ in
                for b in 0..<count where (0..<d).allSatisfy({ rows[b * d + $0].isNaN }) { filled[start + b] = 0 }
            }
            weights = filled
        }
        let view = MappedRows(base: source, columnCount: d) { x, filled in
            for j in 0..<d { filled[j] = x[j].isNaN ? columnMeans[j] : x[j] }
        }
        return try RowDataset(source: view, sampleWeights: weights, rowsPerChunk: rowsPerChunk)
    }

    /// The weight of row `index` (1 when unweighted).
    @inline(__always) func weight(_ index: Int) -> Double { sampleWeights?[index] ?? 1 }

    /// The number of distinct rows of positive weight, counting no further than `limit`.
    func distinctRowCount(upTo limit: Int) throws -> Int {
        var seen = Set<[Double]>()
        let d = dimension
        do {
            try forEachChunk { start, count, rows, _ in
                for b in 0..<count where weight(start + b) > 0 {
                    seen.insert(Array(UnsafeBufferPointer(start: rows + b * d, count: d)))
                    if seen.count >= limit { throw EnoughRows() }
                }
            }
        } catch is EnoughRows {}
        return seen.count
    }

    private struct EnoughRows: Error {}
}

/// A block of consecutive rows of a `RowDataset`: what one E-step sees.
public struct RowBlock: Sendable {
    /// The data set the rows belong to.
    public let dataset: RowDataset
    /// The rows of the block.
    public let rows: Range<Int>

    /// Calls `body` with a pointer to the block's rows (row-major, `dimension` values per row)
    /// and to its weights (`nil` when unweighted).
    ///
    /// - Throws: what `body` or the source throws.
    public func withUnsafeRows<R>(
        _ body: (UnsafePointer<Double>, UnsafePointer<Double>?) throws -> R
    ) throws -> R {
        try dataset.source.withRows(rows) { base in
            if let weights = dataset.sampleWeights {
                return try weights.withUnsafeBufferPointer { w in
                    try body(base, w.baseAddress.unsafelyUnwrapped + rows.lowerBound)
                }
            }
            return try body(base, nil)
        }
    }
}
