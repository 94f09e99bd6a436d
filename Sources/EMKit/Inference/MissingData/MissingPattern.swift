/// Which coordinates of a row are observed: the key by which rows with missing values are
/// grouped, so that each pattern's conditional factorisation is computed once per component per
/// iteration rather than once per row.
public struct MissingPattern: Hashable, Sendable {
    /// One bit per coordinate, set when the coordinate is observed.
    let words: [UInt64]
    /// The dimension.
    public let dimension: Int

    /// The pattern with the given bits (one per coordinate, set when observed).
    init(words: [UInt64], dimension: Int) {
        self.words = words
        self.dimension = dimension
    }

    /// The pattern of `row` (`dimension` values; NaN means missing).
    public init(row: UnsafePointer<Double>, dimension: Int) {
        var words = [UInt64](repeating: 0, count: (dimension + 63) / 64)
        for j in 0..<dimension where !row[j].isNaN { words[j / 64] |= 1 << UInt64(j % 64) }
        self.words = words
        self.dimension = dimension
    }

    /// The pattern with the given observed coordinates.
    public init(observed: [Int], dimension: Int) {
        var words = [UInt64](repeating: 0, count: (dimension + 63) / 64)
        for j in observed { words[j / 64] |= 1 << UInt64(j % 64) }
        self.words = words
        self.dimension = dimension
    }

    /// Whether coordinate `j` is observed.
    @inline(__always) public func isObserved(_ j: Int) -> Bool { words[j / 64] & (1 << UInt64(j % 64)) != 0 }

    /// The observed coordinates, ascending.
    public var observed: [Int] { (0..<dimension).filter(isObserved) }
    /// The missing coordinates, ascending.
    public var missing: [Int] { (0..<dimension).filter { !isObserved($0) } }
    /// Whether every coordinate is observed.
    public var isComplete: Bool { observed.count == dimension }
}

/// Whether any value of the row is NaN (missing).
@inline(__always) func hasMissingValue(_ row: UnsafePointer<Double>, dimension: Int) -> Bool {
    for j in 0..<dimension where row[j].isNaN { return true }
    return false
}
