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
    /// The 0-based positions in the file of the chosen columns, in `columnNames` order.
    public var columnPositions: [Int]

    /// A table of the given samples, column names and optional weights; `columnPositions`
    /// defaults to 0, 1, 2, ….
    public init(samples: Matrix, columnNames: [String], sampleWeights: [Double]? = nil, columnPositions: [Int]? = nil) {
        self.samples = samples
        self.columnNames = columnNames
        self.sampleWeights = sampleWeights
        self.columnPositions = columnPositions ?? Array(0..<columnNames.count)
    }
}

/// How to read a delimited text file.
public struct CSVFormat: Sendable {
    /// `,`, `;` or tab; `nil` guesses from the first line.
    public var delimiter: UInt8? = nil
    /// Whether the first line names the columns; `nil` guesses (a first line with any field that
    /// is not a number is a header).
    public var hasHeader: Bool? = nil
    /// The columns to use, in this order; `nil` uses every column except `weightColumn`.
    public var columns: [ColumnSelector]? = nil
    /// A column of non-negative sample weights.
    public var weightColumn: ColumnSelector? = nil
    /// Field texts that mean a missing value (compared ignoring case and surrounding spaces),
    /// read as NaN; `nil`: a missing value is an error.
    public var missingMarkers: Set<String>? = nil
    /// The most columns the reader may choose, and why (for the message): a file with more is
    /// refused from its first line, before its rows are read. `nil`: no limit.
    public var columnLimit: (count: Int, reason: String)? = nil

    /// The default: everything guessed, every column used.
    public init(
        delimiter: UInt8? = nil, hasHeader: Bool? = nil, columns: [ColumnSelector]? = nil, weightColumn: ColumnSelector? = nil,
        missingMarkers: Set<String>? = nil, columnLimit: (count: Int, reason: String)? = nil
    ) {
        self.columnLimit = columnLimit
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.columns = columns
        self.weightColumn = weightColumn
        self.missingMarkers = missingMarkers.map { Set($0.map { $0.uppercased() }) }
    }

    /// The markers `emkit` reads as missing by default: an empty field, `NA`, `NaN` and `?`.
    public static let defaultMissingMarkers: Set<String> = ["", "NA", "NAN", "?"]
}

/// Reads delimited text files of numbers (CSV, semicolon- or tab-separated), whole or streamed.
///
/// Hand-written over bytes because the packages at hand parse into strings per field, which is
/// several times slower on the million-row files EM is run on; numbers are parsed by the C
/// library's `strtod`.
public enum CSVReader {
    /// Reads the numeric columns of a delimited text file into memory.
    ///
    /// - Parameters:
    ///   - path: the file; `-` reads standard input.
    ///   - delimiter: `,`, `;` or tab; `nil` guesses (`CSVFormat.delimiter`).
    ///   - hasHeader: whether the first line names the columns; `nil` guesses.
    ///   - columns: the columns to use; `nil` uses all but the weight column.
    ///   - weightColumn: a column of non-negative sample weights.
    ///   - missingMarkers: field texts read as missing values (NaN); `nil` refuses missing values.
    ///   - columnLimit: the most columns that may be chosen, and why (`CSVFormat.columnLimit`).
    /// - Throws: `DataError` naming the file, line and column of the first problem.
    public static func read(
        path: String, delimiter: UInt8? = nil, hasHeader: Bool? = nil, columns: [ColumnSelector]? = nil,
        weightColumn: ColumnSelector? = nil, missingMarkers: Set<String>? = nil, columnLimit: (count: Int, reason: String)? = nil
    ) throws -> NumericTable {
        if path == "-" {
            return try parse(
                FileAccess.readAll(path), path: path, delimiter: delimiter, hasHeader: hasHeader, columns: columns,
                weightColumn: weightColumn, missingMarkers: missingMarkers, columnLimit: columnLimit)
        }
        // Two passes over the file, never all of its text at once: count the lines to reserve the
        // matrix exactly, then parse. Peak memory is the matrix plus one 4 MiB block of text.
        var lineCount = 0
        try FileAccess.forEachLine(ofFile: path) { number, _ in lineCount = number }
        var elements: [Double] = []
        var weights: [Double] = []
        let format = CSVFormat(
            delimiter: delimiter, hasHeader: hasHeader, columns: columns, weightColumn: weightColumn, missingMarkers: missingMarkers,
            columnLimit: columnLimit)
        let layout = try scan(lines: { body in try FileAccess.forEachLine(ofFile: path, body) }, path: path, format: format) {
            row, weight in
            if elements.capacity == 0 { elements.reserveCapacity(lineCount * row.count) }
            elements.append(contentsOf: row)
            if let weight {
                if weights.capacity == 0 { weights.reserveCapacity(lineCount) }
                weights.append(weight)
            }
        }
        return NumericTable(
            samples: Matrix(rowCount: layout.rowCount, columnCount: layout.columnNames.count, elements: elements),
            columnNames: layout.columnNames, sampleWeights: layout.hasWeights ? weights : nil, columnPositions: layout.columnPositions)
    }

