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

/// Stepwise (online, mini-batch) EM as a step policy of the EM loop: each iteration is one
/// epoch, a pass over every chunk in a seeded random order in mini-batches of
/// `schedule.chunksPerBatch` chunks, with an M-step after each from the running statistics
/// (`StepwiseSchedule`), followed by a full E-step that measures the objective.
///
/// Stepwise EM does not promise a monotone objective, so the engine raises no decrease warnings
/// and measures convergence on the sizes of the changes.
public struct StepwiseEMStep<Model: EMModel>: EMStepPolicy where Model.Statistics: ScalableStatistics {
    /// The step sizes and batch size.
    public let schedule: StepwiseSchedule
    private var running: Model.Statistics? = nil
    private var update = 0

    /// The policy with the given schedule.
    public init(schedule: StepwiseSchedule) {
        self.schedule = schedule
    }

    public var isMonotone: Bool { false }

    public mutating func step(from current: EMEvaluation<Model>, context: inout EMStepContext<Model>) throws -> EMEvaluation<Model> {
        var model = current.model
        var order = Array(0..<context.data.chunkCount)
        order.shuffle(using: &context.generator)
        var batchStart = 0
        while batchStart < order.count {
            let batch = Array(order[batchStart..<min(batchStart + schedule.chunksPerBatch, order.count)])
            batchStart += schedule.chunksPerBatch
            var statistics = try context.expectation(model, chunks: batch).statistics
            guard statistics.sampleWeight > 0 else { continue }
            statistics.scale(by: 1 / statistics.sampleWeight)
            let step = schedule.stepSize(update)
            update += 1
            if var blended = running, step < 1 {
                blended.scale(by: 1 - step)
                statistics.scale(by: step)
                blended.merge(statistics)
                running = blended
            } else {
                running = statistics
            }
            guard let merged = running else { continue }
            model = try model.maximized(from: merged)
        }
        return try context.evaluate(model)
    }
}
