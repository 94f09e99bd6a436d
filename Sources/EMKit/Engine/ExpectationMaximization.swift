#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The EM loop: the one place in EMKit where an E-step and an M-step alternate.
///
/// Every model (Gaussian mixtures, k-means, discrete mixtures, HMMs, a model of your own) is
/// fitted by this loop, and every scheme (plain EM, SQUAREM, stepwise EM) is a step policy it
/// runs (`EMStepPolicy`). For each restart the engine draws initial parameters, then repeats
///
/// ```
/// E-step:  (statistics, Lₜ) = Σ_chunks accumulate(chunk)     under θₜ
///          stop if the stopping rule holds on L₀ … Lₜ         (converged at t)
///          stop if t = maxIterations                          (iteration limit)
/// step:    θₜ₊₁ = policy.step(θₜ, statistics)                 (plain EM: the M-step)
/// ```
///
/// where L is the model's objective (`EMModel.objective(logLikelihood:)`: the log-likelihood,
/// plus the log-prior for MAP-EM, the evidence lower bound for variational Bayes) per unit of
/// sample weight. EM never lowers it (Dempster, Laird & Rubin 1977, via Jensen's inequality);
/// the engine checks it and records a warning if rounding or a faulty model ever breaks it. The
/// default stopping rule (`StoppingRule.estimatedGap`) stops when the estimated distance to the
/// objective's limit is within the tolerance, and the result records that estimate
/// (`EMResult.estimatedGap`). The restart with the highest final objective is kept; restarts whose
/// components degenerate are kept only if all do.
public enum ExpectationMaximization {
    /// Fits a model by plain EM.
    ///
    /// - Parameters:
    ///   - data: the data, visited chunk by chunk.
    ///   - options: tolerance, stopping rule, iteration limit, restarts, seed, threads, observer.
    ///   - initialModel: returns the initial parameters of restart `r` (from 0), drawing any
    ///     randomness from the generator it is handed (`SeededGenerator(seed:stream: r)`).
    /// - Returns: the best restart's model, objective, log-likelihood, history and stop reason.
    /// - Throws: `EMError.invalidParameter` for bad options; whatever the initialiser or the
    ///   E-step throw; `EMError.degenerateComponent` when every restart degenerates;
    ///   `EMError.nonFiniteResult` when the objective becomes NaN.
    public static func fit<Model: EMModel>(
        _ data: Model.Dataset,
        options: EMOptions = EMOptions(),
        initialModel: (_ restart: Int, _ generator: inout SeededGenerator) throws -> Model
    ) throws -> EMResult<Model> {
        try fit(data, options: options, policy: PlainEMStep<Model>(), initialModel: initialModel)
    }

    /// Fits a model by EM with the step policy `policy` (plain EM, `SQUAREMStep`, `StepwiseEMStep`
    /// or one of your own). `options.maxIterations` counts the policy's iterations.
    ///
    /// - Throws: as `fit(_:options:initialModel:)`.
    public static func fit<Policy: EMStepPolicy>(
        _ data: Policy.Model.Dataset,
        options: EMOptions = EMOptions(),
        policy: Policy,
        initialModel: (_ restart: Int, _ generator: inout SeededGenerator) throws -> Policy.Model
    ) throws -> EMResult<Policy.Model> {
        try options.validate()
        let threads = options.threadCount ?? defaultThreadCount
        var expectationSteps = 0
        var result = try bestOfRestarts(options: options, initialModel: initialModel) { start, restart, generator in
            var context = EMStepContext<Policy.Model>(data: data, threadCount: threads, generator: generator)
            defer { expectationSteps += context.expectationSteps }
            return try iterate(from: start, restart: restart, options: options, policy: policy, context: &context)
        }
        result.expectationSteps = expectationSteps
        return result
    }

    /// Fits a model by stepwise (online, mini-batch) EM: an M-step after every mini-batch, with
    /// running statistics blended by the schedule's step sizes (see `StepwiseEMStep`).
    ///
    /// - Throws: as `fit(_:options:initialModel:)`, and `EMError.invalidParameter` for a bad schedule.
    public static func fitStepwise<Model: EMModel>(
        _ data: Model.Dataset,
        options: EMOptions = EMOptions(),
        schedule: StepwiseSchedule,
        initialModel: (_ restart: Int, _ generator: inout SeededGenerator) throws -> Model
    ) throws -> EMResult<Model> where Model.Statistics: ScalableStatistics {
        try schedule.validate()
        return try fit(data, options: options, policy: StepwiseEMStep<Model>(schedule: schedule), initialModel: initialModel)
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
            let objective = run.history.last ?? -.infinity
            summaries.append(
                RestartSummary(
                    restart: restart, objective: objective, stopReason: run.stopReason, iterations: run.iterations,
                    estimatedGap: run.estimatedGap))
            if let error = run.degeneracy { firstDegeneracy = firstDegeneracy ?? error }
            let candidate = EMResult(
                model: run.model, objective: objective, logLikelihood: run.logLikelihood,
                sampleWeight: run.sampleWeight, stopReason: run.stopReason, iterations: run.iterations,
                estimatedGap: run.estimatedGap, history: run.history, bestRestart: restart, restarts: [], warnings: [])
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
        result.degenerateParts = result.model.degenerateParts(sampleWeight: result.sampleWeight)
        result.restarts = summaries
        result.warnings = warnings
        result.tolerance = options.tolerance
        result.stoppingRule = options.stoppingRule
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
        return a.objective > b.objective
    }

