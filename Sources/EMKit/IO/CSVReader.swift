import Foundation

/// A column of a table, chosen by its header name or by its 1-based position.
public enum ColumnSelector: Sendable, Equatable, CustomStringConvertible {
    /// The column with this header name.
    case name(String)
    /// The column at this 1-based position (as `cut -f` counts).
    case position(Int)

    /// Parses `petal_width` as a name and `3` as a position.
    public init(_ text: String) {
        if let position = Int(text) { self = .position(position) } else { self = .name(text) }
    }

    public var description: String {
        switch self {
        case .name(let name): return name
        case .position(let position): return "\(position)"
        }
    }
}

/// A numeric table read from a file: the chosen columns as a matrix, and optional weights.
public struct NumericTable: Sendable {
    /// The chosen columns, one sample per row.
    public var samples: Matrix
    /// The names of the chosen columns (from the header, or `column1`, `column2`, … without one).
    public var columnNames: [String]
    /// The weight column's values, when one was chosen.
    public var sampleWeights: [Double]?

    /// A table of the given samples, column names and optional weights.
    public init(samples: Matrix, columnNames: [String], sampleWeights: [Double]? = nil) {
        self.samples = samples
        self.columnNames = columnNames
        self.sampleWeights = sampleWeights
    }
}

/// Reads delimited text files of numbers (CSV, semicolon- or tab-separated).
///
/// Hand-written over bytes because the packages at hand parse into strings per field, which is
/// several times slower on the million-row files EM is run on; numbers are parsed by the C
/// library's `strtod`.
public enum CSVReader {
    /// Reads the numeric columns of a delimited text file.
    ///
    /// - Parameters:
    ///   - path: the file; `-` reads standard input.
    ///   - delimiter: `,`, `;` or tab; `nil` guesses from the first line.
    ///   - hasHeader: whether the first line names the columns; `nil` guesses (a first line
    ///     with any field that is not a number is a header).
    ///   - columns: the columns to use, in this order; `nil` uses every column except `weightColumn`.
    ///   - weightColumn: a column of non-negative sample weights.
    /// - Throws: `DataError` naming the file, line and column of the first problem.
    public static func read(
        path: String, delimiter: UInt8? = nil, hasHeader: Bool? = nil, columns: [ColumnSelector]? = nil,
        weightColumn: ColumnSelector? = nil
    ) throws -> NumericTable {
        let bytes = try FileAccess.readAll(path)
        return try parse(
            bytes, path: path, delimiter: delimiter, hasHeader: hasHeader, columns: columns, weightColumn: weightColumn)
    }

    /// Parses the bytes of a delimited text file; `path` is used in error messages only.
    public static func parse(
        _ bytes: [UInt8], path: String, delimiter: UInt8? = nil, hasHeader: Bool? = nil,
        columns: [ColumnSelector]? = nil, weightColumn: ColumnSelector? = nil
    ) throws -> NumericTable {
        var lines = LineScanner(bytes: bytes)
        // Skip a UTF-8 byte-order mark.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { lines.position = 3 }
        guard let (firstLineNumber, firstLine) = lines.nextNonBlank() else { throw DataError.empty(path: path) }
        let separator = delimiter ?? guessDelimiter(bytes[firstLine])
        let firstFields = split(bytes, firstLine, separator)
        let fieldCount = firstFields.count
        let header = hasHeader ?? firstFields.contains { parseNumber(bytes, $0) == nil && !isMissing(bytes, $0) }
        let names = header
            ? firstFields.map { unquote(String(decoding: bytes[$0], as: UTF8.self)) }
            : (1...fieldCount).map { "column\($0)" }

        func resolve(_ selector: ColumnSelector) throws -> Int {
            switch selector {
            case .name(let name):
                guard let index = names.firstIndex(of: name) else {
                    throw DataError.unknownColumn(path: path, column: name, available: names)
                }
                return index
            case .position(let position):
                guard position >= 1, position <= fieldCount else {
                    throw DataError.unknownColumn(
                        path: path, column: "\(position) (the file has \(fieldCount) columns)", available: names)
                }
                return position - 1
            }
        }
        let weightIndex = try weightColumn.map(resolve)
        let chosen = try columns.map { try $0.map(resolve) } ?? (0..<fieldCount).filter { $0 != weightIndex }
        guard !chosen.isEmpty else { throw DataError.empty(path: path) }

        var elements: [Double] = []
        var weights: [Double] = []
        var rowCount = 0
        var pending: (Int, Range<Int>)? = header ? nil : (firstLineNumber, firstLine)
        while let (lineNumber, line) = pending ?? lines.nextNonBlank() {
            pending = nil
            let fields = split(bytes, line, separator)
            guard fields.count == fieldCount else {
                throw DataError.raggedRow(path: path, line: lineNumber, expected: fieldCount, found: fields.count)
            }
            func value(_ index: Int) throws -> Double {
                let field = fields[index]
                guard let number = parseNumber(bytes, field) else {
                    let text = String(decoding: bytes[field], as: UTF8.self)
                    if isMissing(bytes, field) {
                        throw DataError.missingValue(path: path, line: lineNumber, column: index + 1, field: text)
                    }
                    throw DataError.notANumber(path: path, line: lineNumber, column: index + 1, field: text)
                }
                guard number.isFinite else {
                    throw DataError.nonFinite(
                        path: path, line: lineNumber, column: index + 1, field: String(decoding: bytes[field], as: UTF8.self))
                }
                return number
            }
            for index in chosen { elements.append(try value(index)) }
            if let w = weightIndex {
                let weight = try value(w)
                guard weight >= 0 else {
                    throw DataError.invalidWeight(path: path, line: lineNumber, column: w + 1, value: weight)
                }
                weights.append(weight)
            }
            rowCount += 1
        }
        guard rowCount > 0 else { throw DataError.empty(path: path) }
        return NumericTable(
            samples: Matrix(rowCount: rowCount, columnCount: chosen.count, elements: elements),
            columnNames: chosen.map { names[$0] }, sampleWeights: weightIndex == nil ? nil : weights)
    }

