import Dispatch

/// Runs a model's E-step over every chunk of a data set on several threads and merges the
/// statistics in chunk order.
///
/// Chunks are processed in waves of sixteen per thread, so at most a wave's statistics are alive
/// at once (memory does not grow with the data). Within and across waves the statistics are
/// folded strictly in chunk order: `((s₀ ⊕ s₁) ⊕ s₂) ⊕ …`, which is why the result has the same
/// bits whatever the thread count.
enum ChunkedExpectation {
    /// The merged statistics and the total log-likelihood of `model` on `data`.
    static func run<Model: EMModel>(
        _ model: Model, on data: Model.Dataset, threadCount: Int
    ) throws -> (statistics: Model.Statistics, likelihood: ChunkLikelihood) {
        try run(model, on: data, chunks: Array(0..<data.chunkCount), threadCount: threadCount)
    }

    /// The merged statistics and the total log-likelihood of `model` on the chunks `chunks`, in that order.
    static func run<Model: EMModel>(
        _ model: Model, on data: Model.Dataset, chunks: [Int], threadCount: Int
    ) throws -> (statistics: Model.Statistics, likelihood: ChunkLikelihood) {
        let chunkCount = chunks.count
        var total = model.emptyStatistics()
        var likelihood = ChunkLikelihood(logLikelihood: 0, sampleWeight: 0)
        let threads = max(1, min(threadCount, chunkCount))
        if threads == 1 {
            for index in 0..<chunkCount {
                var statistics = model.emptyStatistics()
                let chunkLikelihood = try model.accumulate(try data.chunk(at: chunks[index]), into: &statistics)
                total.merge(statistics)
                likelihood.logLikelihood += chunkLikelihood.logLikelihood
                likelihood.sampleWeight += chunkLikelihood.sampleWeight
            }
            return (total, likelihood)
        }
        let waveSize = threads * 16
        let slots = ResultSlots<(Model.Statistics, ChunkLikelihood)>(count: waveSize)
        defer { slots.deallocate() }
        var waveStart = 0
        while waveStart < chunkCount {
            let waveEnd = min(waveStart + waveSize, chunkCount)
            let start = waveStart
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                var index = start + worker
                while index < waveEnd {
                    slots.store(index - start) {
                        var statistics = model.emptyStatistics()
                        let chunkLikelihood = try model.accumulate(try data.chunk(at: chunks[index]), into: &statistics)
                        return (statistics, chunkLikelihood)
                    }
                    index += threads
                }
            }
            for slot in 0..<(waveEnd - waveStart) {
                let (statistics, chunkLikelihood) = try slots.take(slot)
                total.merge(statistics)
                likelihood.logLikelihood += chunkLikelihood.logLikelihood
                likelihood.sampleWeight += chunkLikelihood.sampleWeight
            }
            waveStart = waveEnd
        }
        return (total, likelihood)
    }
}

/// Fixed slots that worker threads fill at distinct indices; read back on the calling thread
/// after the workers have joined. Unchecked-sendable because each index is written by exactly
/// one worker and read only after `concurrentPerform` returns.
private final class ResultSlots<Value>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Result<Value, any Error>?>
    private let count: Int

    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil, count: count)
    }

    func store(_ index: Int, _ body: () throws -> Value) {
        storage[index] = Result(catching: body)
    }

    func take(_ index: Int) throws -> Value {
        defer { storage[index] = nil }
        guard let result = storage[index] else { preconditionFailure("chunk slot \(index) was not filled") }
        return try result.get()
    }

    func deallocate() {
        storage.deinitialize(count: count)
        storage.deallocate()
    }
}
