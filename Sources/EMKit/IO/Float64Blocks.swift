/// Rows sent as raw little-endian 64-bit floats, row after row with no header: the block format
/// a Spark task hands `emkit estep --float64-columns D` for its partition. Cheaper to produce and
/// read than CSV, and exact.
public enum Float64Blocks {
    /// The rows of `bytes`, `columnCount` values each.
    ///
    /// - Throws: `DataError.unreadable` naming `path` when `columnCount < 1` or the byte count is
    ///   not a whole number of rows, and `EMError.noSamples` for no bytes.
    public static func matrix(from bytes: [UInt8], columnCount: Int, path: String) throws -> Matrix {
        guard columnCount >= 1 else {
            throw DataError.unreadable(path: path, reason: "float64 blocks need at least one column per row, not \(columnCount)")
        }
        let rowBytes = 8 * columnCount
        guard bytes.count % rowBytes == 0 else {
            throw DataError.unreadable(
                path: path,
                reason: "\(bytes.count) bytes are not whole rows of \(columnCount) float64 values (\(rowBytes) bytes each): "
                    + "the stream was cut, or the column count is wrong")
        }
        guard !bytes.isEmpty else { throw EMError.noSamples }
        var values = [Double](repeating: 0, count: bytes.count / 8)
        for i in values.indices {
            var bits: UInt64 = 0
            for b in 0..<8 { bits |= UInt64(bytes[8 * i + b]) << UInt64(8 * b) }
            values[i] = Double(bitPattern: bits)
        }
        return Matrix(rowCount: values.count / columnCount, columnCount: columnCount, elements: values)
    }

    /// The bytes of `matrix`'s rows in this format.
    public static func encode(_ matrix: Matrix) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(matrix.elements.count * 8)
        for value in matrix.elements {
            let bits = value.bitPattern
            for b in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(8 * b))) }
        }
        return bytes
    }
}
