/// The step sizes of stepwise (online, mini-batch) EM (Sato & Ishii 2000; Cappé & Moulines 2009;
/// Liang & Klein 2009).
///
/// Stepwise EM runs an M-step after every mini-batch instead of after a full pass. It keeps
/// running sufficient statistics `s`, normalised per unit of sample weight, and blends in each
/// mini-batch's statistics `ŝₜ`:
///
/// ```
/// s ← (1 − ηₜ) s + ηₜ ŝₜ,   ηₜ = (t + t₀)^(−α)  for the t-th update (t ≥ 1),  η₀ = 1
/// θ ← M-step(s)
/// ```
///
/// With `0.5 < α ≤ 1` the steps satisfy Σ ηₜ = ∞ and Σ ηₜ² < ∞, the Robbins–Monro conditions under
/// which stepwise EM converges to a stationary point of the likelihood. Smaller α forgets old
/// batches faster; `α = 1, t₀ = 1` makes `s` the plain average of all batches seen.
/// Mini-batches are runs of consecutive chunks, visited in a fresh seeded random order each epoch.
public struct StepwiseSchedule: Sendable, Equatable {
    /// The number of chunks per mini-batch (≥ 1).
    public var chunksPerBatch: Int
    /// The decay exponent α, in (0.5, 1]. Default 0.7.
    public var decay: Double
    /// The offset t₀ ≥ 1. Default 2.
    public var offset: Double

    /// A schedule with the given batch size, decay and offset.
    public init(chunksPerBatch: Int = 1, decay: Double = 0.7, offset: Double = 2) {
        self.chunksPerBatch = chunksPerBatch
        self.decay = decay
        self.offset = offset
    }

    /// ηₜ for update t (0-based).
    public func stepSize(_ t: Int) -> Double {
        t == 0 ? 1 : _exp(-decay * _log(Double(t) + offset))
    }

    /// Checks the schedule.
    ///
    /// - Throws: `EMError.invalidParameter` naming the bad value.
    public func validate() throws {
        guard chunksPerBatch >= 1 else {
            throw EMError.invalidParameter(name: "chunksPerBatch", value: "\(chunksPerBatch)", expected: "an integer ≥ 1")
        }
        guard decay > 0.5, decay <= 1 else {
            throw EMError.invalidParameter(name: "decay", value: "\(decay)", expected: "a number in (0.5, 1]")
        }
        guard offset >= 1, offset.isFinite else {
            throw EMError.invalidParameter(name: "offset", value: "\(offset)", expected: "a finite number ≥ 1")
        }
    }
}
