/// A dense matrix of `Double` values stored in row-major order.
///
/// `Matrix` is the data container of EMKit: a data set of `rowCount` samples
/// with `columnCount` features each is a `Matrix` whose row `i` is sample `i`.
/// Row-major storage keeps each sample contiguous, which is what the E-step
/// streams over.
public struct Matrix: Sendable, Equatable {
    /// The number of rows (samples).
    public let rowCount: Int
    /// The number of columns (features, the dimension of each sample).
    public let columnCount: Int
    /// The elements, row after row: element `(i, j)` is at `i * columnCount + j`.
    public internal(set) var elements: [Double]

    /// Creates a matrix of the given shape filled with `value`.
    ///
    /// - Precondition: `rowCount >= 0` and `columnCount >= 0`.
    public init(rowCount: Int, columnCount: Int, repeating value: Double = 0) {
        precondition(rowCount >= 0 && columnCount >= 0, "Matrix dimensions must be non-negative")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.elements = Array(repeating: value, count: rowCount * columnCount)
    }

    /// Creates a matrix from row-major elements.
    ///
    /// - Precondition: `elements.count == rowCount * columnCount`.
    public init(rowCount: Int, columnCount: Int, elements: [Double]) {
        precondition(rowCount >= 0 && columnCount >= 0, "Matrix dimensions must be non-negative")
        precondition(elements.count == rowCount * columnCount, "Matrix element count does not match its shape")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.elements = elements
    }

    /// Creates a matrix from an array of equally long rows.
    ///
    /// - Precondition: every row has the same length.
    public init(rows: [[Double]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "All rows of a matrix must have the same length")
        self.init(rowCount: rows.count, columnCount: columns, elements: rows.flatMap { $0 })
    }

    /// Creates a matrix from rows given by a user (a model file, say), checking that they are
    /// equally long and, when `columns` is given, that long.
    ///
    /// - Throws: `EMError.invalidModel` naming `what` when the rows are ragged.
    public init(checkedRows rows: [[Double]], columns: Int? = nil, what: String) throws {
        let width = columns ?? rows.first?.count ?? 0
        if let index = rows.firstIndex(where: { $0.count != width }) {
            throw EMError.invalidModel(reason: "\(what): row \(index + 1) has \(rows[index].count) values, expected \(width)")
        }
        self.init(rowCount: rows.count, columnCount: width, elements: rows.flatMap { $0 })
    }

    /// The element in row `row` and column `column`.
    public subscript(row: Int, column: Int) -> Double {
        get { elements[row * columnCount + column] }
        set { elements[row * columnCount + column] = newValue }
    }

    /// Row `index` as a new array of `columnCount` values.
    public func row(_ index: Int) -> [Double] {
        Array(elements[(index * columnCount)..<((index + 1) * columnCount)])
    }

    /// The rows as an array of arrays.
    public var rows: [[Double]] {
        (0..<rowCount).map(row)
    }

    /// The identity matrix of size `n`.
    public static func identity(_ n: Int) -> Matrix {
        var result = Matrix(rowCount: n, columnCount: n)
        for i in 0..<n { result[i, i] = 1 }
        return result
    }

    /// The rows in `range`, as a matrix of their own.
    public func rows(in range: Range<Int>) -> Matrix {
        Matrix(
            rowCount: range.count, columnCount: columnCount,
            elements: Array(elements[(range.lowerBound * columnCount)..<(range.upperBound * columnCount)]))
    }

    /// The rows at `indices`, in that order, as a matrix of their own.
    public func rows(at indices: [Int]) -> Matrix {
        var result: [Double] = []
        result.reserveCapacity(indices.count * columnCount)
        for i in indices { result.append(contentsOf: elements[(i * columnCount)..<((i + 1) * columnCount)]) }
        return Matrix(rowCount: indices.count, columnCount: columnCount, elements: result)
    }

    /// The transpose.
    public var transposed: Matrix {
        var result = Matrix(rowCount: columnCount, columnCount: rowCount)
        for i in 0..<rowCount {
            for j in 0..<columnCount { result[j, i] = self[i, j] }
        }
        return result
    }

    /// Whether every element is finite (neither NaN nor infinite).
    public var isFinite: Bool { elements.allSatisfy { $0.isFinite } }
}

extension Matrix {
    /// The matrix product `self · other`.
    ///
    /// - Precondition: `columnCount == other.rowCount`.
    /// - Complexity: O(`rowCount` · `columnCount` · `other.columnCount`).
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.columnCount == rhs.rowCount, "Matrix product shapes do not match")
        var result = Matrix(rowCount: lhs.rowCount, columnCount: rhs.columnCount)
        for i in 0..<lhs.rowCount {
            for k in 0..<lhs.columnCount {
                let a = lhs[i, k]
                if a == 0 { continue }
                for j in 0..<rhs.columnCount { result[i, j] += a * rhs[k, j] }
            }
        }
        return result
    }

    /// The largest absolute difference between `self` and its transpose, relative to the largest
    /// absolute element; 0 for a symmetric matrix.
    public var asymmetry: Double {
        guard rowCount == columnCount else { return .infinity }
        var scale = 0.0
        var difference = 0.0
        for i in 0..<rowCount {
            for j in 0..<columnCount {
                scale = max(scale, abs(self[i, j]))
                difference = max(difference, abs(self[i, j] - self[j, i]))
            }
        }
        return scale == 0 ? 0 : difference / scale
    }
}
