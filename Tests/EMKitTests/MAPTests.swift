import Foundation
import Testing

@testable import EMKit

/// MAP-EM beyond the mclust fixtures: the Dirichlet weight prior, Gaussian HMM emissions, and
/// the prior's own checks.
@Suite("MAP-EM")
struct MAPTests {
    static func onehot(_ labels: [Int], components k: Int) -> Matrix {
        var z = Matrix(rowCount: labels.count, columnCount: k)
        for (n, label) in labels.enumerated() { z[n, label] = 1 }
        return z
    }

    @Test("a Dirichlet weight prior gives πₖ = (nₖ + a) / (n + K a), and a = 0 gives nₖ / n")
    func weightPrior() throws {
        let data = try Fixtures.csv("faithful")
        // Thirds of the rows, in order: 90, 91 and 91 samples.
        let labels = (0..<data.rowCount).map { $0 * 3 / data.rowCount }
        for a in [0.0, 5.0] {
            var options = GaussianMixture.FitOptions(componentCount: 3)
            options.initialization = .responsibilities(Self.onehot(labels, components: 3))
            let mclust = try GaussianMixturePrior.fraleyRaftery(for: RowDataset(data), componentCount: 3, covarianceType: .full)
            options.settings.prior = try GaussianMixturePrior(
                mean: mclust.mean, shrinkage: mclust.shrinkage, degreesOfFreedom: mclust.degreesOfFreedom, scale: mclust.scale,
                weightPseudoCount: a)
            options.em.maxIterations = 0
            let fit = try GaussianMixture.fit(RowDataset(data), options: options)
            let counts = (0..<3).map { c in Double(labels.filter { $0 == c }.count) }
            for c in 0..<3 {
                expectClose(fit.model.weights[c], (counts[c] + a) / (272 + 3 * a), relative: 1e-14, "a = \(a), weight \(c)")
            }
        }
    }

    @Test("the log-prior is the normal–inverse-Wishart density: a one-dimensional closed form")
    func logPriorClosedForm() throws {
        // d = 1: 𝒩(μ | m, σ²/κ) · inverse-gamma(σ² | ν/2, λ/2) (the inverse-Wishart with d = 1).
        let prior = try GaussianMixturePrior(mean: [1], shrinkage: 0.5, degreesOfFreedom: 3, scale: Matrix(rows: [[2]]))
        let model = try GaussianMixture(
            weights: [1], means: Matrix(rows: [[2]]), covariances: [Matrix(rows: [[4]])], covarianceType: .full,
            fitSettings: .init(prior: prior))
        let m = 1.0, kappa = 0.5, nu = 3.0, lambda = 2.0, mu = 2.0, variance = 4.0
        let normal: Double = -0.5 * log(2 * Double.pi * variance / kappa) - kappa * (mu - m) * (mu - m) / (2 * variance)
        let shape: Double = nu / 2, rate: Double = lambda / 2
        let inverseGamma: Double = shape * log(rate) - lgamma(shape) - (shape + 1) * log(variance) - rate / variance
        expectClose(model.logPrior(), normal + inverseGamma, relative: 1e-14, "full")
        for type in [CovarianceType.diagonal, .spherical, .tied] {
            let same = try GaussianMixture(
                weights: [1], means: Matrix(rows: [[2]]), covariances: [Matrix(rows: [[4]])], covarianceType: type,
                fitSettings: .init(prior: prior))
            expectClose(same.logPrior(), normal + inverseGamma, relative: 1e-14, "\(type)")
        }
    }

