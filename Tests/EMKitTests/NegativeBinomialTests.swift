import Foundation
import Testing

@testable import EMKit

/// The negative binomial family, as a mixture and as HMM emissions, against an independent
/// NumPy/SciPy EM (`Fixtures/make_negative_binomial_fixtures.py`) from identical initial
/// parameters, and its special functions against their definitions.
/// Tolerances: mean log-likelihood 1e-9 relative, parameters 1e-7 relative.
@Suite("Negative binomial family")
struct NegativeBinomialTests {
    struct File: Decodable {
        struct MixtureIteration: Decodable {
            let iterations: Int
            let weights: [Double]
            let parameters: [[Double]]
            let meanLogLikelihood: Double
        }
        struct MixtureStart: Decodable {
            let weights: [Double]
            let parameters: [[Double]]
        }
        struct MixtureCase: Decodable, CustomTestStringConvertible {
            let name: String
            let columns: [String]
            let initial: MixtureStart
            let iterations: [MixtureIteration]
            var testDescription: String { name }
        }
        struct HMMStart: Decodable {
            let startProbabilities: [Double]
            let transitionMatrix: [[Double]]
            let parameters: [[Double]]
        }
        struct HMMIteration: Decodable {
            let iterations: Int
            let startProbabilities: [Double]
            let transitionMatrix: [[Double]]
            let parameters: [[Double]]
            let meanLogLikelihood: Double
        }
        struct HMMCase: Decodable {
            let lengths: [Int]
            let initial: HMMStart
            let iterations: [HMMIteration]
        }
        let mixtures: [MixtureCase]
        let hmm: HMMCase
    }

    static let file: File = Fixtures.decode(File.self, from: "negative_binomial_fixtures.json")

    static func data(_ columns: [String]) throws -> RowDataset {
        try RowDataset(CSVReader.read(path: Fixtures.path("negative_binomial.csv"), columns: columns.map { .name($0) }).samples)
    }

    static func start(_ fixture: File.MixtureCase) throws -> NegativeBinomialMixture {
        try NegativeBinomialMixture(
            weights: fixture.initial.weights, components: fixture.initial.parameters.map { try NegativeBinomial(parameterVector: $0) })
    }

    @Test("mixture: parameters and log-likelihood after n iterations", arguments: file.mixtures)
    func mixtureMatchesReference(_ fixture: File.MixtureCase) throws {
        let data = try Self.data(fixture.columns)
        for expected in fixture.iterations {
            var options = NegativeBinomialMixture.FitOptions(componentCount: 2)
            options.initialization = .parameters(try Self.start(fixture))
            options.em = EMOptions(tolerance: 0, maxIterations: expected.iterations)
            let fit = try NegativeBinomialMixture.fit(data, options: options)
            let label = "\(fixture.name) after \(expected.iterations)"
            for c in 0..<2 {
                expectClose(fit.model.weights[c], expected.weights[c], relative: 1e-8, "\(label): weight \(c)")
                for (a, b) in zip(fit.model.components[c].parameterVector, expected.parameters[c]) {
                    expectClose(a, b, relative: 1e-7, "\(label): parameter of component \(c)")
                }
            }
            expectClose(fit.logLikelihood, expected.meanLogLikelihood, relative: 1e-9, "\(label): log-likelihood")
        }
    }

    @Test("mixture: the defaults reach the optimum of their start, plain EM and SQUAREM", arguments: file.mixtures)
    func mixtureDefaults(_ fixture: File.MixtureCase) throws {
        let data = try Self.data(fixture.columns)
        for squarem in [false, true] {
            try ConvergenceQualityTests.expectDefaultsReachOptimum("\(fixture.name), squarem \(squarem)") { em in
                var options = NegativeBinomialMixture.FitOptions(componentCount: 2)
                options.initialization = .parameters(try Self.start(fixture))
                options.squarem = squarem
                options.em = em
                return try NegativeBinomialMixture.fit(data, options: options)
            }
        }
        // The k-means start converges too, and never below the reference's 2000 iterations by more than noise.
        try ConvergenceQualityTests.expectDefaultsReachOptimum("\(fixture.name), k-means start", seed: 3) { em in
            var options = NegativeBinomialMixture.FitOptions(componentCount: 2)
            options.em = em
            return try NegativeBinomialMixture.fit(data, options: options)
        }
    }

