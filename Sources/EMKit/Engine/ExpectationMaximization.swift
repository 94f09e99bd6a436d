#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The EM loop: the one place in EMKit where an E-step and an M-step alternate.
///
/// Every model (Gaussian mixtures, k-means, discrete mixtures, a model of your own) is fitted by
/// `ExpectationMaximization.fit`. For each restart the engine draws initial parameters, then
/// repeats
///
/// ```
/// E-step:  (statistics, ℓₜ) = Σ_chunks accumulate(chunk)     under θₜ
///          stop if t ≥ 1 and |ℓₜ − ℓₜ₋₁| < tolerance          (converged at t)
///          stop if t = maxIterations                          (iteration limit)
/// M-step:  θₜ₊₁ = maximized(statistics)
/// ```
///
/// where ℓ is the mean log-likelihood per unit of sample weight. EM never lowers ℓ
/// (Dempster, Laird & Rubin 1977, via Jensen's inequality); the engine checks it and records
/// a warning if rounding or a faulty model ever breaks it. The restart with the highest final ℓ
/// is kept; restarts whose components degenerate are kept only if all do.
public enum ExpectationMaximization {
    /// Fits a model by EM.
    ///
    /// - Parameters:
    ///   - data: the data, visited chunk by chunk.
    ///   - options: tolerance, iteration limit, restarts, seed, threads, observer.
    ///   - initialModel: returns the initial parameters of restart `r` (from 0), drawing any
    ///     randomness from the generator it is handed (`SeededGenerator(seed:stream: r)`).
    /// - Returns: the best restart's model, log-likelihood, history and stop reason.
    /// - Throws: `EMError.invalidParameter` for bad options; whatever the initialiser or the
    ///   E-step throw; `EMError.degenerateComponent` when every restart degenerates;
    ///   `EMError.nonFiniteResult` when the likelihood becomes NaN.
    public static func fit<Model: EMModel>(
        _ data: Model.Dataset,
        options: EMOptions = EMOptions(),
        initialModel: (_ restart: Int, _ generator: inout SeededGenerator) throws -> Model
    ) throws -> EMResult<Model> {
        try options.validate()
        let threads = options.threadCount ?? defaultThreadCount
        return try bestOfRestarts(options: options, initialModel: initialModel) { start, restart, _ in
            try iterate(from: start, on: data, restart: restart, options: options, threads: threads)
        }
    }

    /// Fits a model by stepwise (online, mini-batch) EM: an M-step after every mini-batch, with
    /// running statistics blended by the schedule's step sizes (see `StepwiseSchedule`).
    ///
    /// Each of the `options.maxIterations` iterations is one epoch (a pass over every chunk in a
    /// seeded random order), followed by a full E-step that measures the log-likelihood for the
    /// history and the convergence test. Stepwise EM does not promise a monotone likelihood, so
    /// no decrease warnings are raised.
    ///
    /// - Throws: as `fit(_:options:initialModel:)`, and `EMError.invalidParameter` for a bad schedule.
    public static func fitStepwise<Model: EMModel>(
        _ data: Model.Dataset,
        options: EMOptions = EMOptions(),
        schedule: StepwiseSchedule,
        initialModel: (_ restart: Int, _ generator: inout SeededGenerator) throws -> Model
    ) throws -> EMResult<Model> where Model.Statistics: ScalableStatistics {
        try options.validate()
        try schedule.validate()
        let threads = options.threadCount ?? defaultThreadCount
        return try bestOfRestarts(options: options, initialModel: initialModel) { start, restart, generator in
            try iterateStepwise(
                from: start, on: data, restart: restart, options: options, schedule: schedule, threads: threads,
                generator: &generator)
        }
    }

