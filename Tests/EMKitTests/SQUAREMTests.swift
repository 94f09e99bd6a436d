import Testing

@testable import EMKit

/// SQUAREM acceleration (Varadhan & Roland 2008) through the engine.
@Suite("SQUAREM")
struct SQUAREMTests {
    /// Three heavily overlapping components: plain EM crawls here.
    static func overlapping() throws -> (RowDataset, GaussianMixture) {
        let truth = try GaussianMixture(
            weights: [0.4, 0.35, 0.25], means: Matrix(rows: [[0, 0], [1.2, 0.4], [0.3, 1.3]]),
            covariances: [Matrix.identity(2), Matrix(rows: [[1, 0.3], [0.3, 1]]), Matrix(rows: [[0.8, -0.2], [-0.2, 1.1]])],
            covarianceType: .full)
        var generator = SeededGenerator(seed: 17)
        let samples = truth.sample(count: 1500, using: &generator).samples
        let start = try GaussianMixture(
            weights: [1.0 / 3, 1.0 / 3, 1.0 / 3], means: Matrix(rows: [[-0.5, -0.5], [1.5, 0], [0, 1.5]]),
            covariances: Array(repeating: Matrix.identity(2), count: 3), covarianceType: .full)
        return (try RowDataset(samples), start)
    }

    @Test("reaches plain EM's optimum with at least 3× fewer E-steps, never lowering the likelihood")
    func fewerSteps() throws {
        let (data, start) = try Self.overlapping()
        var options = GaussianMixture.FitOptions(componentCount: 3)
        options.initialization = .parameters(start)
        options.em = EMOptions(tolerance: 1e-10, maxIterations: 20000)
        let plain = try GaussianMixture.fit(data, options: options)
        options.squarem = true
        options.em.maxIterations = 5000
        let accelerated = try GaussianMixture.fit(data, options: options)
        #expect(plain.converged && accelerated.converged)
        #expect(abs(accelerated.logLikelihood - plain.logLikelihood) < 1e-7, "\(accelerated.logLikelihood) vs \(plain.logLikelihood)")
        let plainSteps = plain.iterations + 1
        let acceleratedSteps = try #require(accelerated.expectationSteps)
        #expect(plainSteps >= 3 * acceleratedSteps, "plain \(plainSteps) E-steps, SQUAREM \(acceleratedSteps)")
        for t in 1..<accelerated.history.count {
            #expect(accelerated.history[t] >= accelerated.history[t - 1] - 1e-12 * abs(accelerated.history[t - 1]))
        }
        #expect(accelerated.warnings.isEmpty)
    }

    @Test("emkit fit --accelerate squarem")
    func commandLine() throws {
        let result = try CommandRunner.run(["fit", Fixtures.path("iris.csv"), "--columns", "1,2,3,4", "-k", "3", "--accelerate", "squarem", "--tolerance", "1e-8"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("Converged after"))
    }

    @Test("parameter vectors round-trip; invalid ones are refused")
    func vectors() throws {
        let model = Datasets.seed004Mixture
        let vector = model.parameterVector
        let back = try #require(model.replacingParameters(with: vector))
        for (a, b) in zip(back.parameterVector, vector) { #expect(abs(a - b) < 1e-15) }
        var negativeWeight = vector
        negativeWeight[0] = -0.1
        #expect(model.replacingParameters(with: negativeWeight) == nil)
        var singular = vector
        singular[3 + 6] = -1  // the first covariance's (0, 0) entry
        #expect(model.replacingParameters(with: singular) == nil)
    }

    /// E-steps of plain EM until its objective (`history`) first reaches `target`.
    static func plainSteps(to target: Double, history: [Double]) -> Int? {
        history.firstIndex { $0 >= target }.map { $0 + 1 }
    }

    @Test("any model with a parameter vector: a binomial mixture and a categorical HMM reach plain EM's log-likelihood in fewer E-steps")
    func otherModels() throws {
        // Two nearly equal coins: a slow, overlapping binomial mixture.
        var generator = SeededGenerator(seed: 5)
        let rows = (0..<2000).map { _ -> [Double] in
            let p = Double.random(in: 0..<1, using: &generator) < 0.5 ? 0.45 : 0.6
            let heads = (0..<20).reduce(0) { count, _ in count + (Double.random(in: 0..<1, using: &generator) < p ? 1 : 0) }
            return [Double(heads), 20]
        }
        let coins = try RowDataset(Matrix(rows: rows))
        var options = FiniteMixture<Binomial>.FitOptions(componentCount: 2)
        options.em = EMOptions(tolerance: 1e-11, maxIterations: 5000)
        options.squarem = true
        let fast = try FiniteMixture<Binomial>.fit(coins, options: options)
        options.squarem = false
        options.em = EMOptions(tolerance: 0, maxIterations: 3000)  // measured: plain needs 962 E-steps, SQUAREM 89
        let plain = try FiniteMixture<Binomial>.fit(coins, options: options)
        let coinSteps = try #require(fast.expectationSteps)
        let coinPlain = try #require(Self.plainSteps(to: fast.logLikelihood, history: plain.history))
        #expect(fast.converged && fast.warnings.isEmpty)
        #expect(coinPlain >= 3 * coinSteps, "binomial: plain \(coinPlain) E-steps, SQUAREM \(coinSteps)")
        for (before, after) in zip(fast.history, fast.history.dropFirst()) { #expect(after >= before - 1e-12 * abs(before)) }

        // The occasionally dishonest casino.
        let rolls = try CSVReader.read(path: Fixtures.path("hmm_casino.csv")).samples
        let casino = try SequenceDataset(try RowDataset(rolls))
        var hmm = CategoricalHMM.FitOptions(stateCount: 2)
        hmm.em = EMOptions(tolerance: 1e-10, maxIterations: 5000)
        hmm.squarem = true
        let fastHMM = try CategoricalHMM.fit(casino, options: hmm)
        hmm.squarem = false
        hmm.em = EMOptions(tolerance: 0, maxIterations: 4000)  // measured: plain needs 2,628 E-steps, SQUAREM 163
        let plainHMM = try CategoricalHMM.fit(casino, options: hmm)
        let hmmSteps = try #require(fastHMM.expectationSteps)
        let hmmPlain = try #require(Self.plainSteps(to: fastHMM.logLikelihood, history: plainHMM.history))
        #expect(fastHMM.converged && fastHMM.warnings.isEmpty)
        #expect(hmmPlain >= 3 * hmmSteps, "HMM: plain \(hmmPlain) E-steps, SQUAREM \(hmmSteps)")
        for (before, after) in zip(fastHMM.history, fastHMM.history.dropFirst()) { #expect(after >= before - 1e-12 * abs(before)) }
    }
}
