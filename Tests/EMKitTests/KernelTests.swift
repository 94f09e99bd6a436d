import EMKitKernels
import Foundation
import Testing

@testable import EMKit

/// The C kernels: the vectorised exponential, and the AVX2 and portable paths agreeing.
@Suite("E-step kernels", .serialized)
struct KernelTests {
    @Test("responsibilities use an exponential accurate to a few ulps")
    func exponential() {
        // Two components with log-densities 0 and x: the second's responsibility is eˣ / (1 + eˣ).
        let xs = stride(from: -700.0, through: 0, by: 0.37).map { $0 } + [-1e-12, -0.5, -0.3465, -0.3466, -745, -1000]
        let n = xs.count
        var logDensities = [Double](repeating: 0, count: 2 * n)
        for b in 0..<n { logDensities[n + b] = xs[b] }
        var responsibilities = [Double](repeating: 0, count: 2 * n)
        var logSums = [Double](repeating: 0, count: n)
        var componentWeights = [0.0, 0.0]
        var weightSum = 0.0
        var scratch = [Double](repeating: 0, count: 2 * n)
        _ = emk_responsibilities(n, 2, logDensities, nil, 0, &responsibilities, &logSums, &componentWeights, &weightSum, &scratch)
        for b in 0..<n where xs[b] >= -700 {
            let expected = exp(xs[b]) / (1 + exp(xs[b]))
            #expect(abs(responsibilities[n + b] - expected) <= 1e-15 * expected + 1e-300, "x = \(xs[b])")
            #expect(abs(logSums[b] - log1p(exp(xs[b]))) <= 4e-16)
        }
        #expect(weightSum == Double(n))
        #expect(abs(componentWeights[0] + componentWeights[1] - Double(n)) < 1e-9)
    }

    @Test("the AVX2 and portable kernels give the same fit to 1e-12", arguments: CovarianceType.allCases)
    func pathsAgree(_ type: CovarianceType) throws {
        var generator = SeededGenerator(seed: 8)
        let samples = Matrix(rowCount: 700, columnCount: 5, elements: (0..<3500).map { _ in generator.nextStandardNormal() * 2 })
        var options = GaussianMixture.FitOptions(componentCount: 3, covarianceType: type)
        options.em = EMOptions(tolerance: 0, maxIterations: 10, seed: 1)
        _ = emk_kernels_select_portable(1)
        let portable = try GaussianMixture.fit(RowDataset(samples), options: options)
        _ = emk_kernels_select_portable(0)
        let automatic = try GaussianMixture.fit(RowDataset(samples), options: options)
        expectClose(portable.logLikelihood, automatic.logLikelihood, relative: 1e-12, "log-likelihood")
        for (a, b) in zip(portable.model.means.elements, automatic.model.means.elements) { expectClose(a, b, relative: 1e-10, "mean") }
    }
}
