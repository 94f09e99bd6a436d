import Foundation
import Testing

@testable import EMKit

@Suite("Student-t mixture (ECM)")
struct StudentTMixtureTests {
    @Test("the digamma function")
    func digammaValues() {
        let eulerGamma = 0.57721566490153286
        #expect(abs(digamma(1) + eulerGamma) < 5e-14)
        #expect(abs(digamma(0.5) - (-eulerGamma - 2 * log(2.0))) < 5e-14)
        #expect(abs(digamma(10) - 2.2517525890667211) < 5e-14)
        // ψ(x + 1) = ψ(x) + 1/x.
        for x in [0.03, 0.7, 3.3, 12.5, 400] { #expect(abs(digamma(x + 1) - digamma(x) - 1 / x) < 1e-12) }
    }

    @Test("outliers barely move a t-mixture, and ECM never lowers the likelihood")
    func robustness() throws {
        let truth = try GaussianMixture(
            weights: [0.6, 0.4], means: Matrix(rows: [[0, 0], [5, 3]]),
            covariances: [Matrix(rows: [[1, 0.3], [0.3, 1]]), Matrix(rows: [[0.8, -0.2], [-0.2, 0.6]])], covarianceType: .full)
        var generator = SeededGenerator(seed: 31)
        var rows = truth.sample(count: 500, using: &generator).samples.rows
        // 25 gross outliers scattered over a wide square.
        for _ in 0..<25 { rows.append([60 * generator.nextUnitInterval() - 30, 60 * generator.nextUnitInterval() - 30]) }
        let data = try RowDataset(Matrix(rows: rows))
        let means = Matrix(rows: [[0.5, 0.5], [4.5, 2.5]])
        let start = try StudentTMixture(
            weights: [0.5, 0.5], means: means, covariances: [Matrix.identity(2), Matrix.identity(2)], degreesOfFreedom: [20, 20])
        // ν of the light-tailed cluster drifts towards its bound: plain ECM crawls there and says
        // so; SQUAREM gets there and converges.
        let crawl = try StudentTMixture.fit(data, options: .init(componentCount: 2, start: start, em: EMOptions(tolerance: 1e-6, maxIterations: 500)))
        #expect(!crawl.converged && crawl.estimatedGap > 1e-6 * abs(crawl.objective))
        let t = try StudentTMixture.fit(data, options: .init(componentCount: 2, start: start, squarem: true, em: EMOptions(tolerance: 1e-6)))
        for h in 1..<t.history.count { #expect(t.history[h] >= t.history[h - 1] - 1e-12 * abs(t.history[h - 1])) }
        #expect(t.warnings.isEmpty && t.converged, "\(t.stopReason), gap \(t.estimatedGap)")
        #expect(t.objective > crawl.objective)
        for c in 0..<2 {
            for j in 0..<2 { #expect(abs(t.model.means[c, j] - truth.means[c, j]) < 0.2, "t mean \(c),\(j): \(t.model.means[c, j])") }
        }
        // From the same start, the Gaussian mixture's covariances are inflated by the outliers.
        var options = GaussianMixture.FitOptions(componentCount: 2)
        options.initialization = .parameters(
            try GaussianMixture(weights: [0.5, 0.5], means: means, covariances: [Matrix.identity(2), Matrix.identity(2)], covarianceType: .full))
        options.em = EMOptions(tolerance: 1e-9, maxIterations: 1000)
        let g = try GaussianMixture.fit(data, options: options).model
        let gaussianSpread = g.covariances.map { $0[0, 0] + $0[1, 1] }.max() ?? 0
        let tSpread = t.model.covariances.map { $0[0, 0] + $0[1, 1] }.max() ?? 0
        #expect(tSpread < 3 && gaussianSpread > 3 * tSpread, "t \(tSpread), Gaussian \(gaussianSpread)")
    }
}

/// ECM against an independent NumPy/SciPy implementation (`Fixtures/make_studentt_fixtures.py`).
@Suite("Student-t mixture against the reference script")
struct StudentTFixtureTests {
    struct File: Decodable {
        struct Parameters: Decodable {
            let weights: [Double]
            let means: [[Double]]
            let covariances: [[[Double]]]
            let dofs: [Double]
        }
        struct Iteration: Decodable {
            let iterations: Int
            let weights: [Double]
            let means: [[Double]]
            let covariances: [[[Double]]]
            let dofs: [Double]
            let meanLogLikelihood: Double
        }
        let initial: Parameters
        let iterations: [Iteration]
        let trace: [Double]
    }

    @Test("parameters, degrees of freedom and the likelihood trace")
    func matchesReference() throws {
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: Fixtures.directory.appendingPathComponent("studentt_fixtures.json")))
        let data = try RowDataset(try CSVReader.read(path: Fixtures.path("studentt.csv")).samples)
        let start = try StudentTMixture(
            weights: file.initial.weights, means: Matrix(rows: file.initial.means),
            covariances: file.initial.covariances.map { Matrix(rows: $0) }, degreesOfFreedom: file.initial.dofs, regularization: 0)
        let full = try StudentTMixture.fit(data, options: .init(componentCount: 2, start: start, em: EMOptions(tolerance: 0, maxIterations: 30)))
        for (t, value) in file.trace.enumerated() { expectClose(full.history[t], value, relative: 1e-9, "trace \(t)") }
        for expected in file.iterations {
            let fit = try StudentTMixture.fit(data, options: .init(componentCount: 2, start: start, em: EMOptions(tolerance: 0, maxIterations: expected.iterations)))
            let label = "after \(expected.iterations)"
            expectClose(fit.logLikelihood, expected.meanLogLikelihood, relative: 1e-9, "\(label): log-likelihood")
            for c in 0..<2 {
                expectClose(fit.model.weights[c], expected.weights[c], relative: 1e-7, "\(label): weight")
                expectClose(fit.model.degreesOfFreedom[c], expected.dofs[c], relative: 1e-6, "\(label): ν")
                for i in 0..<2 {
                    expectClose(fit.model.means[c, i], expected.means[c][i], relative: 1e-7, "\(label): mean")
                    for j in 0..<2 { expectClose(fit.model.covariances[c][i, j], expected.covariances[c][i][j], relative: 1e-7, "\(label): covariance") }
                }
            }
        }
    }
}

@Suite("Student-t mixture sampling and command line")
struct StudentTSamplingTests {
    @Test("samples reproduce the component scale (Σ ν/(ν−2) for ν > 2) and the CLI fits, predicts and samples")
    func samplingAndCommandLine() throws {
        let model = try StudentTMixture(
            weights: [1], means: Matrix(rows: [[1, -1]]), covariances: [Matrix(rows: [[2, 0.5], [0.5, 1]])], degreesOfFreedom: [6])
        var generator = SeededGenerator(seed: 4)
        let (samples, _) = model.sample(count: 40000, using: &generator)
        let xs = (0..<40000).map { samples[$0, 0] }
        let mean = xs.reduce(0, +) / 40000
        let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 40000
        #expect(abs(mean - 1) < 0.03)
        #expect(abs(variance - 2 * 6.0 / 4) < 0.12, "variance \(variance)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-t-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("t.json").path
        let fit = try CommandRunner.run(["fit", Fixtures.path("studentt.csv"), "--model", "student-t", "-k", "2", "--seed", "1", "-o", path])
        #expect(fit.status == 0, "\(fit.standardError)")
        #expect(fit.standardOutput.hasPrefix("Student-t mixture: 2 components, 2 dimensions, fitted by ECM to 408 samples"))
        #expect(try CommandRunner.run(["predict", path, Fixtures.path("studentt.csv")]).standardOutput.split(separator: "\n").count == 409)
        #expect(try CommandRunner.run(["sample", path, "--count", "3"]).standardOutput.split(separator: "\n").count == 4)
    }
}
