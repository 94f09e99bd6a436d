/// Reads the lengths file of `emkit hmm`: one sequence length per line, in the order the
/// sequences' rows appear in the data; blank lines are skipped.
public enum SequenceLengths {
    /// The lengths in `text`, each a whole number ≥ 1. Whether they add up to the data's rows is
    /// checked by `SequenceDataset`.
    ///
    /// - Throws: `DataError.notANumber` or `DataError.invalidField` naming `path` and the line.
    public static func parse(_ text: String, path: String) throws -> [Int] {
        try text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated().compactMap { index, line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
            let field = String(trimmed)
            if field.isEmpty { return nil }
            guard let length = Int(field) else {
                throw DataError.notANumber(path: path, line: index + 1, column: 1, field: field)
            }
            guard length >= 1 else {
                throw DataError.invalidField(path: path, line: index + 1, column: 1, field: field, expected: "a sequence length ≥ 1")
            }
            return length
        }
    }
}
