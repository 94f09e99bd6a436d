extension ExpectationMaximization {
    /// Fits a model by EM accelerated with SQUAREM (`SQUAREMStep`). `options.maxIterations`
    /// counts iterations: cycles, and the plain EM steps that confirm convergence; `history` has
    /// one entry per iteration; `EMResult.expectationSteps` counts the E-steps, the real cost.
    ///
    /// - Throws: as `fit(_:options:initialModel:)`.
    public static func fitSQUAREM<Model: EMModel & ParameterVectorConvertible>(
        _ data: Model.Dataset,
        options: EMOptions = EMOptions(),
        initialModel: (_ restart: Int, _ generator: inout SeededGenerator) throws -> Model
    ) throws -> EMResult<Model> {
        try fit(data, options: options, policy: SQUAREMStep<Model>(), initialModel: initialModel)
    }
}

/// SQUAREM (Varadhan & Roland 2008, scheme S3) with the monotonicity safeguard, as a step policy
/// of the EM loop.
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
/// the objective below θ₀'s, the cycle falls back to θ₂. The objective therefore never decreases
/// from cycle to cycle, and the policy is monotone like plain EM.
public struct SQUAREMStep<Model: EMModel & ParameterVectorConvertible>: EMStepPolicy {
    /// The policy.
    public init() {}

    public var isMonotone: Bool { true }

    /// SQUAREM's cycles do not shrink the objective's increments at EM's linear rate, so the
    /// engine confirms its convergence with plain EM steps.
    public var confirmsWithPlainSteps: Bool { true }

    public mutating func step(from current: EMEvaluation<Model>, context: inout EMStepContext<Model>) throws -> EMEvaluation<Model> {
        let model0 = current.model
        let model1 = try model0.maximized(from: current.statistics)
        let evaluation1 = try context.evaluate(model1)
        let model2 = try model1.maximized(from: evaluation1.statistics)
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
        var evaluation = try context.evaluate(candidate)
        let floor = current.objective - 1e-12 * max(1, abs(current.objective))
        if alpha < -1 && evaluation.objective < floor {
            // The safeguard: the extrapolation lost ground, so this cycle is three plain EM steps.
            evaluation = try context.evaluate(model2)
        }
        // The stabilising EM step from θ′ ends the cycle.
        return try context.evaluate(try evaluation.model.maximized(from: evaluation.statistics))
    }
}
