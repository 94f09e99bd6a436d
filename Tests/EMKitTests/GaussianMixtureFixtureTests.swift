import Foundation
import Testing

@testable import EMKit

/// EMKit against scikit-learn 1.9.1 from identical initial parameters (`Fixtures/make_gmm_fixtures.py`),
/// on Iris, Old Faithful and synthetic data of 3, 8 and 64 columns (the last two run the kernels'
/// register-tiled loops on every row).
/// Tolerances: mean log-likelihood 1e-6 relative, parameters 1e-5 (relative to max(1, |value|)).
@Suite("Gaussian mixture against scikit-learn")
struct GaussianMixtureFixtureTests {
    static let cases = Fixtures.gmm.cases

    static func covarianceType(_ name: String) -> CovarianceType {
        CovarianceType(rawValue: name) ?? .full
    }

    static func initialMixture(_ fixture: Fixtures.GMMCase) throws -> GaussianMixture {
        let type = covarianceType(fixture.covarianceType)
        let covariances = fixture.initial.covariances.map { Matrix(rows: $0) }
        return try GaussianMixture(
            weights: fixture.initial.weights, means: Matrix(rows: fixture.initial.means),
            covariances: type == .tied ? [covariances[0]] : covariances, covarianceType: type)
    }

    @Test("parameters and log-likelihood after n iterations", arguments: cases)
    func matchesScikitLearn(_ fixture: Fixtures.GMMCase) throws {
        let data = try Fixtures.csv(fixture.dataset)
        let start = try Self.initialMixture(fixture)
        for expected in fixture.iterations {
            var options = GaussianMixture.FitOptions(
                componentCount: fixture.components, covarianceType: Self.covarianceType(fixture.covarianceType))
            options.initialization = .parameters(start)
            options.em.maxIterations = expected.iterations
            options.em.tolerance = expected.tolerance ?? 0
            let fit = try GaussianMixture.fit(RowDataset(data), options: options)
            let model = fit.model
            let label = "\(fixture.name) after \(expected.iterations)"
            if let sklearnIterations = expected.sklearnIterations, let converged = expected.sklearnConverged {
                // scikit-learn's lower bound at its iteration n is our ℓ after n − 1 M-steps, so it
                // stops one M-step later than EMKit on the same criterion.
                #expect(converged == fit.converged, "\(label): converged")
                #expect(fit.iterations == sklearnIterations - 1, "\(label): iterations")
                continue
            }
            #expect(fit.iterations == expected.iterations)
            expectClose(fit.logLikelihood, expected.meanLogLikelihood, relative: 1e-6, "\(label): log-likelihood")
            let p = matchComponents(observed: model.means.rows, expected: expected.means)
            for c in 0..<fixture.components {
                expectClose(model.weights[p[c]], expected.weights[c], relative: 1e-5, "\(label): weight \(c)")
                let covariance = model.covariance(ofComponent: p[c])
                for j in 0..<model.dimension {
                    expectClose(model.means[p[c], j], expected.means[c][j], relative: 1e-5, "\(label): mean \(c),\(j)")
                    for i in 0..<model.dimension {
                        expectClose(
                            covariance[j, i], expected.covariances[c][j][i], relative: 1e-5,
                            "\(label): covariance \(c),\(j),\(i)")
                    }
                }
            }
            #expect(model.parameterCount == fixture.parameterCount)
            expectClose(try model.bic(data), expected.bic, relative: 1e-6, "\(label): BIC")
            expectClose(try model.aic(data), expected.aic, relative: 1e-6, "\(label): AIC")
            let labels = try model.predict(data)
            #expect(labels == expected.labels.map { p[$0] }, "\(label): labels")
            let probabilities = try model.predictProbabilities(data.rows(in: 0..<5))
            for n in 0..<5 {
                for c in 0..<fixture.components {
                    #expect(abs(probabilities[n, p[c]] - expected.firstProbabilities[n][c]) <= 1e-6, "\(label): P(\(c)|x\(n))")
                }
            }
        }
    }
}
