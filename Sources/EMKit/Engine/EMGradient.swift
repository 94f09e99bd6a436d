/// A model fitted by the EM-gradient algorithm (Lange 1995): instead of maximising Q(θ | θₜ)
/// exactly, the M-step takes one Newton step on it,
///
/// ```
/// θₜ₊₁ = θₜ − [∇²Q(θₜ | θₜ)]⁻¹ ∇Q(θₜ | θₜ)
/// ```
///
/// so a model needs only the gradient and Hessian of its expected complete-data log-likelihood,
/// not a closed-form maximiser. Near the optimum it behaves like EM, and it converges to the same
/// fixed points. The step is halved (up to 30 times) while the new θ is not a valid model or,
/// for a model that can evaluate Q, while Q would fall; the engine checks that the likelihood
/// never decreases, as for any generalised EM.
///
/// Conform by supplying `parameters`, `replacingParameters(with:)` (from
/// `ParameterVectorConvertible`), `gradient(of:)` and `hessian(of:)`; `maximized(from:)` comes
/// from this protocol.
public protocol EMGradientModel: EMModel, ParameterVectorConvertible {
    /// ∇Q(θ | θₜ) at θ = θₜ, from the E-step's statistics; as long as `parameterVector`.
    func gradient(of statistics: Statistics) -> [Double]
    /// ∇²Q(θ | θₜ) at θ = θₜ, row-major, `p × p`; negative definite near a maximum.
    func hessian(of statistics: Statistics) -> [Double]
    /// Q(θ′ | θₜ) for a candidate θ′ (up to a constant), when the model can evaluate it: the
    /// M-step then also halves the Newton step until Q does not fall (beyond 1e-10 relative, its
    /// rounding), which makes it a generalised EM step and the likelihood monotone. Default
    /// `nil`: no such check.
    func expectedCompleteLogLikelihood(of candidate: Self, statistics: Statistics) -> Double?
}

extension EMGradientModel {
    public func expectedCompleteLogLikelihood(of candidate: Self, statistics: Statistics) -> Double? { nil }
}

extension EMGradientModel {
    /// One Newton step on Q (the EM-gradient M-step), halved until the parameters are valid.
    ///
    /// - Throws: `EMError.gradientStepFailed` when −∇²Q is not positive definite or no halving
    ///   gives a valid model.
    public func maximized(from statistics: Statistics) throws -> Self {
        let theta = parameterVector
        let p = theta.count
        let g = gradient(of: statistics)
        let negativeHessian = hessian(of: statistics).map { -$0 }
        guard g.count == p, negativeHessian.count == p * p,
            let cholesky = Cholesky(symmetric: negativeHessian, dimension: p)
        else {
            throw EMError.gradientStepFailed(reason: "−∇²Q is not positive definite (Q is not locally concave at these parameters)")
        }
        // Solve (−∇²Q) s = ∇Q with the Cholesky factor L Lᵀ.
        let l = cholesky.lower
        var y = [Double](repeating: 0, count: p)
        for i in 0..<p {
            var s = g[i]
            for k in 0..<i { s -= l[i * p + k] * y[k] }
            y[i] = s / l[i * p + i]
        }
        var step = [Double](repeating: 0, count: p)
        for i in stride(from: p - 1, through: 0, by: -1) {
            var s = y[i]
            for k in (i + 1)..<max(p, i + 1) { s -= l[k * p + i] * step[k] }
            step[i] = s / l[i * p + i]
        }
        let current = expectedCompleteLogLikelihood(of: self, statistics: statistics)
        var scale = 1.0
        var foundValid = false
        for _ in 0..<30 {
            if let next = replacingParameters(with: (0..<p).map { theta[$0] + scale * step[$0] }) {
                foundValid = true
                // Q is a sum of large terms; a fall within its rounding (1e-10 relative) is no fall.
                guard let current, let proposed = expectedCompleteLogLikelihood(of: next, statistics: statistics),
                    proposed < current - 1e-10 * max(1, abs(current))
                else { return next }
            }
            scale /= 2
        }
        // Valid steps that all lower Q (a step at rounding level, at a fixed point): stay put,
        // which is still a generalised EM step.
        guard foundValid else {
            throw EMError.gradientStepFailed(reason: "no step along the Newton direction, down to 2⁻³⁰ of it, gives valid parameters")
        }
        return self
    }
}