    @Test("the log-prior in two dimensions: inverse-Wishart by hand (full), inverse-gamma per variance (diagonal)")
    func logPriorTwoDimensions() throws {
        let scale = Matrix(rows: [[2, 0.5], [0.5, 1]])
        let prior = try GaussianMixturePrior(mean: [1, -1], shrinkage: 0.5, degreesOfFreedom: 4, scale: scale)
        let mu = [1.5, 0.0]
        let sigma = Matrix(rows: [[3, 1], [1, 2]])
        // Σ⁻¹ and |Σ| of a 2 × 2 matrix, and the multivariate gamma Γ₂(ν/2) = π^½ Γ(ν/2) Γ((ν−1)/2).
        let det = 3.0 * 2 - 1 * 1
        let inverse = [[2 / det, -1 / det], [-1 / det, 3 / det]]
        let delta = [mu[0] - 1, mu[1] + 1]
        var quadratic = 0.0
        var trace = 0.0
        for i in 0..<2 {
            for j in 0..<2 {
                quadratic += delta[i] * inverse[i][j] * delta[j]
                trace += inverse[i][j] * scale[j, i]
            }
        }
        let (kappa, nu) = (0.5, 4.0)
        let normal: Double = -log(2 * Double.pi) + log(kappa) - 0.5 * log(det) - kappa * quadratic / 2
        let logGamma2: Double = 0.5 * log(Double.pi) + lgamma(nu / 2) + lgamma((nu - 1) / 2)
        let scaleDet = 2.0 * 1 - 0.5 * 0.5
        let wishart: Double = nu / 2 * log(scaleDet) - nu * log(2.0) - logGamma2 - (nu + 3) / 2 * log(det) - trace / 2
        let full = try GaussianMixture(
            weights: [1], means: Matrix(rows: [mu]), covariances: [sigma], covarianceType: .full, fitSettings: .init(prior: prior))
        expectClose(full.logPrior(), normal + wishart, relative: 1e-13, "full")

        // Diagonal: 𝒩 with variances (3, 2) and inverse-gamma(σ²ⱼ | ν/2, Λⱼⱼ/2) for each.
        var diagonalExpected: Double = -log(2 * Double.pi) + log(kappa)
        for (j, variance) in [3.0, 2.0].enumerated() {
            diagonalExpected -= 0.5 * log(variance) + kappa * delta[j] * delta[j] / (2 * variance)
            let rate = scale[j, j] / 2
            diagonalExpected += nu / 2 * log(rate) - lgamma(nu / 2) - (nu / 2 + 1) * log(variance) - rate / variance
        }
        let diagonal = try GaussianMixture(
            weights: [1], means: Matrix(rows: [mu]), covariances: [Matrix(rows: [[3, 0], [0, 2]])], covarianceType: .diagonal,
            fitSettings: .init(prior: prior))
        expectClose(diagonal.logPrior(), diagonalExpected, relative: 1e-13, "diagonal")
    }

