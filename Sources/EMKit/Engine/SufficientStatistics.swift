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

/// Statistics that can be scaled, as stepwise (online) EM needs to blend running statistics with
/// those of a mini-batch: `s ← (1 − η) s + η ŝ`.
public protocol ScalableStatistics: SufficientStatistics {
    /// The total sample weight the statistics were accumulated from.
    var sampleWeight: Double { get }
    /// Multiplies every sum by `factor` (> 0), as if each sample's weight were multiplied by it.
    mutating func scale(by factor: Double)
}
