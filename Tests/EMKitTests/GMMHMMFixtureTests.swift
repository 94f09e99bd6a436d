import Foundation
import Testing

@testable import EMKit

/// The Gaussian-mixture HMM against an independent NumPy Baum–Welch (`Fixtures/make_gmmhmm_fixtures.py`).
/// hmmlearn's GMMHMM cannot be made pure maximum likelihood (its covariance update centres on the
/// previous means), so the NumPy code, itself checked against hmmlearn on every other part, is the
/// reference. Tolerances: log-likelihood 1e-9 relative, parameters 1e-7; the Viterbi path exactly.
@Suite("Gaussian-mixture HMM against the reference script")
struct GMMHMMFixtureTests {
    struct File: Decodable {
        struct Parameters: Decodable {
            let startProbabilities: [Double]
            let transitionMatrix: [[Double]]
            let weights: [[Double]]
            let means: [[[Double]]]
            let covariances: [[[[Double]]]]
        }
        struct Iteration: Decodable {
            let iterations: Int
            let startProbabilities: [Double]
            let transitionMatrix: [[Double]]
            let weights: [[Double]]
            let means: [[[Double]]]
            let covariances: [[[[Double]]]]
            let meanLogLikelihood: Double
        }
        struct Viterbi: Decodable {
            let path: [Int]
            let logProbability: Double
        }
        struct Case: Decodable, CustomTestStringConvertible {
            let name: String
            let covarianceType: String
            let lengths: [Int]
            let states: Int
            let initial: Parameters
            let iterations: [Iteration]
            let logLikelihoodTrace: [Double]
            let viterbi: Viterbi
            var testDescription: String { name }
        }
        let cases: [Case]
    }

    static let file: File = Fixtures.decode(File.self, from: "gmmhmm_fixtures.json")

    @Test("Baum–Welch iterates and the Viterbi path", arguments: file.cases)
    func matchesReference(_ fixture: File.Case) throws {
        let type = CovarianceType(rawValue: fixture.covarianceType) ?? .full
        let samples = try CSVReader.read(path: Fixtures.path("gmmhmm.csv"), columns: [.name("x1"), .name("x2")]).samples
        let data = try SequenceDataset(try RowDataset(samples), lengths: fixture.lengths)
        let mixtures = try (0..<fixture.states).map { s in
            try GaussianMixture(
                weights: fixture.initial.weights[s], means: Matrix(rows: fixture.initial.means[s]),
                covariances: fixture.initial.covariances[s].map { Matrix(rows: $0) }, covarianceType: type,
                fitSettings: .init(regularization: 0))
        }
        let start = try GaussianMixtureHMM(
            startProbabilities: fixture.initial.startProbabilities, transitionMatrix: Matrix(rows: fixture.initial.transitionMatrix),
            emission: GaussianMixtureEmission(mixtures: mixtures))
        var options = GaussianMixtureHMM.FitOptions(stateCount: fixture.states)
        options.em = EMOptions(tolerance: 0, maxIterations: 15)
        let full = try GaussianMixtureHMM.fit(data, options: options, from: start)
        for (t, value) in fixture.logLikelihoodTrace.enumerated() {
            expectClose(full.history[t] * Double(data.observationCount), value, relative: 1e-9, "\(fixture.name): trace \(t)")
        }
        for expected in fixture.iterations {
            options.em.maxIterations = expected.iterations
            let fit = try GaussianMixtureHMM.fit(data, options: options, from: start)
            let label = "\(fixture.name) after \(expected.iterations)"
            expectClose(fit.logLikelihood, expected.meanLogLikelihood, relative: 1e-9, "\(label): log-likelihood")
            for s in 0..<fixture.states {
                let mixture = fit.model.emission.mixtures[s]
                for c in 0..<mixture.componentCount {
                    expectClose(mixture.weights[c], expected.weights[s][c], relative: 1e-7, "\(label): weight")
                    let sigma = mixture.covariance(ofComponent: c)
                    for i in 0..<2 {
                        expectClose(mixture.means[c, i], expected.means[s][c][i], relative: 1e-7, "\(label): mean")
                        for j in 0..<2 { expectClose(sigma[i, j], expected.covariances[s][c][i][j], relative: 1e-7, "\(label): covariance") }
                    }
                }
                for (a, b) in zip(fit.model.transitionMatrix.row(s), expected.transitionMatrix[s]) {
                    expectClose(a, b, relative: 1e-7, "\(label): transition")
                }
            }
        }
        let (path, logProbability) = try full.model.viterbi(data)
        #expect(path == fixture.viterbi.path)
        expectClose(logProbability, fixture.viterbi.logProbability, relative: 1e-9, "\(fixture.name): Viterbi")
    }
}
