/// Models whose parameters can be read and written as one vector of numbers, so that schemes like
/// SQUAREM can extrapolate them.
public protocol ParameterVectorConvertible {
    /// The parameters as numbers (for a mixture: weights, means, covariance parameters).
    var parameterVector: [Double] { get }
    /// The same model with the parameters `vector`, or `nil` when they are not a valid model (a
    /// weight ≤ 0, a covariance that is not positive definite).
    func replacingParameters(with vector: [Double]) -> Self?
}

extension ExpectationMaximization {
    /// Fits a model by EM accelerated with SQUAREM (Varadhan & Roland 2008, scheme S3), with the
    /// monotonicity safeguard.
    ///
    /// Each cycle takes two EM steps from θ₀, θ₁ = M(θ₀) and θ₂ = M(θ₁), and extrapolates along
    /// them:
    ///
    /// ```
    /// r = θ₁ − θ₀,   v = θ₂ − θ₁ − r,   α = −‖r‖ / ‖v‖  (at most −1)
    /// θ′ = θ₀ − 2α r + α² v,   then one stabilising EM step from θ′
    /// ```
    ///
    /// If θ′ is not a valid model, α is halved towards −1 (where θ′ = θ₂, plain EM). If θ′ lowers
    /// the log-likelihood below θ₀'s, the cycle falls back to θ₂. The objective therefore never
    /// decreases from cycle to cycle. `options.maxIterations` counts cycles, and `history` has one
    /// entry per cycle; `EMResult.expectationSteps` counts the E-steps, the real cost.
    ///
    /// - Throws: as `fit(_:options:initialModel:)`.
    public static func fitSQUAREM<Model: EMModel & ParameterVectorConvertible>(
        _ data: Model.Dataset,
        options: EMOptions = EMOptions(),
        initialModel: (_ restart: Int, _ generator: inout SeededGenerator) throws -> Model
    ) throws -> EMResult<Model> {
        try options.validate()
        let threads = options.threadCount ?? defaultThreadCount
        var expectationSteps = 0
        var result = try bestOfRestarts(options: options, initialModel: initialModel) { start, restart, _ in
            try iterateSQUAREM(from: start, on: data, restart: restart, options: options, threads: threads, steps: &expectationSteps)
        }
        result.expectationSteps = expectationSteps
        return result
    }

    private static func iterateSQUAREM<Model: EMModel & ParameterVectorConvertible>(
        from start: Model, on data: Model.Dataset, restart: Int, options: EMOptions, threads: Int, steps: inout Int
    ) throws -> Run<Model> {
        func expectation(_ model: Model) throws -> (Model.Statistics, Double, Double) {
            steps += 1
            let (statistics, likelihood) = try ChunkedExpectation.run(model, on: data, threadCount: threads)
            guard likelihood.sampleWeight > 0 else { throw EMError.noSamples }
            let value = (likelihood.logLikelihood + model.logPrior()) / likelihood.sampleWeight
            guard !value.isNaN, value < .infinity else { throw EMError.nonFiniteResult(iteration: steps) }
            return (statistics, value, likelihood.sampleWeight)
        }
        func degenerate(_ model: Model, _ history: [Double], _ weight: Double, _ cycle: Int, _ component: Int, _ reason: DegeneracyReason) -> Run<Model> {
            Run(
                model: model, history: history, sampleWeight: weight, iterations: cycle,
                stopReason: .degenerateComponent(component: component, iteration: cycle + 1), warnings: [],
                degeneracy: .degenerateComponent(component: component, iteration: cycle + 1, reason: reason))
        }
        var model0 = start
        var (statistics0, logLikelihood0, weight) = try expectation(model0)
        var history = [logLikelihood0]
        var warnings: [EMWarning] = []
        options.observer?(EMProgress(restart: restart, iteration: 0, logLikelihood: logLikelihood0))
        var cycle = 0
        while cycle < options.maxIterations {
            let model1: Model
            let model2: Model
            let statistics1: Model.Statistics
            do {
                model1 = try model0.maximized(from: statistics0)
                (statistics1, _, _) = try expectation(model1)
                model2 = try model1.maximized(from: statistics1)
            } catch EMError.degenerateComponent(let component, _, let reason) {
                return degenerate(model0, history, weight, cycle, component, reason)
            }
            let theta0 = model0.parameterVector
            let theta1 = model1.parameterVector
            let theta2 = model2.parameterVector
            let r = zip(theta1, theta0).map { $0 - $1 }
            let v = (0..<theta0.count).map { theta2[$0] - 2 * theta1[$0] + theta0[$0] }
            let rNorm = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let vNorm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            var alpha = vNorm > 0 ? min(-rNorm / vNorm, -1) : -1
            var candidate = model2
            while alpha < -1 {
                let extrapolated = (0..<theta0.count).map { theta0[$0] - 2 * alpha * r[$0] + alpha * alpha * v[$0] }
                if let model = model0.replacingParameters(with: extrapolated) {
                    candidate = model
                    break
                }
                alpha = (alpha - 1) / 2
                if alpha > -1.01 { alpha = -1 }
            }
            var (statistics, logLikelihood, _) = try expectation(candidate)
            if alpha < -1 && logLikelihood < logLikelihood0 - 1e-12 * max(1, abs(logLikelihood0)) {
                // The safeguard: the extrapolation lost ground, so this cycle is two plain EM steps.
                candidate = model2
                (statistics, logLikelihood, _) = try expectation(candidate)
            }
            // The stabilising EM step from θ′ starts the next cycle.
            let next: Model
            do {
                next = try candidate.maximized(from: statistics)
            } catch EMError.degenerateComponent(let component, _, let reason) {
                return degenerate(candidate, history, weight, cycle, component, reason)
            }
            cycle += 1
            model0 = next
            (statistics0, logLikelihood0, weight) = try expectation(model0)
            if let previous = history.last, logLikelihood0 < previous - 1e-9 * max(1, abs(previous)) {
                warnings.append(.logLikelihoodDecreased(restart: restart, iteration: cycle, from: previous, to: logLikelihood0))
            }
            history.append(logLikelihood0)
            options.observer?(EMProgress(restart: restart, iteration: cycle, logLikelihood: logLikelihood0))
            if abs(logLikelihood0 - history[history.count - 2]) < options.tolerance {
                return Run(
                    model: model0, history: history, sampleWeight: weight, iterations: cycle,
                    stopReason: .converged(iteration: cycle), warnings: warnings, degeneracy: nil)
            }
        }
        return Run(
            model: model0, history: history, sampleWeight: weight, iterations: cycle, stopReason: .reachedIterationLimit,
            warnings: warnings, degeneracy: nil)
    }
}
