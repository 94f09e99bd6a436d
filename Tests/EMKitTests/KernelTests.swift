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

    @Test(
        "the AVX2 and portable kernels give the same fit to 1e-12",
        arguments: CovarianceType.allCases, [5, 8, 64])
    func pathsAgree(_ type: CovarianceType, dimension d: Int) throws {
        var generator = SeededGenerator(seed: 8)
        let samples = Matrix(rowCount: 700, columnCount: d, elements: (0..<(700 * d)).map { _ in generator.nextStandardNormal() * 2 })
        var options = GaussianMixture.FitOptions(componentCount: 3, covarianceType: type)
        // One thread: the path is chosen per thread, so the whole fit must run on this one (and
        // suites running in parallel keep the automatic choice).
        options.em = EMOptions(tolerance: 0, maxIterations: 10, seed: 1, threadCount: 1)
        _ = emk_kernels_select_portable(1)
        #expect(emk_kernels_use_avx2() == 0)
        let portable = try GaussianMixture.fit(RowDataset(samples), options: options)
        _ = emk_kernels_select_portable(0)
        let automatic = try GaussianMixture.fit(RowDataset(samples), options: options)
        expectClose(portable.logLikelihood, automatic.logLikelihood, relative: 1e-12, "log-likelihood")
        for (a, b) in zip(portable.model.means.elements, automatic.model.means.elements) { expectClose(a, b, relative: 1e-10, "mean") }
    }

    @Test("the path a thread chooses does not change other threads'")
    func pathIsPerThread() {
        let processor = emk_kernels_use_avx2()
        _ = emk_kernels_select_portable(1)
        defer { _ = emk_kernels_select_portable(0) }
        nonisolated(unsafe) var other: Int32 = -1
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            other = emk_kernels_use_avx2()
            done.signal()
        }
        thread.start()
        done.wait()
        #expect(other == processor)
        #expect(emk_kernels_use_avx2() == 0)
    }

    @Test("kernels given no rows or no columns do nothing and read nothing")
    func emptyShapes() {
        var distances = [Double](repeating: 7, count: 4)
        var scratch = [Double](repeating: 0, count: 64)
        let rows = [Double](repeating: 1, count: 4)
        emk_triangular_distances(4, 0, rows, rows, rows, &distances, &scratch)
        emk_diagonal_distances_transposed(0, 3, rows, rows, rows, &distances)
        #expect(distances == [7, 7, 7, 7])
        var weights = [0.0]
        var sum = 0.0
        var logSums = [Double](repeating: 0, count: 4)
        let result = emk_responsibilities(0, 1, rows, nil, 0, &distances, &logSums, &weights, &sum, &scratch)
        #expect(result == 0)
        #expect(sum == 0)
    }
}