    /// Runs every restart and keeps the best.
    static func bestOfRestarts<Model: EMModel>(
        options: EMOptions,
        initialModel: (_ restart: Int, _ generator: inout SeededGenerator) throws -> Model,
        run: (Model, Int, inout SeededGenerator) throws -> Run<Model>
    ) throws -> EMResult<Model> {
        var best: EMResult<Model>? = nil
        var summaries: [RestartSummary] = []
        var warnings: [EMWarning] = []
        var firstDegeneracy: EMError? = nil

        for restart in 0..<options.restarts {
            var generator = SeededGenerator(seed: options.seed, stream: UInt64(restart))
            let start: Model
            do {
                start = try initialModel(restart, &generator)
            } catch let error as EMError {
                if case .degenerateComponent = error, options.restarts > 1 {
                    firstDegeneracy = firstDegeneracy ?? error
                    continue
                }
                throw error
            }
            let run = try run(start, restart, &generator)
            warnings += run.warnings
            summaries.append(
                RestartSummary(
                    restart: restart, logLikelihood: run.history.last ?? -.infinity,
                    stopReason: run.stopReason, iterations: run.iterations))
            if let error = run.degeneracy { firstDegeneracy = firstDegeneracy ?? error }
            let candidate = EMResult(
                model: run.model, logLikelihood: run.history.last ?? -.infinity,
                sampleWeight: run.sampleWeight, stopReason: run.stopReason, iterations: run.iterations,
                history: run.history, bestRestart: restart, restarts: [], warnings: [])
            if let current = best {
                if isBetter(candidate, than: current) { best = candidate }
            } else {
                best = candidate
            }
        }
        guard var result = best else {
            throw firstDegeneracy ?? EMError.noSamples
        }
        if case .degenerateComponent = result.stopReason, let error = firstDegeneracy {
            // Every restart degenerated: report it rather than pass off a half-fitted model.
            throw error
        }
        if options.canonicalOrder { result.model = result.model.canonicalized() }
        result.restarts = summaries
        result.warnings = warnings
        return result
    }

    /// The E-step alone: the merged statistics and log-likelihood of `model` on `data`.
    ///
    /// Used to score data with a fitted model, and by models that need one pass of statistics
    /// (for instance to initialise from responsibilities).
    public static func expectation<Model: EMModel>(
        _ model: Model, on data: Model.Dataset, threadCount: Int? = nil
    ) throws -> (statistics: Model.Statistics, likelihood: ChunkLikelihood) {
        try ChunkedExpectation.run(model, on: data, threadCount: threadCount ?? defaultThreadCount)
    }

    /// The number of cores, which is the default thread count.
    public static var defaultThreadCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    private static func isBetter<Model>(_ a: EMResult<Model>, than b: EMResult<Model>) -> Bool {
        let aDegenerate = !isHealthy(a.stopReason)
        let bDegenerate = !isHealthy(b.stopReason)
        if aDegenerate != bDegenerate { return !aDegenerate }
        return a.logLikelihood > b.logLikelihood
    }

    private static func isHealthy(_ reason: StopReason) -> Bool {
        if case .degenerateComponent = reason { return false }
        return true
    }

    struct Run<Model> {
        var model: Model
        var history: [Double]
        var sampleWeight: Double
        var iterations: Int
        var stopReason: StopReason
        var warnings: [EMWarning]
        var degeneracy: EMError?
    }