    /// Parses the bytes of a delimited text file; `path` is used in error messages only.
    public static func parse(
        _ bytes: [UInt8], path: String, delimiter: UInt8? = nil, hasHeader: Bool? = nil,
        columns: [ColumnSelector]? = nil, weightColumn: ColumnSelector? = nil, missingMarkers: Set<String>? = nil,
        columnLimit: (count: Int, reason: String)? = nil
    ) throws -> NumericTable {
        var elements: [Double] = []
        var weights: [Double] = []
        let format = CSVFormat(
            delimiter: delimiter, hasHeader: hasHeader, columns: columns, weightColumn: weightColumn, missingMarkers: missingMarkers,
            columnLimit: columnLimit)
        let layout = try bytes.withUnsafeBufferPointer { buffer in
            try scan(lines: { body in try forEachLine(in: buffer, body) }, path: path, format: format) { row, weight in
                elements.append(contentsOf: row)
                if let weight { weights.append(weight) }
            }
        }
        return NumericTable(
            samples: Matrix(rowCount: layout.rowCount, columnCount: layout.columnNames.count, elements: elements),
            columnNames: layout.columnNames, sampleWeights: layout.hasWeights ? weights : nil, columnPositions: layout.columnPositions)
    }

    /// Streams a delimited text file into a `.npy` file of float64 rows, holding only a block of
    /// the text and a buffer of rows in memory at a time (plus the weights, one value per row).
    ///
    /// - Returns: the column names, the row count and the weights (when a weight column was chosen).
    /// - Throws: `DataError` naming the file, line and column of the first problem.
    public static func convertToNumpy(
        path: String, format: CSVFormat, destination: String
    ) throws -> (columnNames: [String], rowCount: Int, sampleWeights: [Double]?) {
        let writer = try NumpyWriter(path: destination)
        var weights: [Double] = []
        let layout = try scan(lines: { body in try FileAccess.forEachLine(ofFile: path, body) }, path: path, format: format) {
            row, weight in
            try writer.append(row)
            if let weight { weights.append(weight) }
        }
        try writer.finish(rowCount: layout.rowCount, columnCount: layout.columnNames.count)
        return (layout.columnNames, layout.rowCount, layout.hasWeights ? weights : nil)
    }

    /// What a scan found.
    struct Layout {
        var columnNames: [String]
        var columnPositions: [Int]
        var rowCount: Int
        var hasWeights: Bool
    }

