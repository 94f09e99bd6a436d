import Foundation
import Testing

@testable import EMKit

/// The defaults land on the optimum of their start: for every family, a fit with default options
/// ends within 1e-6 relative of the objective that the same start reaches with tolerance 1e-14
/// and 100 000 iterations, and says it converged. Slow cases included: the ones that stopped far
/// short under the old rule (a change of 1e-3 nats per sample, 100 iterations).
@Suite("Convergence quality of the defaults")
struct ConvergenceQualityTests {
    /// The run to convergence that the defaults are measured against.
    static let strict = EMOptions(tolerance: 1e-14, maxIterations: 100_000)

    /// Fits with the default options and with `strict`, both from the start that `seed` draws,
    /// and checks that the default fit converged and is within 1e-6 relative of the strict one.
    /// Returns both for further checks.
    @discardableResult
    static func expectDefaultsReachOptimum<Model>(
        _ label: String, seed: UInt64 = 0, sourceLocation: SourceLocation = #_sourceLocation,
        _ fit: (EMOptions) throws -> EMResult<Model>
    ) throws -> (defaults: EMResult<Model>, reference: EMResult<Model>) {
        var defaults = EMOptions()
        defaults.seed = seed
        var strict = Self.strict
        strict.seed = seed
        let quick = try fit(defaults)
        let reference = try fit(strict)
        #expect(reference.converged, "\(label): the reference run did not converge (\(reference.stopReason))", sourceLocation: sourceLocation)
        #expect(quick.converged, "\(label): defaults \(quick.stopReason), gap \(quick.estimatedGap)", sourceLocation: sourceLocation)
        let shortfall = (reference.objective - quick.objective) / abs(reference.objective)
        #expect(
            abs(shortfall) <= 1e-6,
            "\(label): defaults end \(shortfall) relative below the optimum of their start (\(quick.objective) vs \(reference.objective))",
            sourceLocation: sourceLocation)
        #expect(quick.warnings.isEmpty && reference.warnings.isEmpty, "\(label): \(quick.warnings + reference.warnings)", sourceLocation: sourceLocation)
        return (quick, reference)
    }

    static var faithful: RowDataset { get throws { try RowDataset(try Fixtures.csv("faithful")) } }

    @Test("Gaussian mixtures, every covariance type, plain EM and SQUAREM", arguments: CovarianceType.allCases)
    func gaussian(_ type: CovarianceType) throws {
        for squarem in [false, true] {
            let (quick, _) = try Self.expectDefaultsReachOptimum("faithful K=3 \(type) squarem \(squarem)", seed: 1) { em in
                var options = GaussianMixture.FitOptions(componentCount: 3, covarianceType: type)
                options.squarem = squarem
                options.em = em
                return try GaussianMixture.fit(try Self.faithful, options: options)
            }
            #expect(quick.estimatedGap <= EMOptions.defaultTolerance * abs(quick.objective))
        }
    }

    @Test("the old default rule stops measurably short on the same case (so this suite can fail)")
    func oldRuleFallsShort() throws {
        var options = GaussianMixture.FitOptions(componentCount: 3)
        options.em = EMOptions(tolerance: 1e-3, maxIterations: 100, seed: 1, stoppingRule: .objectiveChange)
        let old = try GaussianMixture.fit(try Self.faithful, options: options)
        options.em = Self.strict
        options.em.seed = 1
        let reference = try GaussianMixture.fit(try Self.faithful, options: options)
        #expect(old.converged)
        #expect((reference.objective - old.objective) / abs(reference.objective) > 1e-4)
    }

    @Test("a fit stopped early says how far it still is from its optimum", arguments: [20, 40, 80, 120])
    func honestGap(_ iterations: Int) throws {
        var options = GaussianMixture.FitOptions(componentCount: 3)
        options.em = EMOptions(maxIterations: iterations, seed: 1)
        let early = try GaussianMixture.fit(try Self.faithful, options: options)
        options.em = Self.strict
        options.em.seed = 1
        let reference = try GaussianMixture.fit(try Self.faithful, options: options)
        #expect(early.stopReason == .reachedIterationLimit)
        let remaining = reference.objective - early.objective
        // Never closer than it is: while the increments still grow (leaving a plateau, 20 and 40
        // iterations here) the gap is unknown (∞); once they shrink at EM's linear rate, Aitken's
        // estimate is right to within a factor of 3.
        #expect(early.estimatedGap > remaining / 3, "estimated \(early.estimatedGap), remaining \(remaining)")
        if iterations < 80 { #expect(early.estimatedGap == .infinity) }
        if iterations >= 80 { #expect(early.estimatedGap < remaining * 3, "estimated \(early.estimatedGap), remaining \(remaining)") }
    }

    @Test("one column of Old Faithful (waiting), K = 2")
    func waiting() throws {
        let waiting = try CSVReader.read(path: Fixtures.path("faithful.csv"), columns: [.name("waiting")]).samples
        for squarem in [false, true] {
            try Self.expectDefaultsReachOptimum("waiting K=2 squarem \(squarem)") { em in
                var options = GaussianMixture.FitOptions(componentCount: 2)
                options.squarem = squarem
                options.em = em
                return try GaussianMixture.fit(try RowDataset(waiting), options: options)
            }
        }
    }

    @Test("MAP-EM under mclust's default prior")
    func map() throws {
        let data = try Self.faithful
        let prior = try GaussianMixturePrior.fraleyRaftery(for: data, componentCount: 3, covarianceType: .full)
        for squarem in [false, true] {
            try Self.expectDefaultsReachOptimum("faithful K=3 MAP squarem \(squarem)") { em in
                var options = GaussianMixture.FitOptions(componentCount: 3)
                options.settings.prior = prior
                options.settings.regularization = 0
                options.squarem = squarem
                options.em = em
                return try GaussianMixture.fit(data, options: options)
            }
        }
    }

    @Test("variational Bayes: the lower bound, and the components it keeps")
    func variational() throws {
        let (quick, reference) = try Self.expectDefaultsReachOptimum("faithful K=8 VB") { em in
            var options = VariationalGaussianMixture.FitOptions(componentCount: 8)
            options.em = em
            return try VariationalGaussianMixture.fit(try Self.faithful, options: options)
        }
        func active(_ fit: EMResult<VariationalGaussianMixture>) -> Int { fit.model.weights.filter { $0 >= 0.01 }.count }
        #expect(active(quick) == active(reference))
        #expect(active(reference) == 2)
    }

    @Test("Student-t mixture by ECM, plain and SQUAREM")
    func studentT() throws {
        for squarem in [false, true] {
            let (quick, _) = try Self.expectDefaultsReachOptimum("faithful K=2 Student-t squarem \(squarem)") { em in
                try StudentTMixture.fit(try Self.faithful, options: .init(componentCount: 2, squarem: squarem, em: em))
            }
            // The t mixture contains the Gaussian one (ν → ∞), so it must not fit worse than it does.
            var options = GaussianMixture.FitOptions(componentCount: 2)
            options.em = Self.strict
            let gaussian = try GaussianMixture.fit(try Self.faithful, options: options)
            #expect(quick.logLikelihood > gaussian.logLikelihood - 1e-3)
        }
    }

    @Test("discrete mixtures: binomial, Bernoulli, categorical, Poisson")
    func discrete() throws {
        func check<Component: MixtureComponent>(_ family: Component.Type, _ file: String, components: Int) throws {
            let data = try RowDataset(try CSVReader.read(path: Fixtures.path(file)).samples)
            for squarem in [false, true] {
                try Self.expectDefaultsReachOptimum("\(file) K=\(components) squarem \(squarem)") { em in
                    var options = FiniteMixture<Component>.FitOptions(componentCount: components)
                    options.squarem = squarem
                    options.em = em
                    return try FiniteMixture<Component>.fit(data, options: options)
                }
            }
        }
        try check(Binomial.self, "binomial.csv", components: 3)
        try check(Bernoulli.self, "bernoulli.csv", components: 2)
        try check(Categorical.self, "categorical.csv", components: 3)
        try check(Poisson.self, "poisson.csv", components: 3)
    }

    @Test("imputation: Iris with 20% of its cells missing at random")
    func imputation() throws {
        var samples = try Fixtures.csv("iris")
        var generator = SeededGenerator(seed: 12)
        for i in 0..<samples.rowCount {
            for j in 0..<samples.columnCount where generator.nextUnitInterval() < 0.2 { samples[i, j] = .nan }
        }
        let data = try RowDataset(samples, missingValues: .allowed)
        for squarem in [false, true] {
            let (quick, reference) = try Self.expectDefaultsReachOptimum("iris 20% MCAR K=3 squarem \(squarem)") { em in
                var options = GaussianMixture.FitOptions(componentCount: 3)
                options.squarem = squarem
                options.em = em
                return try GaussianMixture.fit(data, options: options)
            }
            let a = try quick.model.imputed(samples)
            let b = try reference.model.imputed(samples)
            let worst = zip(a.elements, b.elements).map { abs($0 - $1) / max(abs($1), 1e-9) }.max() ?? 0
            #expect(worst < 1e-3, "imputed values differ by up to \(worst) relative")
        }
    }

    @Test("a gamma mixture by EM-gradient, plain and SQUAREM")
    func gamma() throws {
        let data = try RowDataset(try CSVReader.read(path: Fixtures.path("gamma.csv")).samples)
        for squarem in [false, true] {
            try Self.expectDefaultsReachOptimum("gamma K=2 squarem \(squarem)") { em in
                try GammaMixture.fit(data, options: .init(componentCount: 2, squarem: squarem, em: em))
            }
        }
    }

    /// The objective per sample and whether it converged, from a command's model file.
    static func commandFit(_ arguments: [String], model: String) throws -> (objective: Double, converged: Bool) {
        try? FileManager.default.removeItem(atPath: model)
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.standardError)")
        let file = try JSONDecoder().decode(GaussianMixtureFile.self, from: Data(contentsOf: URL(fileURLWithPath: model)))
        let record = try #require(file.fit)
        return (try #require(record.history.last), record.converged)
    }

    @Test("the commands' defaults: fit, hmm fit and segment")
    func commands() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-convergence-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("model.json").path
        let strict = ["--tolerance", "1e-14", "--max-iterations", "100000", "--accelerate", "none"]
        let faithful = Fixtures.path("faithful.csv")
        let image = Fixtures.directory.appendingPathComponent("images/baseline.jpg").path
        let segmented = directory.appendingPathComponent("segmented.png").path
        let commands: [[String]] = [
            ["fit", faithful, "-k", "3", "--seed", "1", "--quiet", "-o", model],
            ["fit", faithful, "-k", "3", "--prior", "default", "--quiet", "-o", model],
            ["segment", image, "-k", "3", "--quiet", "-o", segmented, "--model", model],
        ]
        for command in commands {
            let quick = try Self.commandFit(command, model: model)
            let reference = try Self.commandFit(command + strict, model: model)
            #expect(quick.converged && reference.converged, "\(command)")
            #expect(abs(reference.objective - quick.objective) <= 1e-6 * abs(reference.objective), "\(command): \(quick) vs \(reference)")
        }
        let rolls = Fixtures.path("hmm_casino.csv")
        func hmm(_ extra: [String]) throws -> (Double, Bool) {
            let result = try CommandRunner.run(["hmm", "fit", rolls, "--states", "2", "--emission", "categorical", "--format", "json"] + extra)
            #expect(result.status == 0, "\(result.standardError)")
            let record = try #require(try JSONDecoder().decode(HMMFile.self, from: Data(result.standardOutput.utf8)).fit)
            return (try #require(record.history.last), record.converged)
        }
        let (quick, converged) = try hmm([])
        let (reference, _) = try hmm(strict)
        #expect(converged && abs(reference - quick) <= 1e-6 * abs(reference))
    }

    /// Rows split into sequences where the `sequence` column changes.
    static func sequences(_ file: String, columns: [String]) throws -> SequenceDataset {
        let table = try CSVReader.read(path: Fixtures.path(file))
        let ids = try CSVReader.read(path: Fixtures.path(file), columns: [.name("sequence")]).samples
        var lengths: [Int] = []
        for i in 0..<ids.rowCount {
            if i > 0 && ids[i, 0] == ids[i - 1, 0] { lengths[lengths.count - 1] += 1 } else { lengths.append(1) }
        }
        let selected = try CSVReader.read(path: Fixtures.path(file), columns: columns.map { .name($0) }).samples
        #expect(selected.rowCount == table.samples.rowCount)
        return try SequenceDataset(try RowDataset(selected), lengths: lengths)
    }

    /// Five sequences of 300 rolls of the dishonest casino (fair die, and a loaded one showing 6
    /// half of the time; switching 0.05 and 0.1).
    static func casino() throws -> SequenceDataset {
        let truth = try CategoricalHMM(
            startProbabilities: [0.5, 0.5], transitionMatrix: Matrix(rows: [[0.95, 0.05], [0.1, 0.9]]),
            emission: CategoricalEmission(probabilities: Matrix(rows: [
                [1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6], [0.1, 0.1, 0.1, 0.1, 0.1, 0.5],
            ])))
        var generator = SeededGenerator(seed: 2026)
        var rows: [[Double]] = []
        for _ in 0..<5 { rows += truth.sample(length: 300, using: &generator).observations.rows }
        return try SequenceDataset(try RowDataset(Matrix(rows: rows)), lengths: Array(repeating: 300, count: 5))
    }

    @Test("HMMs: the dishonest casino (categorical), Gaussian, Poisson and Gaussian-mixture emissions")
    func hiddenMarkov() throws {
        let casino = try Self.casino()
        for squarem in [false, true] {
            let (quick, _) = try Self.expectDefaultsReachOptimum("casino squarem \(squarem)") { em in
                var options = CategoricalHMM.FitOptions(stateCount: 2)
                options.squarem = squarem
                options.em = em
                return try CategoricalHMM.fit(casino, options: options, symbolCount: 6)
            }
            // Not the uniform transitions of a fit stopped on the plateau.
            let a = quick.model.transitionMatrix
            #expect(a[0, 0] > 0.8 && a[1, 1] > 0.8, "transitions \(a.rows)")
        }
        // The demo's casino: one sequence of 2000 rolls, a start with uniform transitions on a plateau.
        var generator = SeededGenerator(seed: 0)
        let rolls = try SequenceDataset(try RowDataset(Datasets.dishonestCasino.sample(length: 2000, using: &generator).observations))
        let (demo, _) = try Self.expectDefaultsReachOptimum("demo casino") { em in
            var options = CategoricalHMM.FitOptions(stateCount: 2)
            options.em = em
            return try CategoricalHMM.fit(rolls, options: options, symbolCount: 6)
        }
        let switching = demo.model.transitionMatrix
        #expect(switching[0, 1] < 0.2 && switching[1, 0] < 0.2, "transitions \(switching.rows)")
        let gaussian = try Self.sequences("hmm_gaussian.csv", columns: ["x1", "x2"])
        let poisson = try Self.sequences("hmm_poisson.csv", columns: ["count"])
        let mixture = try Self.sequences("gmmhmm.csv", columns: ["x1", "x2"])
        for squarem in [false, true] {
            try Self.expectDefaultsReachOptimum("Gaussian HMM squarem \(squarem)") { em in
                var options = GaussianHMM.FitOptions(stateCount: 3)
                options.squarem = squarem
                options.em = em
                return try GaussianHMM.fit(gaussian, options: options, covarianceType: .full)
            }
            try Self.expectDefaultsReachOptimum("Poisson HMM squarem \(squarem)") { em in
                var options = PoissonHMM.FitOptions(stateCount: 2)
                options.squarem = squarem
                options.em = em
                return try PoissonHMM.fit(poisson, options: options)
            }
            try Self.expectDefaultsReachOptimum("Gaussian-mixture HMM squarem \(squarem)") { em in
                var options = GaussianMixtureHMM.FitOptions(stateCount: 2)
                options.squarem = squarem
                options.em = em
                return try GaussianMixtureHMM.fit(mixture, options: options, mixtureComponents: 2, covarianceType: .full)
            }
        }
    }
}
