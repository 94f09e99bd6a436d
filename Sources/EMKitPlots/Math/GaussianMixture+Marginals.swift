import EMKit

extension GaussianMixture {
    /// The components of the mixture's marginal on coordinate `column`: the mixture of the
    /// components' one-dimensional marginals 𝒩(μₖⱼ, Σₖⱼⱼ), with the same weights.
    ///
    /// - Precondition: `column` is a coordinate of the mixture.
    func univariateMarginal(column: Int) -> [UnivariateGaussianComponent] {
        precondition(
            (0..<dimension).contains(column), "column \(column) is not a coordinate of a \(dimension)-dimensional mixture")
        return (0..<componentCount).map { k in
            UnivariateGaussianComponent(
                weight: weights[k], mean: means[k, column], variance: covariance(ofComponent: k)[column, column])
        }
    }

    /// The components of the mixture's marginal on coordinates `columns` (in that order): a
    /// Gaussian's marginal on two coordinates keeps their means and their 2 × 2 sub-covariance.
    ///
    /// - Precondition: both columns are distinct coordinates of the mixture.
    func bivariateMarginal(columns: (Int, Int)) -> [BivariateGaussianComponent] {
        let (i, j) = columns
        precondition(
            (0..<dimension).contains(i) && (0..<dimension).contains(j),
            "columns (\(i), \(j)) are not coordinates of a \(dimension)-dimensional mixture")
        precondition(i != j, "the two columns of a 2-D marginal must differ")
        return (0..<componentCount).map { k in
            let sigma = covariance(ofComponent: k)
            return BivariateGaussianComponent(
                weight: weights[k], mean: DataPoint(x: means[k, i], y: means[k, j]),
                varianceX: sigma[i, i], varianceY: sigma[j, j], covariance: sigma[i, j])
        }
    }
}
