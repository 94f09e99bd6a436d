/// The settings of the EM loop, shared by every model.
public struct EMOptions: Sendable {
    /// The convergence tolerance of `stoppingRule`. With the default rule, the fit stops when the
    /// estimated remaining rise of the objective per sample is at most
    /// `tolerance × max(1, |objective per sample|)` (relative above one nat per sample, absolute
    /// below); with `.objectiveChange`, when `|ℓₜ − ℓₜ₋₁| < tolerance` nats per sample. 0 runs
    /// every iteration. Default 1e-8.
    public var tolerance: Double = EMOptions.defaultTolerance
    /// How convergence is decided. Default `.estimatedGap`.
    public var stoppingRule: StoppingRule = .estimatedGap
    /// The largest number of iterations per restart. Default 10 000; a fit that reaches it says
    /// so (`StopReason.reachedIterationLimit`) and how far it may still be from its optimum.
    public var maxIterations: Int = EMOptions.defaultMaxIterations
    /// How many independent starts to run; the one with the highest final objective is kept.
    public var restarts: Int = 1
    /// The seed from which every random choice of the fit is drawn. Restart `r` draws from
    /// `SeededGenerator(seed: seed, stream: r)`.
    public var seed: UInt64 = 0
    /// How many threads run E-steps; `nil` uses every core. Results do not depend on it.
    public var threadCount: Int? = nil
    /// Whether the result's parts are put in canonical order (`EMModel.canonicalized()`). Fits
    /// from given initial parameters turn this off to keep the caller's order.
    public var canonicalOrder: Bool = true
    /// Called after every iteration's E-step with the restart, iteration, objective, parameters
    /// and statistics; use it for progress displays or to show each iteration. It runs on the
    /// fitting thread.
    public var observer: (@Sendable (EMProgress) -> Void)? = nil

    /// The default `tolerance`, 1e-8.
    public static let defaultTolerance = 1e-8
    /// The default `maxIterations`, 10 000.
    public static let defaultMaxIterations = 10_000

    /// The default settings.
    public init() {}

    /// Settings with the given values; omitted ones keep their defaults.
    public init(
        tolerance: Double = EMOptions.defaultTolerance, maxIterations: Int = EMOptions.defaultMaxIterations,
        restarts: Int = 1, seed: UInt64 = 0, threadCount: Int? = nil, stoppingRule: StoppingRule = .estimatedGap
    ) {
        self.tolerance = tolerance
        self.stoppingRule = stoppingRule
        self.maxIterations = maxIterations
        self.restarts = restarts
        self.seed = seed
        self.threadCount = threadCount
    }

    /// Checks the settings.
    ///
    /// - Throws: `EMError.invalidParameter` naming the offending option.
    public func validate() throws {
        guard tolerance >= 0, tolerance.isFinite else {
            throw EMError.invalidParameter(name: "tolerance", value: "\(tolerance)", expected: "a finite number ≥ 0")
        }
        guard maxIterations >= 0 else {
            throw EMError.invalidParameter(name: "maxIterations", value: "\(maxIterations)", expected: "an integer ≥ 0")
        }
        guard restarts >= 1 else {
            throw EMError.invalidParameter(name: "restarts", value: "\(restarts)", expected: "an integer ≥ 1")
        }
        if let threads = threadCount, threads < 1 {
            throw EMError.invalidParameter(name: "threadCount", value: "\(threads)", expected: "an integer ≥ 1")
        }
    }
}

/// What the engine reports to `EMOptions.observer` after each E-step.
public struct EMProgress: Sendable {
    /// The restart, from 0.
    public var restart: Int
    /// The number of M-steps done so far (0 for the initial parameters).
    public var iteration: Int
    /// The objective per sample of the current parameters (`EMResult.objective`): the mean
    /// log-likelihood for maximum likelihood.
    public var logLikelihood: Double
    /// The full E-steps this restart has run so far.
    public var expectationSteps: Int = 0
    /// The parameters after `iteration` iterations (the fitted model's type: cast it, e.g.
    /// `progress.model as? GaussianMixture`).
    public var model: any Sendable
    /// The sufficient statistics of those parameters' E-step, which the next M-step reads (the
    /// model's `Statistics` type).
    public var statistics: any Sendable
}
