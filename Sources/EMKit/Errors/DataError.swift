/// Errors of reading and writing data and model files. The wording is in `ErrorDescriptions.swift`.
///
/// Line and column numbers are 1-based, as editors show them.
public enum DataError: Error, Sendable, Equatable {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file could not be written.
    case unwritable(path: String, reason: String)
    /// An output path names one of the command's input files, which writing would destroy.
    case outputIsInput(path: String)
    /// A field is a number, but not one the file may hold there (`expected` says what may).
    case invalidField(path: String, line: Int, column: Int, field: String, expected: String)
    /// The file holds no data rows.
    case empty(path: String)
    /// A field is not a number.
    case notANumber(path: String, line: Int, column: Int, field: String)
    /// A row has a different number of fields than the first.
    case raggedRow(path: String, line: Int, expected: Int, found: Int)
    /// A field is empty or a missing-value marker (`NA`, `?`, …).
    case missingValue(path: String, line: Int, column: Int, field: String)
    /// A sample weight is negative.
    case invalidWeight(path: String, line: Int, column: Int, value: Double)
    /// A line of a coin-toss file is not a round.
    case invalidRound(path: String, line: Int, text: String, reason: String)
    /// A value is NaN or infinite where a number is needed.
    case nonFinite(path: String, line: Int, column: Int, field: String)
    /// A column named on the command line does not exist.
    case unknownColumn(path: String, column: String, available: [String])
    /// Two of the chosen columns share a header name (1-based positions `first` and `second`).
    case duplicateColumn(path: String, name: String, first: Int, second: Int)
    /// The file has more columns than the model can take (`limit`, for the reason given), found
    /// from its first line before the rest is read.
    case tooManyColumns(path: String, count: Int, limit: Int, reason: String)
    /// A `.npy` file is malformed or of a kind EMKit does not read.
    case unsupportedNumpy(path: String, reason: String)
    /// A model file is malformed or inconsistent.
    case invalidModelFile(path: String, reason: String)
}
