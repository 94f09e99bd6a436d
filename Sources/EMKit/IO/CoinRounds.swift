/// Reads rounds of coin tosses: one round per line, either a string of `H` and `T` (any case,
/// spaces ignored) or `heads,tosses`. Blank lines and lines starting with `#` are skipped.
public enum CoinRounds {
    /// The rounds in `text` as rows `(heads, tosses)`, with the tosses of H/T lines kept for display.
    ///
    /// - Throws: `DataError.notANumber` naming the line for anything else, `DataError.empty`.
    public static func parse(_ text: String, path: String) throws -> (rounds: Matrix, sequences: [String?]) {
        var rows: [[Double]] = []
        var sequences: [String?] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let compact = line.uppercased().filter { $0 != " " }
            if !compact.isEmpty, compact.allSatisfy({ $0 == "H" || $0 == "T" }) {
                rows.append([Double(compact.filter { $0 == "H" }.count), Double(compact.count)])
                sequences.append(compact)
                continue
            }
            let fields = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 2, let heads = Int(fields[0]), let tosses = Int(fields[1]) else {
                throw DataError.invalidRound(
                    path: path, line: index + 1, text: line,
                    reason: "write a string of H and T, or heads,tosses as whole numbers")
            }
            guard heads >= 0, tosses >= heads else {
                throw DataError.invalidRound(path: path, line: index + 1, text: line, reason: "need 0 ≤ heads ≤ tosses")
            }
            // Counts are held as Double: beyond 2⁵³ they would no longer be whole.
            guard tosses <= 1 << 53 else {
                throw DataError.invalidRound(path: path, line: index + 1, text: line, reason: "at most 2⁵³ tosses in a round")
            }
            rows.append([Double(heads), Double(tosses)])
            sequences.append(nil)
        }
        guard !rows.isEmpty else { throw DataError.empty(path: path) }
        return (Matrix(rows: rows), sequences)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, set.contains(last) { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

extension Set where Element == Character {
    fileprivate static var whitespacesAndNewlines: Set<Character> { [" ", "\t", "\r", "\n"] }
    fileprivate static var whitespaces: Set<Character> { [" ", "\t"] }
}
