import Foundation
import Testing

@testable import EMKit

/// The genetic-linkage model again, now given only the gradient and Hessian of Q: the EM-gradient
/// algorithm (Lange 1995) reaches the same θ̂ = 0.626821497871.
struct LinkageByGradient: EMGradientModel {
    typealias Dataset = ArrayDataset<Double>
    typealias Statistics = GeneticLinkage.Statistics
    var theta: Double

    func emptyStatistics() -> Statistics { Statistics() }

    func accumulate(_ chunk: ArraySlice<Double>, into statistics: inout Statistics) throws -> ChunkLikelihood {
        try GeneticLinkage(theta: theta).accumulate(chunk, into: &statistics)
    }

    var parameterVector: [Double] { [theta] }

    func replacingParameters(with vector: [Double]) -> LinkageByGradient? {
        vector.count == 1 && vector[0] > 0 && vector[0] < 1 ? LinkageByGradient(theta: vector[0]) : nil
    }

    /// Q(θ') = (y₂ + x₄) log θ' + (x₂ + x₃) log(1 − θ') + const, with y₂ the expected θ/4 share of x₁.
    func gradient(of s: Statistics) -> [Double] {
        let c = s.counts
        return [(c[1] + c[4]) / theta - (c[2] + c[3]) / (1 - theta)]
    }

    func hessian(of s: Statistics) -> [Double] {
        let c = s.counts
        return [-(c[1] + c[4]) / (theta * theta) - (c[2] + c[3]) / ((1 - theta) * (1 - theta))]
    }
}

@Suite("EM-gradient")
struct EMGradientTests {
    @Test("the genetic-linkage example converges to θ̂ = 0.626821497871 with a monotone likelihood")
    func geneticLinkage() throws {
        let fit = try ExpectationMaximization.fit(
            ArrayDataset([125, 18, 20, 34]), options: EMOptions(tolerance: 0, maxIterations: 40)
        ) { _, _ in LinkageByGradient(theta: 0.5) }
        #expect(abs(fit.model.theta - 0.626821497871) < 1e-12)
        for t in 1..<fit.history.count { #expect(fit.history[t] >= fit.history[t - 1] - 1e-15) }
        #expect(fit.warnings.isEmpty)
        // A Newton step on Q is not Q's maximiser: from θ = 0.3 the first steps differ (from 0.5
        // they happen to coincide for this Q).
        let options = EMOptions(tolerance: 0, maxIterations: 1)
        let gradientStep = try ExpectationMaximization.fit(ArrayDataset([125, 18, 20, 34]), options: options) { _, _ in
            LinkageByGradient(theta: 0.3)
        }
        let emStep = try ExpectationMaximization.fit(ArrayDataset([125, 18, 20, 34]), options: options) { _, _ in
            GeneticLinkage(theta: 0.3)
        }
        #expect(abs(gradientStep.model.theta - emStep.model.theta) > 1e-3)
        #expect(gradientStep.history[1] > gradientStep.history[0])
    }
}

/// A gamma mixture has no closed-form M-step (the shape solves log α − ψ(α) = c); EM-gradient
/// fits it with one Newton step on Q per iteration. The reference maxima come from BFGS and
/// Newton on the observed log-likelihood, without EM (`Fixtures/make_gamma_fixtures.py`).
/// Tolerances: parameters 1e-7 relative, log-likelihood 1e-11 relative.
@Suite("EM-gradient on a gamma mixture")
struct GammaMixtureTests {
    struct File: Decodable {
        struct Case: Decodable, CustomTestStringConvertible {
            let name: String
            let file: String
            let column: String
            let weights: [Double]
            let shapes: [Double]
            let rates: [Double]
            let logLikelihood: Double
            var testDescription: String { name }
        }
        let cases: [Case]
    }

    static let file = Fixtures.decode(File.self, from: "gamma_fixtures.json")