    /// The parser: reads lines from `lines`, checks every field, and hands each row's chosen
    /// values (and weight) to `emit`.
    static func scan(
        lines: ((Int, UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Void, path: String, format: CSVFormat,
        emit: ([Double], Double?) throws -> Void
    ) throws -> Layout {
        var state: (separator: UInt8, fieldCount: Int, names: [String], chosen: [Int], weightIndex: Int?)? = nil
        var rowCount = 0
        var row: [Double] = []
        try withoutActuallyEscaping(emit) { emit in try lines { lineNumber, line in
            var line = line
            if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) {
                line = UnsafeBufferPointer(rebasing: line[3...])  // a UTF-8 byte-order mark
            }
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
            if state == nil {
                let separator = format.delimiter ?? guessDelimiter(line)
                let fields = split(line, separator)
                // Too many columns is known from the field count: refuse before naming them all.
                if let limit = format.columnLimit {
                    let count = format.columns?.count ?? (fields.count - (format.weightColumn == nil ? 0 : 1))
                    guard count <= limit.count else {
                        throw DataError.tooManyColumns(path: path, count: count, limit: limit.count, reason: limit.reason)
                    }
                }
                let header = isHeader(line, fields, format)
                let names = header
                    ? fields.map { unquote(String(decoding: line[$0], as: UTF8.self)) }
                    : (1...fields.count).map { "column\($0)" }
                func resolve(_ selector: ColumnSelector) throws -> Int {
                    switch selector {
                    case .name(let name):
                        guard let index = names.firstIndex(of: name) else {
                            throw DataError.unknownColumn(path: path, column: name, available: names)
                        }
                        return index
                    case .position(let position):
                        guard position >= 1, position <= fields.count else {
                            throw DataError.unknownColumn(
                                path: path, column: "\(position) (the file has \(fields.count) columns)", available: names)
                        }
                        return position - 1
                    }
                }
                let weightIndex = try format.weightColumn.map(resolve)
                let chosen = try format.columns.map { try $0.map(resolve) } ?? (0..<fields.count).filter { $0 != weightIndex }
                guard !chosen.isEmpty else { throw DataError.empty(path: path) }
                // Two chosen columns with one name could not be told apart by name downstream
                // (generated names are distinct).
                var seen: [String: Int] = [:]
                for index in header ? chosen + (weightIndex.map { [$0] } ?? []) : [] {
                    if let first = seen[names[index]] {
                        throw DataError.duplicateColumn(path: path, name: names[index], first: first + 1, second: index + 1)
                    }
                    seen[names[index]] = index
                }
                state = (separator, fields.count, names, chosen, weightIndex)
                row.reserveCapacity(chosen.count)
                if header { return }
            }
            guard let (separator, fieldCount, _, chosen, weightIndex) = state else { return }
            let fields = split(line, separator)
            guard fields.count == fieldCount else {
                throw DataError.raggedRow(path: path, line: lineNumber, expected: fieldCount, found: fields.count)
            }
            func value(_ index: Int, allowMissing: Bool = true) throws -> Double {
                let field = fields[index]
                if allowMissing, let markers = format.missingMarkers,
                    markers.contains(String(decoding: line[field], as: UTF8.self).uppercased())
                {
                    return .nan
                }
                guard let number = parseNumber(line, field) else {
                    let text = String(decoding: line[field], as: UTF8.self)
                    if isMissing(line, field) {
                        throw DataError.missingValue(path: path, line: lineNumber, column: index + 1, field: text)
                    }
                    throw DataError.notANumber(path: path, line: lineNumber, column: index + 1, field: text)
                }
                guard number.isFinite else {
                    throw DataError.nonFinite(
                        path: path, line: lineNumber, column: index + 1, field: String(decoding: line[field], as: UTF8.self))
                }
                return number
            }
            row.removeAll(keepingCapacity: true)
            for index in chosen { row.append(try value(index)) }
            var weight: Double? = nil
            if let w = weightIndex {
                let value = try value(w, allowMissing: false)
                guard value >= 0 else {
                    throw DataError.invalidWeight(path: path, line: lineNumber, column: w + 1, value: value)
                }
                weight = value
            }
            try emit(row, weight)
            rowCount += 1
        } }
        guard let (_, _, names, chosen, weightIndex) = state, rowCount > 0 else { throw DataError.empty(path: path) }
        return Layout(columnNames: chosen.map { names[$0] }, columnPositions: chosen, rowCount: rowCount, hasWeights: weightIndex != nil)
    }

    /// A copy of a delimited text file in which data fields are replaced where `replacement`
    /// returns text: every other byte (header, blank lines, delimiters, untouched fields, line
    /// ends) is kept. `replacement` gets the 0-based data row, the 0-based column and the field.
    ///
    /// - Throws: `DataError.raggedRow` for a row with another number of fields than the first.
    public static func substituteFields(
        _ bytes: [UInt8], path: String, format: CSVFormat,
        replacement: (_ row: Int, _ column: Int, _ field: String) -> String?
    ) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 4)
        var dataRow = 0
        var layout: (separator: UInt8, fieldCount: Int)? = nil
        try bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            var lineNumber = 0
            while start < buffer.count {
                var end = start
                while end < buffer.count && buffer[end] != 0x0A { end += 1 }
                lineNumber += 1
                let line = UnsafeBufferPointer(rebasing: buffer[start..<end])
                let content = lineNumber == 1 && line.starts(with: [0xEF, 0xBB, 0xBF]) ? UnsafeBufferPointer(rebasing: line[3...]) : line
                let offset = line.count - content.count
                defer {
                    if end < buffer.count { output.append(0x0A) }
                    start = end + 1
                }
                guard content.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else {
                    output.append(contentsOf: line)
                    continue
                }
                if layout == nil {
                    let separator = format.delimiter ?? guessDelimiter(content)
                    let fields = split(content, separator)
                    layout = (separator, fields.count)
                    let header = isHeader(content, fields, format)
                    if header {
                        output.append(contentsOf: line)
                        continue
                    }
                }
                guard let (separator, fieldCount) = layout else { continue }
                let fields = split(content, separator)
                guard fields.count == fieldCount else {
                    throw DataError.raggedRow(path: path, line: lineNumber, expected: fieldCount, found: fields.count)
                }
                var cursor = 0
                for (column, field) in fields.enumerated() {
                    guard let text = replacement(dataRow, column, String(decoding: content[field], as: UTF8.self)) else { continue }
                    output.append(contentsOf: line[cursor..<(offset + field.lowerBound)])
                    output.append(contentsOf: Array(text.utf8))
                    cursor = offset + field.upperBound
                }
                output.append(contentsOf: line[cursor...])
                dataRow += 1
            }
        }
        return output
    }

    /// Whether a first line names the columns: as the format says, else when any field is
    /// neither a number nor a missing-value marker.
    static func isHeader(_ line: UnsafeBufferPointer<UInt8>, _ fields: [Range<Int>], _ format: CSVFormat) -> Bool {
        format.hasHeader ?? fields.contains {
            parseNumber(line, $0) == nil && !isMissing(line, $0)
                && !(format.missingMarkers?.contains(String(decoding: line[$0], as: UTF8.self).uppercased()) ?? false)
        }
    }

    /// Calls `body` with each line of `buffer` (without its line break) and its 1-based number.
    static func forEachLine(
        in buffer: UnsafeBufferPointer<UInt8>, _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void
    ) throws {
        var start = 0
        var lineNumber = 0
        while start < buffer.count {
            var end = start
            while end < buffer.count && buffer[end] != 0x0A { end += 1 }
            lineNumber += 1
            try body(lineNumber, UnsafeBufferPointer(rebasing: buffer[start..<end]))
            start = end + 1
        }
    }

    /// The most frequent of `,`, `;` and tab in the line; `,` when none occurs.
    static func guessDelimiter(_ line: UnsafeBufferPointer<UInt8>) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]
        let counts = candidates.map { c in line.reduce(0) { $0 + ($1 == c ? 1 : 0) } }
        let best = counts.indices.max { counts[$0] < counts[$1] } ?? 0
        return counts[best] > 0 ? candidates[best] : candidates[0]
    }

    /// The ranges of the fields of a line, white space around each field trimmed.
    static func split(_ line: UnsafeBufferPointer<UInt8>, _ separator: UInt8) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var start = 0
        var inQuotes = false
        for i in 0..<line.count {
            let b = line[i]
            if b == UInt8(ascii: "\"") { inQuotes.toggle() }
            if b == separator && !inQuotes {
                fields.append(trim(line, start..<i))
                start = i + 1
            }
        }
        fields.append(trim(line, start..<line.count))
        return fields
    }

    static func trim(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && (line[lower] == 0x20 || line[lower] == 0x09) { lower += 1 }
        while upper > lower && (line[upper - 1] == 0x20 || line[upper - 1] == 0x09 || line[upper - 1] == 0x0D) { upper -= 1 }
        return lower..<upper
    }

    static func unquote(_ text: String) -> String {
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { return String(text.dropFirst().dropLast()) }
        return text
    }

    /// Fields that mean "no value": empty, `NA`, `N/A`, `?`, `NULL`.
    static func isMissing(_ line: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Bool {
        let text = String(decoding: line[field], as: UTF8.self).uppercased()
        return ["", "NA", "N/A", "?", "NULL", "\"\""].contains(text)
    }

    /// The number in the field, or `nil` when the whole field is not a number.
    static func parseNumber(_ line: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Double? {
        let count = field.count
        guard count > 0 else { return nil }
        guard count < 64 else { return Double(String(decoding: line[field], as: UTF8.self)) }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { buffer in
            for i in 0..<count { buffer[i] = CChar(bitPattern: line[field.lowerBound + i]) }
            buffer[count] = 0
            let base = buffer.baseAddress.unsafelyUnwrapped
            var end: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(base, &end)
            guard let end, end == base + count else { return nil }
            return value
        }
    }
}