    /// The most frequent of `,`, `;` and tab in the line; `,` when none occurs.
    static func guessDelimiter(_ line: ArraySlice<UInt8>) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]
        let counts = candidates.map { c in line.reduce(0) { $0 + ($1 == c ? 1 : 0) } }
        let best = counts.indices.max { counts[$0] < counts[$1] } ?? 0
        return counts[best] > 0 ? candidates[best] : candidates[0]
    }

    /// The byte ranges of the fields of a line, white space around each field trimmed.
    static func split(_ bytes: [UInt8], _ line: Range<Int>, _ separator: UInt8) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var start = line.lowerBound
        var inQuotes = false
        for i in line {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { inQuotes.toggle() }
            if b == separator && !inQuotes {
                fields.append(trim(bytes, start..<i))
                start = i + 1
            }
        }
        fields.append(trim(bytes, start..<line.upperBound))
        return fields
    }

    static func trim(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && (bytes[lower] == 0x20 || bytes[lower] == 0x09) { lower += 1 }
        while upper > lower && (bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09 || bytes[upper - 1] == 0x0D) { upper -= 1 }
        return lower..<upper
    }

    static func unquote(_ text: String) -> String {
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { return String(text.dropFirst().dropLast()) }
        return text
    }

    /// Fields that mean "no value": empty, NA, N/A, NaN-free markers used by R and spreadsheets, `?`.
    static func isMissing(_ bytes: [UInt8], _ field: Range<Int>) -> Bool {
        let text = String(decoding: bytes[field], as: UTF8.self).uppercased()
        return ["", "NA", "N/A", "?", "NULL", "\"\""].contains(text)
    }

    /// The number in the field, or `nil` when the whole field is not a number.
    static func parseNumber(_ bytes: [UInt8], _ field: Range<Int>) -> Double? {
        let count = field.count
        guard count > 0, count < 64 else { return count >= 64 ? parseLong(bytes, field) : nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer in
            for i in 0..<count { buffer[i] = CChar(bitPattern: bytes[field.lowerBound + i]) }
            buffer[count] = 0
            let base = buffer.baseAddress.unsafelyUnwrapped
            var end: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(base, &end)
            guard let end, end == base + count else { return nil }
            return value
        }
    }

    private static func parseLong(_ bytes: [UInt8], _ field: Range<Int>) -> Double? {
        let text = String(decoding: bytes[field], as: UTF8.self)
        return Double(text)
    }
}

/// Walks the lines of a byte buffer, numbering them from 1.
struct LineScanner {
    let bytes: [UInt8]
    var position = 0
    var lineNumber = 0

    /// The next line that holds anything but white space, with its 1-based number; the range
    /// excludes the line break.
    mutating func nextNonBlank() -> (Int, Range<Int>)? {
        while position < bytes.count {
            let start = position
            while position < bytes.count && bytes[position] != 0x0A { position += 1 }
            let line = start..<position
            position += 1
            lineNumber += 1
            if bytes[line].contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) { return (lineNumber, line) }
        }
        return nil
    }
}
