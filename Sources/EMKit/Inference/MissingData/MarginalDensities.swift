/// The weighted log-densities of rows with missing values under a Gaussian mixture: each row's
/// observed values `x_O` scored by `log πₖ + log 𝒩(x_O | μₖ_O, Σₖ_OO)`, through the components'
/// conditional views, made once per missingness pattern met. What scoring, prediction and
/// imputation of incomplete rows share.
struct MarginalDensities {
    /// The mixture.
    let mixture: GaussianMixture
    /// The components' views, per pattern met so far.
    private var views: [MissingPattern: [ConditionalGaussian]] = [:]

    /// A cache for `mixture`.
    init(_ mixture: GaussianMixture) { self.mixture = mixture }

    /// Writes `log πₖ + log 𝒩(x_O | μₖ_O, Σₖ_OO)` for every component into `logDensities` (`[K]`)
    /// and returns the components' views for the row's pattern.
    ///
    /// - Precondition: `pattern` is the pattern of `x` and has at least one observed value.
    /// - Throws: `EMError.degenerateComponent` when a component's observed block is not positive definite.
    mutating func weightedLogDensities(
        _ x: UnsafePointer<Double>, pattern: MissingPattern, into logDensities: UnsafeMutablePointer<Double>
    ) throws -> [ConditionalGaussian] {
        let componentViews: [ConditionalGaussian]
        if let cached = views[pattern] {
            componentViews = cached
        } else {
            componentViews = try (0..<mixture.componentCount).map { try mixture.conditional(pattern, component: $0) }
            views[pattern] = componentViews
        }
        for c in 0..<mixture.componentCount { logDensities[c] = _log(mixture.weights[c]) + componentViews[c].logDensity(x) }
        return componentViews
    }
}
