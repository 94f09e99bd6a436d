/// One weighted component of a one-dimensional Gaussian mixture, πₖ 𝒩(x | μₖ, σₖ²), for drawing.
struct UnivariateGaussianComponent: Sendable {
    /// The mixing weight πₖ.
    let weight: Double
    /// The mean μₖ.
    let mean: Double
    /// The variance σₖ², positive.
    let variance: Double

    /// The weighted density πₖ 𝒩(x | μₖ, σₖ²) at `x`.
    func weightedDensity(at x: Double) -> Double {
        let z = x - mean
        return weight * exponential(-0.5 * z * z / variance) / (twoPi * variance).squareRoot()
    }

    /// The standard deviation σₖ.
    var standardDeviation: Double { variance.squareRoot() }
}
