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

        func validate() throws {
            guard n >= k, k >= 1, d >= 1 else { throw ValidationError("need N ≥ K ≥ 1 and D ≥ 1") }
            guard iterations >= 1 else { throw ValidationError("--iterations must be ≥ 1") }
        }

        func run() throws {
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
