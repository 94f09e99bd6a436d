import ArgumentParser
import EMKit
import Foundation

extension EMKitCommand {
    /// `emkit bench`: seconds per EM iteration and peak memory on generated data.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time EM iterations on generated data (build with -c release).",
            discussion: """
                Draws N samples from a random K-component mixture in D dimensions, fits from fixed \
                initial parameters for a fixed number of iterations, and prints the median seconds per \
                iteration, the arithmetic rate and the peak resident memory. Side-by-side comparisons \
                with scikit-learn are in bench/ (see docs/benchmarks.md).
                """)

        @Option(name: .short, help: "Samples N.")
        var n: Int = 1_000_000

        @Option(name: .short, help: "Dimension D.")
        var d: Int = 16

        @Option(name: .short, help: "Components K.")
        var k: Int = 16

        @Option(name: .long, help: "Covariance structure.")
        var covariance: CovarianceType = .full

        @Option(name: .long, help: "EM iterations to time.")
        var iterations: Int = 5

        @Option(name: .long, help: "Threads (default: all cores).")
        var threads: Int?

        @Option(name: .long, help: "text or json.")
        var format: OutputFormat = .text

        @Flag(name: .long, help: "Instead: E-steps and seconds of plain EM and SQUAREM to the same log-likelihood on slow, overlapping problems (Gaussian, binomial, gamma, HMM).")
        var squarem = false

        @Flag(name: .long, help: "Instead: the missing-data table (estimation error and imputation RMSE against column means, by N and missing rate).")
        var missingData = false

        func validate() throws {
            guard n >= k, k >= 1, d >= 1 else { throw ValidationError("need N ≥ K ≥ 1 and D ≥ 1") }
            guard iterations >= 1 else { throw ValidationError("--iterations must be ≥ 1") }
        }

        func run() throws {
            if missingData { return try missingDataTable() }
            if squarem { return try SQUAREMBenchmark.run(threads: threads) }
            var generator = SeededGenerator(seed: 2026)
            let truth = try randomMixture(using: &generator)
            let (samples, _) = truth.sample(count: n, using: &generator)
            let start = try randomMixture(using: &generator)
            let data = try RowDataset(samples)
            let log = TimeLog()
            var options = GaussianMixture.FitOptions(componentCount: k, covarianceType: covariance)
            options.initialization = .parameters(start)
            options.em = EMOptions(tolerance: 0, maxIterations: iterations, threadCount: threads)
            options.em.observer = { _ in log.mark() }
            let fit = try GaussianMixture.fit(data, options: options)
            let times = log.intervals.sorted()
            let median = times[times.count / 2]
            let flops = Double(n) * Double(k) * flopsPerSampleAndComponent
            let peak = ProcessStatus.peakResidentBytes
            let dataBytes = Double(n * d * 8)
            switch format {
            case .json:
                print(
                    "{\"samples\": \(n), \"dimension\": \(d), \"components\": \(k), \"covariance\": \"\(covariance.rawValue)\", "
                        + "\"secondsPerIteration\": \(median), \"gflops\": \(flops / median / 1e9), "
                        + "\"peakResidentBytes\": \(peak), \"dataBytes\": \(Int(dataBytes)), "
                        + "\"threads\": \(threads ?? ExpectationMaximization.defaultThreadCount), \"logLikelihood\": \(fit.logLikelihood)}")
            case .text:
                print("N = \(n), D = \(d), K = \(k), \(covariance.rawValue) covariance, \(threads ?? ExpectationMaximization.defaultThreadCount) threads")
                print("seconds per iteration (median of \(times.count)): \(Format.number(median, digits: 4))")
                print("arithmetic: \(Format.number(flops / 1e9, digits: 3)) GFLOP per iteration, \(Format.number(flops / median / 1e9, digits: 3)) GFLOP/s")
                print("peak resident memory: \(Format.number(Double(peak) / 1_048_576, digits: 4)) MiB (data: \(Format.number(dataBytes / 1_048_576, digits: 4)) MiB)")
                print("final mean log-likelihood: \(Format.number(fit.logLikelihood, digits: 10))")
            }
        }

        /// Fits a two-component 3-D mixture with entries removed completely at random, for several N
        /// and missing rates, and prints a Markdown table of errors and timings.
        private func missingDataTable() throws {
            let truth = try GaussianMixture(
                weights: [0.6, 0.4], means: Matrix(rows: [[0, 0, 0], [4, 3, -2]]),
                covariances: [
                    Matrix(rows: [[1, 0.8, 0.5], [0.8, 1.5, 0.3], [0.5, 0.3, 1]]),
                    Matrix(rows: [[1.2, -0.6, 0.2], [-0.6, 1, 0], [0.2, 0, 0.8]]),
                ], covarianceType: .full)
            print("| N | missing | mean abs. error of means | error of weights | imputation RMSE (mixture) | RMSE (column means) | iterations | s/iter (missing) | s/iter (complete) |")
            print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            for n in [500, 5000, 50000] {
                for rate in [0.1, 0.2, 0.4] {
                    var generator = SeededGenerator(seed: UInt64(n) &+ UInt64(rate * 100))
                    let complete = truth.sample(count: n, using: &generator).samples
                    var incomplete = complete
                    for i in 0..<n {
                        for j in 0..<3 where generator.nextUnitInterval() < rate { incomplete[i, j] = .nan }
                    }
                    let clock = ContinuousClock()
                    func timedFit(_ data: Matrix, allowing: Bool) throws -> (EMResult<GaussianMixture>, Double) {
                        var options = GaussianMixture.FitOptions(componentCount: 2)
                        options.em = EMOptions(tolerance: 1e-8, maxIterations: 500, restarts: 3, seed: 1, threadCount: threads)
                        let started = clock.now
                        let fit = try GaussianMixture.fit(
                            RowDataset(data, missingValues: allowing ? .allowed : .rejected), options: options)
                        let seconds = (clock.now - started).seconds
                        return (fit, seconds / Double(max(1, fit.restarts.map(\.iterations).reduce(0, +))))
                    }
                    let (fit, perIteration) = try timedFit(incomplete, allowing: true)
                    let (_, completePerIteration) = try timedFit(complete, allowing: false)
                    let model = fit.model
                    let order = model.means[0, 0] < model.means[1, 0] ? [0, 1] : [1, 0]
                    var meanError = 0.0
                    var weightError = 0.0
                    for c in 0..<2 {
                        weightError = max(weightError, abs(model.weights[order[c]] - truth.weights[c]))
                        for j in 0..<3 { meanError += abs(model.means[order[c], j] - truth.means[c, j]) / 6 }
                    }
                    let imputed = try model.imputed(incomplete)
                    var columnMeans = [Double](repeating: 0, count: 3)
                    for j in 0..<3 {
                        let values = (0..<n).map { incomplete[$0, j] }.filter { !$0.isNaN }
                        columnMeans[j] = values.reduce(0, +) / Double(max(values.count, 1))
                    }
                    var mixtureSquares = 0.0
                    var meanSquares = 0.0
                    var holes = 0
                    for i in 0..<n {
                        for j in 0..<3 where incomplete[i, j].isNaN {
                            holes += 1
                            mixtureSquares += (imputed[i, j] - complete[i, j]) * (imputed[i, j] - complete[i, j])
                            meanSquares += (columnMeans[j] - complete[i, j]) * (columnMeans[j] - complete[i, j])
                        }
                    }
                    let h = Double(max(holes, 1))
                    print(
                        "| \(n) | \(Int(rate * 100))% | \(Format.number(meanError, digits: 3)) | \(Format.number(weightError, digits: 3)) | "
                            + "\(Format.number((mixtureSquares / h).squareRoot(), digits: 4)) | \(Format.number((meanSquares / h).squareRoot(), digits: 4)) | "
                            + "\(fit.iterations) | \(Format.number(perIteration, digits: 3)) | \(Format.number(completePerIteration, digits: 3)) |")
                }
            }
        }

        /// Floating-point operations per sample and component in one iteration, for the rate:
        /// the E-step's triangular product (d²) and the scatter update (d²) for full and tied;
        /// about 6d otherwise; plus the exponentials.
        private var flopsPerSampleAndComponent: Double {
            let dd = Double(d)
            switch covariance {
            case .full, .tied: return 2 * dd * dd + 8 * dd
            case .diagonal, .spherical: return 8 * dd
            }
        }

        private func randomMixture(using generator: inout SeededGenerator) throws -> GaussianMixture {
            let means = Matrix(rowCount: k, columnCount: d, elements: (0..<(k * d)).map { _ in 4 * generator.nextStandardNormal() })
            let covariances = (0..<k).map { _ -> Matrix in
                var a = Matrix(rowCount: d, columnCount: d, elements: (0..<(d * d)).map { _ in generator.nextStandardNormal() / Double(d).squareRoot() })
                a = a * a.transposed
                for j in 0..<d { a[j, j] += 0.5 }
                switch covariance {
                case .full: return a
                case .tied: return a
                case .diagonal:
                    var diagonal = Matrix(rowCount: d, columnCount: d)
                    for j in 0..<d { diagonal[j, j] = a[j, j] }
                    return diagonal
                case .spherical:
                    var diagonal = Matrix(rowCount: d, columnCount: d)
                    for j in 0..<d { diagonal[j, j] = a[0, 0] }
                    return diagonal
                }
            }
            return try GaussianMixture(
                weights: Array(repeating: 1 / Double(k), count: k), means: means,
                covariances: covariance == .tied ? [covariances[0]] : covariances, covarianceType: covariance)
        }

    }
}

/// Timestamps of observer calls, from any thread.
private final class TimeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var marks: [Date] = []

    func mark() {
        lock.lock()
        marks.append(Date())
        lock.unlock()
    }

    /// Seconds between consecutive marks: one M-step and one E-step each.
    var intervals: [Double] {
        lock.lock()
        defer { lock.unlock() }
        return zip(marks.dropFirst(), marks).map { $0.timeIntervalSince($1) }
    }
}
