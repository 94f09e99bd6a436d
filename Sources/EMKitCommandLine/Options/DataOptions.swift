import ArgumentParser
import EMKit

/// How a data file is read: shared by every subcommand that reads data.
struct DataOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Columns to use, by header name or 1-based position, comma-separated (default: all but --weights).",
            valueName: "list"))
    var columns: String?

    @Option(name: .long, help: ArgumentHelp("CSV field separator: comma, semicolon or tab (default: guessed).", valueName: "separator"))
    var delimiter: Delimiter?

    @Flag(
        name: .long, inversion: .prefixedNo,
        help: "Whether the first CSV line names the columns (default: guessed; a line with any non-number is a header).")
    var header: Bool?

    func validate() throws {
        if let columns, columns.split(separator: ",", omittingEmptySubsequences: false).contains(where: {
            $0.trimmingCharacters(in: .whitespaces).isEmpty
        }) {
            throw ValidationError("--columns '\(columns)' names an empty column: give names or 1-based positions, comma-separated")
        }
    }

    var columnSelectors: [ColumnSelector]? {
        columns.map { $0.split(separator: ",").map { ColumnSelector(String($0).trimmingCharacters(in: .whitespaces)) } }
    }

    enum Delimiter: String, ExpressibleByArgument, CaseIterable {
        case comma, semicolon, tab
        var byte: UInt8 {
            switch self {
            case .comma: return UInt8(ascii: ",")
            case .semicolon: return UInt8(ascii: ";")
            case .tab: return UInt8(ascii: "\t")
            }
        }
    }

    /// Reads `path` (a `.npy` file, a CSV file, or `-` for CSV on standard input). With
    /// `missingMarkers`, those field texts (and NaN in `.npy`) are missing values, read as NaN.
    func read(
        _ path: String, weightColumn: String? = nil, missingMarkers: Set<String>? = nil,
        columnLimit: (count: Int, reason: String)? = nil
    ) throws -> NumericTable {
        if path.lowercased().hasSuffix(".npy") {
            if weightColumn != nil {
                throw ValidationError("--weights needs a CSV file with a weight column; .npy files hold only samples")
            }
            var matrix = try NumpyReader.read(path: path, allowingMissing: missingMarkers != nil)
            var names = (1...matrix.columnCount).map { "column\($0)" }
            if let selectors = columnSelectors {
                let positions = try selectors.map { selector -> Int in
                    guard case .position(let p) = selector, p >= 1, p <= matrix.columnCount else {
                        throw DataError.unknownColumn(path: path, column: selector.description, available: names)
                    }
                    return p - 1
                }
                matrix = matrix.transposed.rows(at: positions).transposed
                names = positions.map { names[$0] }
            }
            return NumericTable(samples: matrix, columnNames: names, sampleWeights: nil)
        }
        return try CSVReader.read(
            path: path, delimiter: delimiter?.byte, hasHeader: header, columns: columnSelectors,
            weightColumn: weightColumn.map(ColumnSelector.init), missingMarkers: missingMarkers, columnLimit: columnLimit)
    }

    /// Reads the data a model is applied to: the given columns, else the model's columns when the
    /// file names them all, else every column.
    /// With `missingMarkers`, those field texts are missing values (NaN).
    func read(_ path: String, columns modelColumns: [String]?, missingMarkers: Set<String>? = nil) throws -> NumericTable {
        if columns == nil, let modelColumns, !path.lowercased().hasSuffix(".npy") {
            let all = try read(path, missingMarkers: missingMarkers)
            if Set(modelColumns).isSubset(of: all.columnNames), all.columnNames != modelColumns {
                var selected = self
                selected.columns = modelColumns.joined(separator: ",")
                return try selected.read(path, missingMarkers: missingMarkers)
            }
            return all
        }
        return try read(path, missingMarkers: missingMarkers)
    }
}

/// Output formats for people and for programs.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Which field texts mean a missing value: for commands that accept missing values.
struct MissingValueOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Field texts that mean a missing value, comma-separated; an empty field always does (default: NA,NaN,?).",
            valueName: "list"))
    var missingValues: String?

    /// The markers, upper-cased, with the empty field.
    var markers: Set<String> {
        guard let missingValues else { return CSVFormat.defaultMissingMarkers }
        return Set(missingValues.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() } + [""])
    }
}
