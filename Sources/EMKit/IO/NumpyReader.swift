import Foundation

/// Reads NumPy `.npy` files of 64- or 32-bit little-endian floats in C order, with one
/// dimension (a column) or two (rows × columns).
///
/// The format (NumPy Enhancement Proposal 1): the magic `\x93NUMPY`, a major and minor version,
/// a little-endian header length (2 bytes in version 1, 4 bytes in versions 2 and 3), an ASCII
/// Python dictionary with `descr`, `fortran_order` and `shape`, then the raw array.
public enum NumpyReader {
    /// Reads the array in `path` as a matrix of doubles.
    ///
    /// - Throws: `DataError.unsupportedNumpy` saying what is wrong, `DataError.nonFinite` for NaN
    ///   or infinite values (line = row, column = column, both 1-based), `DataError.unreadable`.
    public static func read(path: String, allowingMissing: Bool = false) throws -> Matrix {
        try parse(FileAccess.readAll(path), path: path, allowingMissing: allowingMissing)
    }

    /// Parses the bytes of a `.npy` file; `path` is used in error messages only.
    /// With `allowingMissing`, NaN values are kept (they mark missing values); infinities are errors.
    public static func parse(_ bytes: [UInt8], path: String, allowingMissing: Bool = false) throws -> Matrix {
        let header = try header(bytes, path: path)
        let (rows, columns) = (header.rowCount, header.columnCount)
        guard bytes.count - header.dataOffset >= header.dataByteCount else {
            throw DataError.unsupportedNumpy(
                path: path,
                reason: "the file is truncated: \(rows)×\(columns) values need \(header.dataByteCount) bytes, "
                    + "\(bytes.count - header.dataOffset) are there")
        }
        guard rows > 0, columns > 0 else { throw DataError.empty(path: path) }
        let count = rows * columns
        var elements = [Double](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress.unsafelyUnwrapped + header.dataOffset
            for i in 0..<count {
                if header.scalar == .float64 {
                    elements[i] = Double(bitPattern: UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
                } else {
                    elements[i] = Double(Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))))
                }
            }
        }
        if let index = elements.firstIndex(where: { allowingMissing ? $0.isInfinite : !$0.isFinite }) {
            throw DataError.nonFinite(
                path: path, line: index / columns + 1, column: index % columns + 1, field: "\(elements[index])")
        }
        return Matrix(rowCount: rows, columnCount: columns, elements: elements)
    }

    /// The layout announced by the header at the start of `bytes` (which need hold only the header).
    ///
    /// - Throws: `DataError.unsupportedNumpy` saying what is wrong.
    public static func header(_ bytes: [UInt8], path: String) throws -> NumpyHeader {
        func fail(_ reason: String) -> DataError { .unsupportedNumpy(path: path, reason: reason) }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("missing the \\x93NUMPY magic") }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail("format version \(major) is not supported (1, 2 and 3 are)")
        }
        guard bytes.count >= headerStart + headerLength else { throw fail("truncated header") }
        let text = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = value(of: "descr", in: text) else { throw fail("the header has no 'descr'") }
        let scalar: NumpyHeader.Scalar
        switch descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")) {
        case "<f8", "f8": scalar = .float64
        case "<f4", "f4": scalar = .float32
        case let other:
            throw fail("dtype \(other) is not supported: save float64 or float32 (little-endian), e.g. x.astype('<f8')")
        }
        guard let fortran = value(of: "fortran_order", in: text) else { throw fail("the header has no 'fortran_order'") }
        guard fortran.hasPrefix("False") else {
            throw fail("the array is in Fortran order: save it with np.ascontiguousarray(x)")
        }
        guard let shapeText = value(of: "shape", in: text) else { throw fail("the header has no 'shape'") }
        let dimensions = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let shape = try dimensions.map { text -> Int in
            guard let n = Int(text), n >= 0 else { throw fail("shape \(shapeText) is not a tuple of sizes") }
            return n
        }
        let rows: Int
        let columns: Int
        switch shape.count {
        case 1: (rows, columns) = (shape[0], 1)
        case 2: (rows, columns) = (shape[0], shape[1])
        default: throw fail("the array has \(shape.count) dimensions; EMKit reads 1 (a column) or 2 (rows × columns)")
        }
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, !count.multipliedReportingOverflow(by: scalar.size).overflow else {
            throw fail("shape \(shapeText) is too large")
        }
        return NumpyHeader(scalar: scalar, rowCount: rows, columnCount: columns, dataOffset: headerStart + headerLength)
    }

    /// The text of `key`'s value in a Python dict literal (up to the next top-level comma).
    private static func value(of key: String, in header: String) -> String? {
        guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var rest = header[keyRange.upperBound...].drop { $0 == " " || $0 == ":" }
        var depth = 0
        var result = ""
        while let c = rest.first {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if (c == "," && depth == 0) || c == "}" { break }
            result.append(c)
            rest = rest.dropFirst()
        }
        return result.trimmingCharacters(in: .whitespaces)
    }

    /// The bytes of a version 1.0 `.npy` file holding `matrix` as little-endian float64.
    public static func encode(_ matrix: Matrix) -> [UInt8] {
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(matrix.rowCount), \(matrix.columnCount)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
        let length = header.utf8.count
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes += Array(header.utf8)
        bytes.reserveCapacity(bytes.count + matrix.elements.count * 8)
        for value in matrix.elements {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
        }
        return bytes
    }
}
