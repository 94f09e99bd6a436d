/// One weighted component of a two-dimensional Gaussian mixture, πₖ 𝒩(x | μₖ, Σₖ), for drawing,
/// with its 2 × 2 covariance inverted in closed form.
struct BivariateGaussianComponent: Sendable {
    /// The mixing weight πₖ.
    let weight: Double
    /// The mean μₖ.
    let mean: DataPoint
    /// The covariance's diagonal elements, Σ₁₁ and Σ₂₂.
    let variances: (x: Double, y: Double)
    /// The covariance's off-diagonal element Σ₁₂.
    let covariance: Double
    /// det Σₖ, positive for a positive-definite covariance.
    let determinant: Double

    /// A component from its weight, mean and covariance elements.
    init(weight: Double, mean: DataPoint, varianceX: Double, varianceY: Double, covariance: Double) {
        self.weight = weight
        self.mean = mean
        self.variances = (varianceX, varianceY)
        self.covariance = covariance
        self.determinant = varianceX * varianceY - covariance * covariance
    }

    /// The weighted density πₖ 𝒩((x, y) | μₖ, Σₖ); 0 when the covariance is not positive definite.
    func weightedDensity(x: Double, y: Double) -> Double {
        guard determinant > 0 else { return 0 }
        let dx = x - mean.x
        let dy = y - mean.y
        // (dx, dy) Σ⁻¹ (dx, dy)ᵀ with Σ⁻¹ = [Σ₂₂ −Σ₁₂; −Σ₁₂ Σ₁₁] / det Σ.
        let mahalanobis = (variances.y * dx * dx - 2 * covariance * dx * dy + variances.x * dy * dy) / determinant
        return weight * exponential(-0.5 * mahalanobis) / (twoPi * determinant.squareRoot())
    }
}