    private static func isHealthy(_ reason: StopReason) -> Bool {
        if case .degenerateComponent = reason { return false }
        return true
    }

    struct Run<Model> {
        var model: Model
        var history: [Double]
        var logLikelihood: Double
        var sampleWeight: Double
        var iterations: Int
        var stopReason: StopReason
        var estimatedGap: Double
        var warnings: [EMWarning]
        var degeneracy: EMError?
    }

    /// The one iteration loop: evaluate, check, step.
    ///
    /// A policy whose steps do not converge linearly (SQUAREM: `EMStepPolicy.confirmsWithPlainSteps`)
    /// cannot be trusted to estimate its own gap; when the rule first holds, the loop takes three
    /// plain EM steps and decides on the gap those four values give.
    private static func iterate<Policy: EMStepPolicy>(
        from start: Policy.Model, restart: Int, options: EMOptions, policy template: Policy,
        context: inout EMStepContext<Policy.Model>
    ) throws -> Run<Policy.Model> {
        var policy = template
        var plain = PlainEMStep<Policy.Model>()
        var current = try context.evaluate(start)
        var history: [Double] = []
        var warnings: [EMWarning] = []
        var iteration = 0
        // Where a confirming run of plain EM steps began in `history`, while one is under way; it
        // ends with `probeLength` values (three plain steps: the two rates Aitken's estimate needs).
        var probeStart: Int? = nil
        let probeLength = 4
        var probeFinished: Bool { probeStart.map { history.count - $0 >= probeLength } ?? false }
        // The values the gap is measured on: the last four (all the rules read), and within a
        // finished probe only the probe's; a copy of four values, not of the whole history.
        func gapHistory() -> [Double] {
            let first = (probeFinished ? probeStart : nil) ?? 0
            return Array(history[max(first, history.count - probeLength)...])
        }
        func run(_ reason: StopReason, degeneracy: EMError? = nil) -> Run<Policy.Model> {
            Run(
                model: current.model, history: history, logLikelihood: current.logLikelihood / current.sampleWeight,
                sampleWeight: current.sampleWeight, iterations: iteration, stopReason: reason,
                estimatedGap: StoppingRule.estimatedGap(
                    history: gapHistory(), monotone: probeFinished || policy.isMonotone),
                warnings: warnings, degeneracy: degeneracy)
        }
        while true {
            let objective = current.objective / current.sampleWeight
            if policy.isMonotone, let previous = history.last, !StoppingRule.isRoundingDecrease(from: previous, to: objective) {
                // Rounding can lower the objective by a few ulps near convergence; flag only real decreases.
                warnings.append(.logLikelihoodDecreased(restart: restart, iteration: iteration, from: previous, to: objective))
            }
            history.append(objective)
            options.observer?(
                EMProgress(
                    restart: restart, iteration: iteration, logLikelihood: objective,
                    expectationSteps: context.expectationSteps, model: current.model, statistics: current.statistics))
            let probing = probeStart.map { history.count - $0 < probeLength } ?? false
            if !probing {
                let satisfied = options.stoppingRule.isSatisfied(
                    history: gapHistory(), tolerance: options.tolerance,
                    monotone: probeFinished || policy.isMonotone)
                if satisfied && (probeStart != nil || !policy.confirmsWithPlainSteps || options.stoppingRule != .estimatedGap) {
                    return run(.converged(iteration: iteration))
                }
                probeStart = satisfied && probeStart == nil ? history.count - 1 : nil
            }
            if iteration >= options.maxIterations { return run(.reachedIterationLimit) }
            do {
                if probeStart != nil {
                    current = try plain.step(from: current, context: &context)
                } else {
                    current = try policy.step(from: current, context: &context)
                }
            } catch EMError.degenerateComponent(let component, _, let reason) {
                return run(
                    .degenerateComponent(component: component, iteration: iteration + 1),
                    degeneracy: .degenerateComponent(component: component, iteration: iteration + 1, reason: reason))
            }
            iteration += 1
        }
    }
}