    @Test("reaches the maximum-likelihood point that direct optimisation finds, monotonically", arguments: file.cases)
    func maximumLikelihood(_ fixture: File.Case) throws {
        let values = try CSVReader.read(path: Fixtures.path(fixture.file), columns: [.name(fixture.column)]).samples
        // The synthetic components overlap, so EM-gradient converges slowly (like EM): run it
        // 3,000 iterations rather than stop on a tolerance the crawl would meet early.
        let fit = try GammaMixture.fit(RowDataset(values), options: .init(componentCount: 2, em: EMOptions(tolerance: 0, maxIterations: 3000)))
        #expect(fit.warnings.isEmpty, "\(fit.warnings)")
        for (before, after) in zip(fit.history, fit.history.dropFirst()) {
            #expect(after >= before - 1e-13 * abs(before), "log-likelihood fell from \(before) to \(after)")
        }
        expectClose(fit.logLikelihood * Double(values.rowCount), fixture.logLikelihood, relative: 1e-11, "\(fixture.name): log-likelihood")
        for c in 0..<2 {
            expectClose(fit.model.weights[c], fixture.weights[c], relative: 1e-7, "\(fixture.name): weight \(c)")
            expectClose(fit.model.shapes[c], fixture.shapes[c], relative: 1e-7, "\(fixture.name): shape \(c)")
            expectClose(fit.model.rates[c], fixture.rates[c], relative: 1e-7, "\(fixture.name): rate \(c)")
        }
    }

    @Test("SQUAREM accelerates EM-gradient too: the same log-likelihood in ≥ 3× fewer E-steps (measured 3.06×)")
    func acceleratedBySQUAREM() throws {
        let fixture = try #require(Self.file.cases.first { $0.name == "synthetic" })
        let values = try CSVReader.read(path: Fixtures.path(fixture.file), columns: [.name(fixture.column)]).samples
        let fast = try GammaMixture.fit(
            RowDataset(values), options: .init(componentCount: 2, squarem: true, em: EMOptions(tolerance: 1e-13, maxIterations: 5000)))
        let steps = try #require(fast.expectationSteps)
        #expect(fast.converged && fast.warnings.isEmpty)
        expectClose(fast.logLikelihood * Double(values.rowCount), fixture.logLikelihood, relative: 1e-11, "log-likelihood")
        for c in 0..<2 { expectClose(fast.model.shapes[c], fixture.shapes[c], relative: 1e-5, "shape \(c)") }
        // Plain EM-gradient's E-steps to reach the same log-likelihood (history[t] needs t + 1 E-steps).
        let plain = try GammaMixture.fit(RowDataset(values), options: .init(componentCount: 2, em: EMOptions(tolerance: 0, maxIterations: 3000)))
        let reached = try #require(plain.history.firstIndex { $0 >= fast.logLikelihood })
        #expect(3 * steps <= reached + 1, "SQUAREM \(steps) E-steps, plain EM-gradient \(reached + 1)")
    }

    @Test("a Newton step that cannot be taken is reported as such, not as a singular covariance")
    func failedStep() throws {
        /// The linkage model with the Hessian's sign flipped: −∇²Q is negative.
        struct Convex: EMGradientModel {
            typealias Dataset = ArrayDataset<Double>
            typealias Statistics = GeneticLinkage.Statistics
            var inner: LinkageByGradient
            func emptyStatistics() -> Statistics { inner.emptyStatistics() }
            func accumulate(_ chunk: ArraySlice<Double>, into statistics: inout Statistics) throws -> ChunkLikelihood {
                try inner.accumulate(chunk, into: &statistics)
            }
            var parameterVector: [Double] { inner.parameterVector }
            func replacingParameters(with vector: [Double]) -> Convex? { inner.replacingParameters(with: vector).map(Convex.init) }
            func gradient(of s: Statistics) -> [Double] { inner.gradient(of: s) }
            func hessian(of s: Statistics) -> [Double] { inner.hessian(of: s).map { -$0 } }
        }
        var statistics = GeneticLinkage.Statistics()
        _ = try GeneticLinkage(theta: 0.5).accumulate(ArraySlice([125, 18, 20, 34]), into: &statistics)
        #expect {
            try Convex(inner: LinkageByGradient(theta: 0.5)).maximized(from: statistics)
        } throws: { error in
            guard case EMError.gradientStepFailed(let reason) = error else { return false }
            return reason.contains("not positive definite")
        }
    }

