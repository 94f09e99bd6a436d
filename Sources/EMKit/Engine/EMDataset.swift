/// Data that the EM engine can visit chunk by chunk.
///
/// A chunk is the unit of parallel work: the engine runs one E-step per chunk, possibly on
/// different threads, and merges the resulting statistics in chunk order. The chunking must
/// depend only on the data (for instance a fixed number of rows), never on the thread count.
public protocol EMDataset: Sendable {
    /// What one E-step receives.
    associatedtype Chunk

    /// The number of chunks.
    var chunkCount: Int { get }

    /// The chunk at `index`, for `0 ≤ index < chunkCount`.
    ///
    /// - Throws: when the chunk cannot be produced (for instance a streamed file that fails to read).
    func chunk(at index: Int) throws -> Chunk
}

/// An `EMDataset` over an array, cut into runs of `chunkSize` consecutive elements.
///
/// Useful for models of one's own whose data is a list of observations:
///
/// ```swift
/// let data = ArrayDataset([125.0, 18, 20, 34], chunkSize: 4)
/// ```
public struct ArrayDataset<Element: Sendable>: EMDataset {
    /// The observations.
    public let elements: [Element]
    /// The number of consecutive elements per chunk.
    public let chunkSize: Int

    /// Wraps `elements`, cutting it into chunks of `chunkSize` (default 4096) elements.
    public init(_ elements: [Element], chunkSize: Int = 4096) {
        precondition(chunkSize > 0, "chunkSize must be positive")
        self.elements = elements
        self.chunkSize = chunkSize
    }

    public var chunkCount: Int { (elements.count + chunkSize - 1) / chunkSize }

    public func chunk(at index: Int) -> ArraySlice<Element> {
        let start = index * chunkSize
        return elements[start..<min(start + chunkSize, elements.count)]
    }
}
