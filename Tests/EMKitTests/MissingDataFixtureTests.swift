import Foundation
import Testing

@testable import EMKit

/// Missing-data EM against an independent NumPy implementation (`Fixtures/make_missing_fixtures.py`):
/// R's airquality (Ozone and Solar.R incomplete), a 3-component mixture with 20% of entries
/// missing completely at random, and a monotone bivariate pattern. Same initial parameters;
/// tolerances: log-likelihood 1e-9 relative, parameters 1e-7, imputed values 1e-6.
@Suite("Missing data against the reference script")
struct MissingDataFixtureTests {
    struct File: Decodable {
        struct Parameters: Decodable {
            let weights: [Double]
            let means: [[Double]]
            let covariances: [[[Double]]]
        }
        struct Iteration: Decodable {
            let iterations: Int
            let weights: [Double]
            let means: [[Double]]
            let covariances: [[[Double]]]
            let meanLogLikelihood: Double
        }
        struct Imputed: Decodable {
            let row: Int
            let values: [Double]
        }
        struct Converged: Decodable {
            let iterations: Int
            let meanLogLikelihood: Double
            let means: [[Double]]
            let imputed: [Imputed]
        }
        struct Case: Decodable, CustomTestStringConvertible {
            let name: String
            let data: String
            let covarianceType: String
            let components: Int
            let regularization: Double
            let allMissingRows: Int
            let samples: Int
            let initial: Parameters
            let iterations: [Iteration]
            let converged: Converged
            var testDescription: String { "\(name) (\(covarianceType))" }
        }
        let cases: [Case]
    }

    static let file: File = Fixtures.decode(File.self, from: "missing_fixtures.json")

    @Test("parameters, observed-data log-likelihood and imputations", arguments: file.cases)
    func matchesReference(_ fixture: File.Case) throws {
        let table = try CSVReader.read(path: Fixtures.path(fixture.data), missingMarkers: CSVFormat.defaultMissingMarkers)
        let data = try RowDataset(table.samples, missingValues: .allowed)
        #expect(data.emptyRowCount == fixture.allMissingRows)
        let type = CovarianceType(rawValue: fixture.covarianceType) ?? .full
        let start = try GaussianMixture(
            weights: fixture.initial.weights, means: Matrix(rows: fixture.initial.means),
            covariances: fixture.initial.covariances.map { Matrix(rows: $0) }, covarianceType: type)
        func fit(_ iterations: Int, tolerance: Double) throws -> EMResult<GaussianMixture> {
            var options = GaussianMixture.FitOptions(componentCount: fixture.components, covarianceType: type)
            options.initialization = .parameters(start)
            options.settings.regularization = fixture.regularization
            options.em = EMOptions(tolerance: tolerance, maxIterations: iterations, stoppingRule: .objectiveChange)
            return try GaussianMixture.fit(data, options: options)
        }
        for expected in fixture.iterations {
            let result = try fit(expected.iterations, tolerance: 0)
            let label = "\(fixture.name) after \(expected.iterations)"
            #expect(result.sampleWeight == Double(fixture.samples))
            expectClose(result.logLikelihood, expected.meanLogLikelihood, relative: 1e-9, "\(label): log-likelihood")
            for c in 0..<fixture.components {
                expectClose(result.model.weights[c], expected.weights[c], relative: 1e-7, "\(label): weight")
                let sigma = result.model.covariance(ofComponent: c)
                for i in 0..<result.model.dimension {
                    expectClose(result.model.means[c, i], expected.means[c][i], relative: 1e-7, "\(label): mean")
                    for j in 0..<result.model.dimension {
                        expectClose(sigma[i, j], expected.covariances[c][i][j], relative: 1e-7, "\(label): covariance")
                    }
                }
            }
        }
        // Stopping by the same rule (change below 1e-12) at the same iteration, with the same imputations.
        let converged = try fit(1000, tolerance: 1e-12)
        #expect(converged.iterations == fixture.converged.iterations)
        expectClose(converged.logLikelihood, fixture.converged.meanLogLikelihood, relative: 1e-9, "converged log-likelihood")
        let imputed = try converged.model.imputed(table.samples)
        for entry in fixture.converged.imputed {
            for (j, value) in entry.values.enumerated() {
                expectClose(imputed[entry.row, j], value, relative: 1e-6, "row \(entry.row) column \(j)")
            }
        }
    }
}