    @Test("HMM: Baum–Welch iterates from the same start")
    func hmmMatchesReference() throws {
        let fixture = Self.file.hmm
        let counts = try CSVReader.read(path: Fixtures.path("hmm_negative_binomial.csv"), columns: [.name("count")]).samples
        let data = try SequenceDataset(try RowDataset(counts), lengths: fixture.lengths)
        let start = try NegativeBinomialHMM(
            startProbabilities: fixture.initial.startProbabilities, transitionMatrix: Matrix(rows: fixture.initial.transitionMatrix),
            emission: NegativeBinomialEmission(parameters: Matrix(rows: fixture.initial.parameters)))
        for expected in fixture.iterations {
            var options = NegativeBinomialHMM.FitOptions(stateCount: 2)
            options.em = EMOptions(tolerance: 0, maxIterations: expected.iterations)
            let fit = try NegativeBinomialHMM.fit(data, options: options, from: start)
            let label = "HMM after \(expected.iterations)"
            expectClose(fit.logLikelihood, expected.meanLogLikelihood, relative: 1e-9, "\(label): log-likelihood")
            for (a, b) in zip(fit.model.startProbabilities, expected.startProbabilities) { expectClose(a, b, relative: 1e-7, "\(label): start") }
            for (a, b) in zip(fit.model.transitionMatrix.elements, expected.transitionMatrix.flatMap { $0 }) {
                expectClose(a, b, relative: 1e-8, "\(label): transition")
            }
            for (a, b) in zip(fit.model.emission.parameters.elements, expected.parameters.flatMap { $0 }) {
                expectClose(a, b, relative: 1e-7, "\(label): emission")
            }
        }
        // The defaults, from the k-means start, reach the optimum of their start.
        let (quick, _) = try ConvergenceQualityTests.expectDefaultsReachOptimum("negative binomial HMM", seed: 2) { em in
            var options = NegativeBinomialHMM.FitOptions(stateCount: 2)
            options.em = em
            return try NegativeBinomialHMM.fit(data, options: options)
        }
        // …which here is the reference's optimum.
        expectClose(quick.logLikelihood, fixture.iterations.last?.meanLogLikelihood ?? 0, relative: 1e-8, "defaults vs reference")
    }

    @Test("log Γ(x + r) − log Γ(r), ψ and ψ′ differences against their definitions, small and large r")
    func specialFunctions() {
        for r in [0.3, 2.5, 150, 9_999, 12_345.5, 1e6, 1e8] {
            for x in [0.0, 1, 7, 15, 16, 40, 300] {
                var logSum = 0.0, digammaSum = 0.0, trigammaSum = 0.0
                for i in 0..<Int(x) {
                    logSum += log(r + Double(i))
                    digammaSum += 1 / (r + Double(i))
                    trigammaSum -= 1 / ((r + Double(i)) * (r + Double(i)))
                }
                expectClose(logRisingFactorial(r, x), logSum, relative: 1e-13, "log rising factorial r \(r), x \(x)")
                expectClose(digammaDifference(r, x), digammaSum, relative: 1e-11, "ψ difference r \(r), x \(x)")
                expectClose(trigammaDifference(r, x), trigammaSum, relative: 1e-7, "ψ′ difference r \(r), x \(x)")
            }
        }
    }

    @Test("the M-step: the mean in closed form, the size at the profile score's root, the Poisson limit, the prior")
    func maximisation() throws {
        var statistics = CountHistograms(dimension: 1)
        let counts: [Double] = [0, 0, 1, 2, 2, 3, 5, 8, 13, 21]
        for x in counts { withUnsafePointer(to: x) { statistics.add($0, weight: 1) } }
        let fitted = try NegativeBinomial.estimate(from: statistics, dimension: 1, prior: nil)
        expectClose(fitted.means[0], counts.reduce(0, +) / 10, relative: 1e-15, "mean")
        let r = fitted.sizes[0]
        let score = counts.reduce(0) { $0 + digammaDifference(r, $1) } - 10 * log1p(fitted.means[0] / r)
        #expect(abs(score) < 1e-12, "score at the fitted size: \(score)")

        // Under-dispersed counts: the likelihood rises to the Poisson limit.
        var flat = CountHistograms(dimension: 1)
        for x in [3.0, 4, 4, 5, 4, 3, 5] { withUnsafePointer(to: x) { flat.add($0, weight: 1) } }
        #expect(try NegativeBinomial.estimate(from: flat, dimension: 1, prior: nil).sizes == [NegativeBinomial.maximumSize])

        // Only zeros: the mean is 0 without a prior, and the pseudo-observation lifts it.
        var zeros = CountHistograms(dimension: 1)
        withUnsafePointer(to: 0.0) { zeros.add($0, weight: 4) }
        #expect(try NegativeBinomial.estimate(from: zeros, dimension: 1, prior: nil).means == [0])
        let smoothed = try NegativeBinomial.estimate(from: zeros, dimension: 1, prior: CountPseudoObservations(count: 1))
        expectClose(smoothed.means[0], 1.0 / 5, relative: 1e-15, "smoothed mean")
        #expect(throws: EMError.self) { try NegativeBinomial.estimate(from: CountHistograms(dimension: 1), dimension: 1, prior: nil) }
    }