    @Test("trigamma and digamma at closed forms: ψ′(1) = π²/6, ψ′(½) = π²/2, ψ(1) = −γ")
    func specialFunctions() {
        expectClose(trigamma(1), Double.pi * Double.pi / 6, relative: 1e-14, "ψ′(1)")
        expectClose(trigamma(0.5), Double.pi * Double.pi / 2, relative: 1e-14, "ψ′(½)")
        expectClose(trigamma(25), 0.04081066325722558, relative: 1e-14, "ψ′(25) (SciPy)")
        expectClose(digamma(1), -0.57721566490153286, relative: 1e-14, "ψ(1)")
    }

    @Test("values that are not positive are refused with their row")
    func hostile() throws {
        let data = try RowDataset(Matrix(rows: [[1.5], [2], [0], [3]]))
        #expect(performing: { _ = try GammaMixture.fit(data, options: .init(componentCount: 2)) }, throws: { error in
            "\(error)" == "row 3: a gamma mixture needs positive values, got 0.0"
        })
    }
}

@Suite("Gamma mixture as a model like the others")
struct GammaMixtureCitizenTests {
    @Test("samples have the closed-form mean α/β and variance α/β², and score is the mean log-density")
    func samplingAndScoring() throws {
        let mixture = try GammaMixture(weights: [1], shapes: [3], rates: [2])
        var generator = SeededGenerator(seed: 5)
        let n = 200_000
        let (samples, components) = mixture.sample(count: n, using: &generator)
        #expect(components.allSatisfy { $0 == 0 })
        let values = samples.elements
        let mean = values.reduce(0, +) / Double(n)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        // Within four standard errors: sd(mean) = √(0.75/n), sd(variance) ≈ √((μ₄ − σ⁴)/n).
        #expect(abs(mean - 1.5) < 4 * (0.75 / Double(n)).squareRoot())
        #expect(abs(variance - 0.75) < 4 * ((0.75 * 0.75 * (2 + 6.0 / 3)) / Double(n)).squareRoot())
        // log Gamma(x | 3, 2) = 3 log 2 − log Γ(3) + 2 log x − 2x.
        let x = Matrix(rows: [[0.5], [2]])
        let expected = [0.5, 2.0].map { 3 * log(2.0) - log(2.0) + 2 * log($0) - 2 * $0 }
        let logLikelihoods = try mixture.logLikelihoods(x)
        for (a, b) in zip(logLikelihoods, expected) { #expect(abs(a - b) < 1e-12) }
        #expect(abs(try mixture.score(x) - (expected[0] + expected[1]) / 2) < 1e-12)
        #expect(throws: EMError.self) { try mixture.score(Matrix(rows: [[-1]])) }
    }

    @Test("emkit fit --model gamma writes a model file that predict, score and sample read")
    func commandLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-gamma-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("gamma.json").path
        let data = Fixtures.path("gamma.csv")
        let fit = try CommandRunner.run(["fit", data, "--model", "gamma", "-k", "2", "--seed", "2", "-o", model])
        #expect(fit.status == 0, "\(fit.standardError)")
        #expect(fit.standardOutput.contains("Gamma mixture: 2 components"))
        let file = try GammaMixtureFile.read(path: model)
        let mixture = try file.mixture(path: model)
        let score = try CommandRunner.run(["score", model, data, "--format", "json"])
        #expect(score.status == 0, "\(score.standardError)")
        let expected = try mixture.score(Fixtures.csv("gamma"))
        #expect(score.standardOutput.contains("\"logLikelihood\": \(expected)"), "\(score.standardOutput)")
        // The fit record's log-likelihood is the same number the model file's parameters give.
        #expect(abs((file.fit?.logLikelihood ?? 0) - expected) < 1e-9)
        let predicted = try CommandRunner.run(["predict", model, data])
        #expect(predicted.status == 0)
        #expect(predicted.standardOutput.split(separator: "\n").count == 601)
        let sampled = try CommandRunner.run(["sample", model, "--count", "4", "--seed", "1"])
        #expect(sampled.status == 0)
        #expect(sampled.standardOutput.split(separator: "\n").dropFirst().allSatisfy { (Double($0) ?? -1) > 0 })
        let refused = try CommandRunner.run(["fit", data, "--model", "gamma", "-k", "2", "--hard"])
        #expect(refused.status == 64)
        #expect(refused.standardError.contains("--hard is not available with --model gamma"))
    }
}
