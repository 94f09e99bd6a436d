import EMKit
import Foundation

/// The models and data the plot tests draw: the use cases of seeds 003 (Iris petal width, a
/// one-dimensional three-component fit) and 004 (a two-dimensional three-component sample).
enum PlotFixtures {
    /// The Iris petal widths in centimetres, 150 values recorded to 0.1 cm.
    static var petalWidths: [Double] {
        let iris = Datasets.iris
        return (0..<iris.samples.rowCount).map { iris.samples[$0, 3] }
    }

    /// A three-component fit to the petal widths.
    static func petalWidthFit() throws -> EMResult<GaussianMixture> {
        try GaussianMixture.fit(Matrix(rows: petalWidths.map { [$0] }), componentCount: 3)
    }

    /// Seed 004's sample of 200 points and its generating mixture.
    static var seed004: (points: Matrix, trueLabels: [Int], mixture: GaussianMixture) {
        let sample = Datasets.seed004Sample()
        return (sample.samples, sample.labels, Datasets.seed004Mixture)
    }

    /// BIC = −2 n ℓ̄ + p log n of fits with 1 … 6 components per covariance type to seed 004's sample.
    static func seed004Criteria() throws -> (componentCounts: [Int], series: [(name: String, values: [Double?])]) {
        let points = seed004.points
        let n = Double(points.rowCount)
        let counts = Array(1...6)
        var series: [(name: String, values: [Double?])] = []
        for type in [CovarianceType.full, .diagonal, .spherical, .tied] {
            let values: [Double?] = counts.map { k in
                guard let fit = try? GaussianMixture.fit(points, componentCount: k, covarianceType: type) else {
                    return nil
                }
                return -2 * n * fit.logLikelihood + Double(fit.model.parameterCount) * log(n)
            }
            series.append((type.rawValue, values))
        }
        return (counts, series)
    }
}