    @Test("the density sums to 1 and equals the Poisson's at the size limit; draws have the stated mean and variance")
    func densityAndSampling() throws {
        let component = try NegativeBinomial(means: [6.5], sizes: [1.7])
        var total = 0.0
        for x in 0..<2000 { total += exp(withUnsafePointer(to: Double(x)) { component.logDensity($0) }) }
        expectClose(total, 1, relative: 1e-12, "Σ p(x)")
        let limit = try NegativeBinomial(means: [6.5], sizes: [NegativeBinomial.maximumSize])
        let poisson = try Poisson(rates: [6.5])
        for x in [0.0, 3, 17] {
            let a = withUnsafePointer(to: x) { limit.logDensity($0) }
            let b = withUnsafePointer(to: x) { poisson.logDensity($0) }
            #expect(abs(a - b) < 1e-6, "x = \(x): \(a) vs Poisson \(b)")
        }
        var generator = SeededGenerator(seed: 7)
        let draws = (0..<100_000).map { _ in component.sample(trials: 1, using: &generator)[0] }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count)
        // Standard errors: √(σ²/n) ≈ 0.017 for the mean, ≈ 1.3 % for the variance.
        expectClose(mean, 6.5, relative: 0.02, "sample mean")
        expectClose(variance, 6.5 + 6.5 * 6.5 / 1.7, relative: 0.06, "sample variance")
    }

    @Test("every count family's density splits into its base measure and the rest")
    func baseMeasure() throws {
        func check<Component: MixtureComponent>(_ component: Component, _ row: [Double]) {
            row.withUnsafeBufferPointer { x in
                let p = x.baseAddress.unsafelyUnwrapped
                let base = Component.logBaseMeasure(of: p, dimension: row.count)
                expectClose(component.logDensity(p, base: base), component.logDensity(p), relative: 1e-13, "\(Component.self)")
            }
        }
        check(try NegativeBinomial(means: [2.5, 40], sizes: [0.7, 3e7]), [3, 57])
        check(try Poisson(rates: [2.5, 40]), [3, 57])
        check(try Categorical(probabilities: [0.2, 0.3, 0.5]), [1, 0, 4])
        check(try Binomial(probability: 0.3), [4, 9])
    }

    @Test("statistics merged across a split give the whole data's M-step; archives round-trip bit for bit")
    func statistics() throws {
        let data = try Self.data(["a", "b"])
        let model = try Self.start(Self.file.mixtures[0])
        var whole = model.emptyStatistics()
        _ = try model.accumulate(RowBlock(dataset: data, rows: 0..<data.sampleCount), into: &whole)
        var first = model.emptyStatistics()
        var second = model.emptyStatistics()
        _ = try model.accumulate(RowBlock(dataset: data, rows: 0..<123), into: &first)
        _ = try model.accumulate(RowBlock(dataset: data, rows: 123..<data.sampleCount), into: &second)
        first.merge(second)
        // Sums of the same weights in another grouping: equal to rounding (the engine merges its
        // fixed chunks in one order, so its own results are bit-identical).
        for (a, b) in zip(try model.maximized(from: first).parameterVector, try model.maximized(from: whole).parameterVector) {
            expectClose(a, b, relative: 1e-12, "merged vs whole")
        }
        var writer = StatisticsWriter()
        first.write(to: &writer)
        var reader = StatisticsReader(writer.bytes)
        let read = try FiniteMixtureStatistics<CountHistograms>(from: &reader)
        #expect(read.components == first.components && reader.isAtEnd)
        var damaged = StatisticsWriter()
        damaged.write(1.0)
        damaged.write(1)
        damaged.write([2.0, 1.0])
        damaged.write([1.0, 1.0])
        var damagedReader = StatisticsReader(damaged.bytes)
        #expect(throws: StatisticsArchiveError.self) { try CountHistograms(from: &damagedReader) }
    }

    @Test("emkit hmm fit --emission negative-binomial writes a model that decode and sample read; bad counts are refused")
    func commandLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-nb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("hmm.json").path
        let data = Fixtures.path("hmm_negative_binomial.csv")
        let sequences = ["--columns", "count", "--sequence-column", "sequence"]
        let fit = try CommandRunner.run(["hmm", "fit", data, "--emission", "negative-binomial", "-s", "2", "--seed", "2", "-o", model] + sequences)
        #expect(fit.status == 0, "\(fit.standardError)")
        #expect(fit.standardOutput.contains("Mean log-likelihood per observation: -3.0662042"), "\(fit.standardOutput)")
        #expect(fit.standardOutput.contains("State 2 means (24.581)  sizes (5.9862)"), "\(fit.standardOutput)")
        let file = try HMMFile.read(path: model)
        #expect(file.emission == "negative-binomial" && file.emissionParameters?.count == 2)
        let decoded = try CommandRunner.run(["hmm", "decode", model, data] + sequences)
        #expect(decoded.status == 0 && decoded.standardOutput.split(separator: "\n").count == 601, "\(decoded.standardError)")
        let sample = try CommandRunner.run(["hmm", "sample", model, "--length", "4", "--seed", "1"])
        #expect(sample.status == 0 && sample.standardOutput.split(separator: "\n").count == 5, "\(sample.standardError)")
        let bad = try CommandRunner.run(["fit", "-", "--model", "negative-binomial", "-k", "1"], input: "x\n3\n2.5\n")
        #expect(bad.status == 1 && bad.standardError == "Error: row 2: negative binomial counts must be whole numbers ≥ 0; column 1 is 2.5\n", "\(bad.standardError)")
    }
}
