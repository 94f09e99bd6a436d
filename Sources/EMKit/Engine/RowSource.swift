/// Where the rows of a `RowDataset` live: in memory, in a memory-mapped file, or in a file read
/// chunk by chunk. The engine only ever asks for a range of rows as row-major doubles.
public protocol RowSource: Sendable {
    /// The number of rows (samples).
    var rowCount: Int { get }
    /// The number of columns (the dimension of each sample).
    var columnCount: Int { get }
    /// The bytes of memory the source itself keeps (0 for a streamed file).
    var residentBytes: Int { get }

    /// Calls `body` with the rows in `range` as row-major doubles (`range.count × columnCount`).
    /// The pointer is valid only during the call.
    ///
    /// - Throws: `DataError.unreadable` when a file-backed source fails to read.
    func withRows<R>(_ range: Range<Int>, _ body: (UnsafePointer<Double>) throws -> R) throws -> R
}

extension Matrix: RowSource {
    public var residentBytes: Int { elements.count * MemoryLayout<Double>.stride }

    public func withRows<R>(_ range: Range<Int>, _ body: (UnsafePointer<Double>) throws -> R) throws -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount, "row range out of bounds")
        return try elements.withUnsafeBufferPointer { buffer in
            try body(buffer.baseAddress.unsafelyUnwrapped + range.lowerBound * columnCount)
        }
    }
}

/// Rows stored in memory as 32-bit floats: half the memory of a `Matrix`. Each chunk is widened
/// to doubles when the E-step reads it, so the arithmetic (and the answer) is that of doubles.
public struct Float32Rows: RowSource {
    public let rowCount: Int
    public let columnCount: Int
    /// The values, row-major.
    public let elements: [Float]

    /// Rows from row-major floats.
    ///
    /// - Precondition: `elements.count == rowCount * columnCount`.
    public init(rowCount: Int, columnCount: Int, elements: [Float]) {
        precondition(elements.count == rowCount * columnCount, "element count does not match the shape")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.elements = elements
    }

    /// The rows of `matrix`, rounded to the nearest float.
    public init(_ matrix: Matrix) {
        self.init(rowCount: matrix.rowCount, columnCount: matrix.columnCount, elements: matrix.elements.map { Float($0) })
    }

    public var residentBytes: Int { elements.count * MemoryLayout<Float>.stride }

    public func withRows<R>(_ range: Range<Int>, _ body: (UnsafePointer<Double>) throws -> R) throws -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount, "row range out of bounds")
        let count = range.count * columnCount
        return try withUnsafeTemporaryAllocation(of: Double.self, capacity: max(count, 1)) { buffer in
            let start = range.lowerBound * columnCount
            for i in 0..<count { buffer[i] = Double(elements[start + i]) }
            return try body(UnsafePointer(buffer.baseAddress.unsafelyUnwrapped))
        }
    }
}

/// The rows of another source, each mapped to `columnCount` values as it is read: a view that
/// holds no copy (the seeding features of count rows; rows with their holes filled).
struct MappedRows: RowSource {
    /// The rows mapped.
    let base: any RowSource
    /// Values per mapped row.
    let columnCount: Int
    /// Writes the `columnCount` values of one mapped row from one row of `base`.
    let transform: @Sendable (_ row: UnsafePointer<Double>, _ mapped: UnsafeMutablePointer<Double>) -> Void

    var rowCount: Int { base.rowCount }
    /// The base's: the mapped rows are computed a chunk at a time.
    var residentBytes: Int { base.residentBytes }

    func withRows<R>(_ range: Range<Int>, _ body: (UnsafePointer<Double>) throws -> R) throws -> R {
        let width = columnCount
        let baseWidth = base.columnCount
        return try base.withRows(range) { rows in
            try withUnsafeTemporaryAllocation(of: Double.self, capacity: max(range.count * width, 1)) { buffer in
                let mapped = buffer.baseAddress.unsafelyUnwrapped
                for r in 0..<range.count { transform(rows + r * baseWidth, mapped + r * width) }
                return try body(UnsafePointer(mapped))
            }
        }
    }
}