    @Test("bad hyperparameters are refused by name")
    func badHyperparameters() {
        func expectRefused(_ name: String, _ make: () throws -> GaussianMixturePrior) {
            #expect(performing: { _ = try make() }, throws: { error in
                guard case EMError.invalidParameter(let named, _, _) = error else { return false }
                return named == name
            })
        }
        expectRefused("prior shrinkage") { try GaussianMixturePrior(mean: [0], shrinkage: 0, degreesOfFreedom: 3, scale: .identity(1)) }
        expectRefused("prior degreesOfFreedom") {
            try GaussianMixturePrior(mean: [0, 0], shrinkage: 1, degreesOfFreedom: 0.5, scale: .identity(2))
        }
        expectRefused("prior scale") { try GaussianMixturePrior(mean: [0, 0], shrinkage: 1, degreesOfFreedom: 3, scale: .identity(3)) }
        expectRefused("prior weightPseudoCount") {
            try GaussianMixturePrior(mean: [0], shrinkage: 1, degreesOfFreedom: 3, scale: .identity(1), weightPseudoCount: -1)
        }
    }

    @Test("a constant column has no default prior, and says so")
    func constantColumn() throws {
        let data = try RowDataset(Matrix(rows: [[1, 5], [2, 5], [3, 5]]))
        func namesColumnTwo(_ error: any Error) -> Bool {
            guard case EMError.invalidParameter(_, let value, _) = error else { return false }
            return value == "column 2 without spread (every value is 5.0)"
        }
        #expect(performing: { _ = try GaussianMixturePrior.fraleyRaftery(for: data, componentCount: 2, covarianceType: .full) },
                throws: namesColumnTwo)
        #expect(performing: { _ = try VariationalGaussianMixture.Prior.defaults(for: data, componentCount: 2) }, throws: namesColumnTwo)
    }

    @Test("MAP Baum–Welch: Gaussian emissions take the prior's posterior mode; the log-posterior never decreases")
    func hiddenMarkovEmissions() throws {
        let samples = try CSVReader.read(path: Fixtures.path("hmm_gaussian.csv"), columns: [.position(1), .position(2)]).samples
        let data = try SequenceDataset(try RowDataset(samples), lengths: [120, 80, 100])
        let prior = try GaussianMixturePrior.fraleyRaftery(for: data.rows, componentCount: 3, covarianceType: .full)
        var options = GaussianHMM.FitOptions(stateCount: 3)
        options.emissionPrior = prior
        options.em.maxIterations = 30
        options.em.tolerance = 0
        let fit = try GaussianHMM.fit(data, options: options, covarianceType: .full, regularization: 0)
        for (before, after) in zip(fit.history, fit.history.dropFirst()) {
            #expect(after >= before - 1e-12 * abs(before), "log-posterior fell from \(before) to \(after)")
        }
        #expect(fit.model.logPrior() < 0 && fit.model.logPrior() == fit.model.emission.logPrior())

        // One more iteration by hand: the state posteriors as responsibilities of a mixture M-step.
        var step = options
        step.em.maxIterations = 1
        let next = try GaussianHMM.fit(data, options: step, from: fit.model).model
        let gamma = try fit.model.posteriors(data)
        var mixture = GaussianMixture.FitOptions(componentCount: 3)
        mixture.initialization = .responsibilities(gamma)
        mixture.settings = .init(regularization: 0, prior: prior)
        mixture.em.maxIterations = 0
        let expected = try GaussianMixture.fit(RowDataset(samples), options: mixture).model
        for s in 0..<3 {
            for j in 0..<samples.columnCount {
                expectClose(next.emission.means[s, j], expected.means[s, j], relative: 1e-10, "mean \(s),\(j)")
                for i in 0..<samples.columnCount {
                    expectClose(
                        next.emission.covariances[s][j, i], expected.covariance(ofComponent: s)[j, i], relative: 1e-10,
                        "covariance \(s),\(j),\(i)")
                }
            }
        }
    }

    @Test("categorical HMM emissions with a Dirichlet pseudo-count: p = (expected count + a) / (occupancy + M a), monotone")
    func categoricalEmissionPseudoCount() throws {
        // Symbol 5 never appears, so maximum likelihood would give it probability 0.
        let rolls = try CSVReader.read(path: Fixtures.path("hmm_casino.csv")).samples
        var observed = rolls
        for t in 0..<observed.rowCount where observed[t, 0] == 5 { observed[t, 0] = 4 }
        let data = try SequenceDataset(try RowDataset(observed))
        let start = try CategoricalHMM(
            startProbabilities: [0.5, 0.5], transitionMatrix: Matrix(rows: [[0.9, 0.1], [0.2, 0.8]]),
            emission: CategoricalEmission(probabilities: Matrix(rows: [
                [0.2, 0.2, 0.2, 0.2, 0.1, 0.1], [0.1, 0.1, 0.1, 0.1, 0.3, 0.3],
            ])))
        var options = CategoricalHMM.FitOptions(stateCount: 2)
        options.emissionPseudoCount = 1
        options.em = EMOptions(tolerance: 0, maxIterations: 1)
        let next = try CategoricalHMM.fit(data, options: options, from: start).model
        let gamma = try start.posteriors(data)
        for s in 0..<2 {
            let occupancy = (0..<observed.rowCount).reduce(0) { $0 + gamma[$1, s] }
            for m in 0..<6 {
                let count = (0..<observed.rowCount).reduce(0) { $0 + (observed[$1, 0] == Double(m) ? gamma[$1, s] : 0) }
                expectClose(next.emission.probabilities[s, m], (count + 1) / (occupancy + 6), relative: 1e-10, "p[\(s), \(m)]")
            }
            #expect(next.emission.probabilities[s, 5] > 0)
        }
        options.em = EMOptions(tolerance: 0, maxIterations: 50)
        let fit = try CategoricalHMM.fit(data, options: options, from: start)
        for (before, after) in zip(fit.history, fit.history.dropFirst()) {
            #expect(after >= before - 1e-12 * abs(before), "log-posterior fell from \(before) to \(after)")
        }
        #expect(fit.model.logPrior() < 0)
        #expect(throws: EMError.self) { _ = try GaussianEmission(means: Matrix(rows: [[0]]), covariances: [.identity(1)], covarianceType: .full).withPseudoCount(1) }
    }

    @Test("a categorical HMM takes no Gaussian prior")
    func categoricalHasNoGaussianPrior() throws {
        let emission = try CategoricalEmission(probabilities: Matrix(rows: [[0.5, 0.5], [0.2, 0.8]]))
        let prior = try GaussianMixturePrior(mean: [0], shrinkage: 1, degreesOfFreedom: 3, scale: .identity(1))
        #expect(throws: EMError.self) { _ = try emission.withPrior(prior) }
        #expect(try emission.withPrior(nil).logPrior() == 0)
    }
}