    private static func iterate<Model: EMModel>(
        from start: Model, on data: Model.Dataset, restart: Int, options: EMOptions, threads: Int
    ) throws -> Run<Model> {
        var model = start
        var history: [Double] = []
        var warnings: [EMWarning] = []
        var iteration = 0
        while true {
            let (statistics, likelihood) = try ChunkedExpectation.run(model, on: data, threadCount: threads)
            guard likelihood.sampleWeight > 0 else { throw EMError.noSamples }
            let logLikelihood = (likelihood.logLikelihood + model.logPrior()) / likelihood.sampleWeight
            guard !logLikelihood.isNaN, logLikelihood < .infinity else {
                throw EMError.nonFiniteResult(iteration: iteration)
            }
            history.append(logLikelihood)
            options.observer?(EMProgress(restart: restart, iteration: iteration, logLikelihood: logLikelihood))
            if let previous = history.dropLast().last {
                // Rounding can lower ℓ by a few ulps near convergence; flag only real decreases.
                if logLikelihood < previous - 1e-9 * max(1, abs(previous)) {
                    warnings.append(
                        .logLikelihoodDecreased(restart: restart, iteration: iteration, from: previous, to: logLikelihood))
                }
                if abs(logLikelihood - previous) < options.tolerance {
                    return Run(
                        model: model, history: history, sampleWeight: likelihood.sampleWeight,
                        iterations: iteration, stopReason: .converged(iteration: iteration),
                        warnings: warnings, degeneracy: nil)
                }
            }
            if iteration >= options.maxIterations {
                return Run(
                    model: model, history: history, sampleWeight: likelihood.sampleWeight,
                    iterations: iteration, stopReason: .reachedIterationLimit, warnings: warnings, degeneracy: nil)
            }
            do {
                model = try model.maximized(from: statistics)
            } catch EMError.degenerateComponent(let component, _, let reason) {
                return Run(
                    model: model, history: history, sampleWeight: likelihood.sampleWeight, iterations: iteration,
                    stopReason: .degenerateComponent(component: component, iteration: iteration + 1),
                    warnings: warnings,
                    degeneracy: .degenerateComponent(component: component, iteration: iteration + 1, reason: reason))
            }
            iteration += 1
        }
    }
}

extension ExpectationMaximization {
    private static func iterateStepwise<Model: EMModel>(
        from start: Model, on data: Model.Dataset, restart: Int, options: EMOptions, schedule: StepwiseSchedule,
        threads: Int, generator: inout SeededGenerator
    ) throws -> Run<Model> where Model.Statistics: ScalableStatistics {
        var model = start
        var history: [Double] = []
        var running: Model.Statistics? = nil
        var update = 0
        var epoch = 0
        var sampleWeight = 0.0
        while true {
            let likelihood = try ChunkedExpectation.run(model, on: data, threadCount: threads).likelihood
            guard likelihood.sampleWeight > 0 else { throw EMError.noSamples }
            sampleWeight = likelihood.sampleWeight
            let logLikelihood = (likelihood.logLikelihood + model.logPrior()) / likelihood.sampleWeight
            guard !logLikelihood.isNaN, logLikelihood < .infinity else { throw EMError.nonFiniteResult(iteration: epoch) }
            history.append(logLikelihood)
            options.observer?(EMProgress(restart: restart, iteration: epoch, logLikelihood: logLikelihood))
            if let previous = history.dropLast().last, abs(logLikelihood - previous) < options.tolerance {
                return Run(
                    model: model, history: history, sampleWeight: sampleWeight, iterations: epoch,
                    stopReason: .converged(iteration: epoch), warnings: [], degeneracy: nil)
            }
            if epoch >= options.maxIterations {
                return Run(
                    model: model, history: history, sampleWeight: sampleWeight, iterations: epoch,
                    stopReason: .reachedIterationLimit, warnings: [], degeneracy: nil)
            }
            var order = Array(0..<data.chunkCount)
            order.shuffle(using: &generator)
            var batchStart = 0
            while batchStart < order.count {
                let batch = Array(order[batchStart..<min(batchStart + schedule.chunksPerBatch, order.count)])
                batchStart += schedule.chunksPerBatch
                var statistics = try ChunkedExpectation.run(model, on: data, chunks: batch, threadCount: threads).statistics
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
                guard let current = running else { continue }
                do {
                    model = try model.maximized(from: current)
                } catch EMError.degenerateComponent(let component, _, let reason) {
                    return Run(
                        model: model, history: history, sampleWeight: sampleWeight, iterations: epoch,
                        stopReason: .degenerateComponent(component: component, iteration: epoch + 1), warnings: [],
                        degeneracy: .degenerateComponent(component: component, iteration: epoch + 1, reason: reason))
                }
            }
            epoch += 1
        }
    }
}
