import Foundation
import Testing

@testable import EMKit

/// MAP-EM for Gaussian mixtures against R's mclust 6.0.0 with `priorControl()`
/// (`Fixtures/make_map_fixtures.R`): the default prior built from the data, one M-step from a
/// hard partition, and the converged fit, for the four covariance types on two data sets; and,
/// without a prior, plain EM from the same partition.
///
/// Tolerances: the prior and the single M-step are closed forms (1e-12 relative). The converged
/// fit is reproduced iteration for iteration (as many M-steps as mclust ran, up to 268), so
/// parameters are compared at 1e-9 relative to max(1, |value|), log-likelihoods at 1e-11.
@Suite("MAP-EM against mclust")
struct MAPFixtureTests {
    struct File: Decodable {
        struct Dataset: Decodable {
            let initialLabels: [Int]
        }
        struct Prior: Decodable {
            let shrinkage: Double
            let mean: [Double]
            let degreesOfFreedom: Double
            let scaleMatrix: [[Double]]?
            let scaleScalar: Double?
        }
        struct Converged: Decodable {
            let weights: [Double]
            let means: [[Double]]
            let covariances: [[[Double]]]
            let logLikelihood: Double
            let iterations: Int
        }
        struct Case: Decodable, CustomTestStringConvertible {
            let name: String
            let dataset: String
            let covarianceType: String
            let components: Int
            let prior: Prior?
            let mstep: Fixtures.Parameters
            let converged: Converged
            var testDescription: String { name }
        }
        let datasets: [String: Dataset]
        let cases: [Case]
    }

    static let file = Fixtures.decode(File.self, from: "map_fixtures.json")

    /// The fixture's prior as EMKit's (a scalar scale becomes that multiple of the identity).
    static func prior(_ fixture: File.Prior, dimension d: Int) throws -> GaussianMixturePrior {
        var scale = Matrix.identity(d)
        if let rows = fixture.scaleMatrix { scale = Matrix(rows: rows) }
        if let s = fixture.scaleScalar { scale.elements = scale.elements.map { $0 * s } }
        return try GaussianMixturePrior(
            mean: fixture.mean, shrinkage: fixture.shrinkage, degreesOfFreedom: fixture.degreesOfFreedom, scale: scale)
    }

    /// Options that start from mclust's partition, with mclust's prior and no regularisation.
    static func options(_ fixture: File.Case, data: Matrix) throws -> GaussianMixture.FitOptions {
        let type = CovarianceType(rawValue: fixture.covarianceType) ?? .full
        var options = GaussianMixture.FitOptions(componentCount: fixture.components, covarianceType: type)
        let labels = try #require(file.datasets[fixture.dataset]).initialLabels
        var z = Matrix(rowCount: labels.count, columnCount: fixture.components)
        for (n, label) in labels.enumerated() { z[n, label] = 1 }
        options.initialization = .responsibilities(z)
        options.settings.regularization = 0
        if let prior = fixture.prior { options.settings.prior = try Self.prior(prior, dimension: data.columnCount) }
        return options
    }

    static func expectParameters(
        _ model: GaussianMixture, _ weights: [Double], _ means: [[Double]], _ covariances: [[[Double]]],
        relative tolerance: Double, _ label: String
    ) {
        for c in 0..<model.componentCount {
            expectClose(model.weights[c], weights[c], relative: tolerance, "\(label): weight \(c)")
            let sigma = model.covariance(ofComponent: c)
            for j in 0..<model.dimension {
                expectClose(model.means[c, j], means[c][j], relative: tolerance, "\(label): mean \(c),\(j)")
                for i in 0..<model.dimension {
                    expectClose(sigma[j, i], covariances[c][j][i], relative: tolerance, "\(label): covariance \(c),\(j),\(i)")
                }
            }
        }
    }

    @Test("the default prior is mclust's defaultPrior", arguments: file.cases.filter { $0.prior != nil })
    func defaultPrior(_ fixture: File.Case) throws {
        let data = try Fixtures.csv(fixture.dataset)
        let type = CovarianceType(rawValue: fixture.covarianceType) ?? .full
        let ours = try GaussianMixturePrior.fraleyRaftery(for: RowDataset(data), componentCount: fixture.components, covarianceType: type)
        let theirs = try Self.prior(try #require(fixture.prior), dimension: data.columnCount)
        #expect(ours.shrinkage == theirs.shrinkage && ours.degreesOfFreedom == theirs.degreesOfFreedom)
        #expect(ours.weightPseudoCount == 0)
        for j in 0..<data.columnCount { expectClose(ours.mean[j], theirs.mean[j], relative: 1e-12, "\(fixture.name): mean \(j)") }
        for (a, b) in zip(ours.scale.elements, theirs.scale.elements) {
            expectClose(a, b, relative: 1e-12, "\(fixture.name): scale")
        }
    }

    @Test("one M-step from a partition is mclust's mstep", arguments: file.cases)
    func singleMStep(_ fixture: File.Case) throws {
        let data = try Fixtures.csv(fixture.dataset)
        var options = try Self.options(fixture, data: data)
        options.em.maxIterations = 0
        let fit = try GaussianMixture.fit(RowDataset(data), options: options)
        Self.expectParameters(
            fit.model, fixture.mstep.weights, fixture.mstep.means, fixture.mstep.covariances, relative: 1e-12,
            "\(fixture.name) M-step")
    }

    @Test("mclust's converged MAP fit, iteration for iteration; the log-posterior never decreases", arguments: file.cases)
    func convergedFit(_ fixture: File.Case) throws {
        let data = try Fixtures.csv(fixture.dataset)
        var options = try Self.options(fixture, data: data)
        // mclust's count includes the M-step from the partition, which EMKit's initialiser does.
        options.em.tolerance = 0
        options.em.maxIterations = fixture.converged.iterations - 1
        let fit = try GaussianMixture.fit(RowDataset(data), options: options)
        #expect(fit.warnings.isEmpty, "\(fixture.name): \(fit.warnings)")
        let expected = fixture.converged
        Self.expectParameters(fit.model, expected.weights, expected.means, expected.covariances, relative: 1e-9, fixture.name)
        // mclust reports the plain log-likelihood; EMKit's objective adds the log-prior.
        let n = Double(data.rowCount)
        let logLikelihood = try fit.model.score(data) * n
        expectClose(logLikelihood, expected.logLikelihood, relative: 1e-11, "\(fixture.name): log-likelihood")
        expectClose(fit.objective * n, logLikelihood + fit.model.logPrior(), relative: 1e-12, "\(fixture.name): objective")
        expectClose(fit.logLikelihood * n, logLikelihood, relative: 1e-12, "\(fixture.name): reported log-likelihood")
        #expect((fixture.prior == nil) == (fit.model.logPrior() == 0))
        for (before, after) in zip(fit.history, fit.history.dropFirst()) {
            #expect(after >= before - 1e-12 * abs(before), "\(fixture.name): objective fell from \(before) to \(after)")
        }
    }
}
