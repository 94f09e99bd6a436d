/// The sufficient statistics an E-step accumulates from a chunk of data.
///
/// Statistics of disjoint chunks combine with `merge`, which must be associative:
/// `(a ⊕ b) ⊕ c == a ⊕ (b ⊕ c)` up to rounding. The engine merges chunk statistics in chunk
/// order, so a fit gives the same bits whatever the number of threads.
public protocol SufficientStatistics: Sendable {
    /// Adds the statistics of `other`, which were accumulated from data that follows
    /// the data of `self`.
    mutating func merge(_ other: Self)
}
