import Testing

@testable import EMKit

/// Properties of the one EM loop, checked through Gaussian mixtures and a model of our own.
@Suite("EM engine")
struct EngineTests {
    /// Overlapping 3-D data: three clusters whose spread varies by seed.
    static func overlappingData(seed: UInt64, count: Int = 240) -> Matrix {
        var generator = SeededGenerator(seed: seed)
        var rows: [[Double]] = []
        for n in 0..<count {
            let c = Double(n % 3)
            rows.append([
                c * 1.5 + generator.nextStandardNormal(), c * c * 0.5 + generator.nextStandardNormal() * (1 + c / 2),
                generator.nextStandardNormal() * 0.3 + c,
            ])
        }
        return Matrix(rows: rows)
    }

    @Test("the log-likelihood never decreases", arguments: CovarianceType.allCases, [1, 2, 3] as [UInt64])
    func monotone(_ type: CovarianceType, seed: UInt64) throws {
        let data = Self.overlappingData(seed: seed)
        for initialization in [GaussianMixture.Initialization.kMeans, .randomResponsibilities, .randomFromData] {
            var options = GaussianMixture.FitOptions(componentCount: 4, covarianceType: type)
            options.initialization = initialization
            options.em = EMOptions(tolerance: 0, maxIterations: 40, seed: seed)
            let fit = try GaussianMixture.fit(RowDataset(data), options: options)
            #expect(fit.history.count == 41)
            for t in 1..<fit.history.count {
                #expect(fit.history[t] >= fit.history[t - 1] - 1e-12 * abs(fit.history[t - 1]), "iteration \(t)")
            }
            #expect(fit.warnings.isEmpty)
            #expect(fit.stopReason == .reachedIterationLimit)
            #expect(!fit.converged)
        }
    }

    @Test("hard EM never decreases the classification log-likelihood")
    func hardMonotone() throws {
        var options = GaussianMixture.FitOptions(componentCount: 3)
        options.settings.assignment = .hard
        options.em = EMOptions(tolerance: 0, maxIterations: 30, seed: 7)
        let fit = try GaussianMixture.fit(RowDataset(Self.overlappingData(seed: 9)), options: options)
        for t in 1..<fit.history.count { #expect(fit.history[t] >= fit.history[t - 1] - 1e-12) }
        // The hard objective never exceeds the soft log-likelihood of the same parameters.
        #expect(fit.logLikelihood <= (try fit.model.score(Self.overlappingData(seed: 9))))
    }

    @Test("the same seed gives the same bits on 1, 2 and 3 threads")
    func threadIndependence() throws {
        let data = try RowDataset(Self.overlappingData(seed: 4, count: 500), rowsPerChunk: 16)
        var results: [GaussianMixture] = []
        var histories: [[Double]] = []
        for threads in [1, 2, 3] {
            var options = GaussianMixture.FitOptions(componentCount: 3)
            options.em = EMOptions(tolerance: 0, maxIterations: 15, restarts: 2, seed: 11, threadCount: threads)
            let fit = try GaussianMixture.fit(data, options: options)
            results.append(fit.model)
            histories.append(fit.history)
        }
        for r in results.dropFirst() {
            #expect(r.weights == results[0].weights)
            #expect(r.means == results[0].means)
            #expect(r.covariances == results[0].covariances)
        }
        #expect(histories[1] == histories[0] && histories[2] == histories[0])
    }

    @Test("statistics merged from chunks equal one pass over all rows")
    func splitAndMerge() throws {
        let samples = Self.overlappingData(seed: 5, count: 301)
        let threeColumns = try GaussianMixture.fit(samples, componentCount: 3, em: EMOptions(maxIterations: 2)).model
        let whole = try ExpectationMaximization.expectation(threeColumns, on: RowDataset(samples, rowsPerChunk: 301))
        let pieces = try ExpectationMaximization.expectation(threeColumns, on: RowDataset(samples, rowsPerChunk: 7))
        expectClose(pieces.likelihood.logLikelihood, whole.likelihood.logLikelihood, relative: 1e-13, "log-likelihood")
        #expect(pieces.likelihood.sampleWeight == 301)
        let a = pieces.statistics.moments
        let b = whole.statistics.moments
        for i in a.weights.indices { expectClose(a.weights[i], b.weights[i], relative: 1e-12, "weight \(i)") }
        for i in a.means.indices { expectClose(a.means[i], b.means[i], relative: 1e-12, "mean \(i)") }
        for i in a.scatter.indices { expectClose(a.scatter[i], b.scatter[i], relative: 1e-11, "scatter \(i)") }
    }

    @Test("Chan's merge is exact for data far from the origin")
    func mergeFarFromOrigin() {
        // Two chunks of 1e9 + {1, 2, 3, 4}: the variance is 1.25 exactly.
        var left = GaussianMoments(groupCount: 1, dimension: 1, scatterShape: .diagonal)
        var a = ShiftedMomentAccumulator(shifts: [1e9], groupCount: 1, dimension: 1, scatterShape: .diagonal)
        for x in [1.0, 2.0] {
            a.weights[0] += 1
            a.firstMoments[0] += x
            a.secondMoments[0] += x * x
        }
        a.merge(into: &left)
        var right = GaussianMoments(groupCount: 1, dimension: 1, scatterShape: .diagonal)
        var b = ShiftedMomentAccumulator(shifts: [1e9], groupCount: 1, dimension: 1, scatterShape: .diagonal)
        for x in [3.0, 4.0] {
            b.weights[0] += 1
            b.firstMoments[0] += x
            b.secondMoments[0] += x * x
        }
        b.merge(into: &right)
        left.merge(right)
        #expect(left.weights == [4])
        #expect(left.means == [1e9 + 2.5])
        #expect(left.scatter == [5])
    }

    @Test("integer sample weights equal repeated rows")
    func weightsAreRepeats() throws {
        let samples = Self.overlappingData(seed: 6, count: 60)
        let weights = (0..<60).map { Double($0 % 3 + 1) }
        var repeatedRows: [[Double]] = []
        for n in 0..<60 { for _ in 0..<Int(weights[n]) { repeatedRows.append(samples.row(n)) } }
        let start = try GaussianMixture.fit(samples, componentCount: 2, em: EMOptions(maxIterations: 1)).model
        var options = GaussianMixture.FitOptions(componentCount: 2)
        options.initialization = .parameters(start)
        options.em = EMOptions(tolerance: 0, maxIterations: 10)
        let weighted = try GaussianMixture.fit(RowDataset(samples, sampleWeights: weights), options: options)
        let repeated = try GaussianMixture.fit(RowDataset(Matrix(rows: repeatedRows)), options: options)
        expectClose(weighted.logLikelihood, repeated.logLikelihood, relative: 1e-12, "log-likelihood")
        #expect(weighted.sampleWeight == 120)
        for (x, y) in zip(weighted.model.means.elements, repeated.model.means.elements) { expectClose(x, y, relative: 1e-10, "mean") }
    }

    @Test("restarts keep the best, and stop reasons are honest")
    func restartsAndStopReasons() throws {
        let data = Self.overlappingData(seed: 8)
        var options = GaussianMixture.FitOptions(componentCount: 4)
        options.initialization = .randomResponsibilities
        options.em = EMOptions(tolerance: 1e-6, maxIterations: 500, restarts: 4, seed: 3)
        let fit = try GaussianMixture.fit(RowDataset(data), options: options)
        #expect(fit.restarts.count == 4)
        #expect(fit.restarts.allSatisfy { $0.objective <= fit.objective })
        #expect(fit.restarts[fit.bestRestart].objective == fit.objective)
        #expect(fit.history.last == fit.objective)
        if case .converged(let iteration) = fit.stopReason {
            #expect(iteration == fit.iterations)
            #expect(fit.estimatedGap <= 1e-6 * max(1, abs(fit.objective)))
            #expect(fit.estimatedGap == StoppingRule.estimatedGap(history: fit.history))
        } else {
            Issue.record("expected convergence, got \(fit.stopReason)")
        }
        // The canonical order: weights descending.
        #expect(fit.model.weights == fit.model.weights.sorted(by: >))
    }

    @Test("the observer sees every iteration of every restart")
    func observer() throws {
        final class Log: @unchecked Sendable { var events: [EMProgress] = [] }
        let log = Log()
        var options = GaussianMixture.FitOptions(componentCount: 2)
        options.em = EMOptions(tolerance: 0, maxIterations: 3, restarts: 2)
        options.em.observer = { log.events.append($0) }
        _ = try GaussianMixture.fit(RowDataset(Self.overlappingData(seed: 1)), options: options)
        #expect(log.events.map(\.iteration) == [0, 1, 2, 3, 0, 1, 2, 3])
        #expect(log.events.map(\.restart) == [0, 0, 0, 0, 1, 1, 1, 1])
    }

    @Test("bad options are rejected by name")
    func badOptions() throws {
        let data = try RowDataset(Self.overlappingData(seed: 1))
        for (options, name) in [
            (EMOptions(tolerance: -1), "tolerance"), (EMOptions(maxIterations: -1), "maxIterations"),
            (EMOptions(restarts: 0), "restarts"), (EMOptions(threadCount: 0), "threadCount"),
        ] {
            var fitOptions = GaussianMixture.FitOptions(componentCount: 2)
            fitOptions.em = options
            #expect {
                try GaussianMixture.fit(data, options: fitOptions)
            } throws: { error in
                guard case EMError.invalidParameter(let parameter, _, _) = error else { return false }
                return parameter == name
            }
        }
    }
}

/// Dempster, Laird & Rubin's (1977) genetic-linkage example as a model of the user's own, written
/// only against the public protocol: 197 animals in four cells with probabilities
/// (½ + θ/4, (1 − θ)/4, (1 − θ)/4, θ/4). The first cell is split into a latent ½ part and a θ/4 part.
struct GeneticLinkage: EMModel {
    typealias Dataset = ArrayDataset<Double>
    var theta: Double

    struct Statistics: SufficientStatistics {
        var counts = [Double](repeating: 0, count: 5)  // x₁ split into (½, θ/4) parts, then x₂, x₃, x₄
        mutating func merge(_ other: Statistics) { for i in 0..<5 { counts[i] += other.counts[i] } }
    }

    func emptyStatistics() -> Statistics { Statistics() }

    func accumulate(_ chunk: ArraySlice<Double>, into statistics: inout Statistics) throws -> ChunkLikelihood {
        let x = Array(chunk)
        let probabilities = [0.5 + theta / 4, (1 - theta) / 4, (1 - theta) / 4, theta / 4]
        let thetaShare = (theta / 4) / (0.5 + theta / 4)
        statistics.counts[0] += x[0] * (1 - thetaShare)
        statistics.counts[1] += x[0] * thetaShare
        statistics.counts[2] += x[1]
        statistics.counts[3] += x[2]
        statistics.counts[4] += x[3]
        let logLikelihood = zip(x, probabilities).reduce(0) { $0 + $1.0 * _log($1.1) }
        return ChunkLikelihood(logLikelihood: logLikelihood, sampleWeight: x.reduce(0, +))
    }

    func maximized(from s: Statistics) throws -> GeneticLinkage {
        let c = s.counts
        return GeneticLinkage(theta: (c[1] + c[4]) / (c[1] + c[2] + c[3] + c[4]))
    }
}

@Suite("A model of one's own")
struct CustomModelTests {
    @Test("genetic linkage reaches θ̂ = 0.626821497871")
    func geneticLinkage() throws {
        let fit = try ExpectationMaximization.fit(
            ArrayDataset([125, 18, 20, 34], chunkSize: 4), options: EMOptions(tolerance: 0, maxIterations: 40)
        ) { _, _ in GeneticLinkage(theta: 0.5) }
        // EM converges linearly (rate ≈ 0.13 here): 40 steps reach the fixed point to rounding.
        #expect(abs(fit.model.theta - 0.626821497871) < 1e-12)
        #expect(fit.stopReason == .reachedIterationLimit)
        // With the default tolerance on the log-likelihood it stops early but close.
        let early = try ExpectationMaximization.fit(ArrayDataset([125, 18, 20, 34])) { _, _ in GeneticLinkage(theta: 0.5) }
        #expect(early.converged)
        #expect(abs(early.model.theta - 0.626821497871) < 5e-3)
        // DLR's table: θ after one step from 0.5 is 0.608247422680.
        let one = try ExpectationMaximization.fit(
            ArrayDataset([125, 18, 20, 34]), options: EMOptions(tolerance: 0, maxIterations: 1)
        ) { _, _ in GeneticLinkage(theta: 0.5) }
        #expect(abs(one.model.theta - 0.608247422680) < 1e-11)
    }
}

/// Deliberately faulty models: the engine's failure paths fire, instead of passing off a wrong
/// answer.
@Suite("The engine's failure paths")
struct FailurePathTests {
    /// The genetic-linkage model with an M-step that overshoots past the optimum, so the
    /// log-likelihood falls: not EM, and the engine must say so.
    struct Overshooting: EMModel {
        typealias Dataset = ArrayDataset<Double>
        var inner: GeneticLinkage
        func emptyStatistics() -> GeneticLinkage.Statistics { inner.emptyStatistics() }
        func accumulate(_ chunk: ArraySlice<Double>, into statistics: inout GeneticLinkage.Statistics) throws -> ChunkLikelihood {
            try inner.accumulate(chunk, into: &statistics)
        }
        func maximized(from statistics: GeneticLinkage.Statistics) throws -> Overshooting {
            let step = try inner.maximized(from: statistics).theta - inner.theta
            return Overshooting(inner: GeneticLinkage(theta: min(0.999, max(0.001, inner.theta + 3 * step))))
        }
    }

    /// A model whose E-step reports NaN for its log-likelihood.
    struct NaNLikelihood: EMModel {
        typealias Dataset = ArrayDataset<Double>
        func emptyStatistics() -> GeneticLinkage.Statistics { GeneticLinkage.Statistics() }
        func accumulate(_ chunk: ArraySlice<Double>, into statistics: inout GeneticLinkage.Statistics) throws -> ChunkLikelihood {
            ChunkLikelihood(logLikelihood: .nan, sampleWeight: Double(chunk.count))
        }
        func maximized(from statistics: GeneticLinkage.Statistics) throws -> NaNLikelihood { self }
    }

    @Test("an M-step that lowers the log-likelihood is reported as a decrease, with its iteration")
    func decrease() throws {
        let fit = try ExpectationMaximization.fit(
            ArrayDataset([125, 18, 20, 34]), options: EMOptions(tolerance: 0, maxIterations: 20)
        ) { _, _ in Overshooting(inner: GeneticLinkage(theta: 0.3)) }
        let decreases = fit.warnings.compactMap { warning -> Int? in
            if case .logLikelihoodDecreased(_, let iteration, let from, let to) = warning, to < from { return iteration }
            return nil
        }
        #expect(!decreases.isEmpty, "\(fit.warnings)")
    }

    @Test("a NaN log-likelihood stops the fit with an error, never a result")
    func notANumber() {
        #expect {
            try ExpectationMaximization.fit(ArrayDataset([1, 2, 3]), options: EMOptions(maxIterations: 5)) { _, _ in NaNLikelihood() }
        } throws: { error in
            guard case EMError.nonFiniteResult = error else { return false }
            return true
        }
    }

    @Test("a row impossible under every component is an error naming the row")
    func impossibleRow() throws {
        // Two Bernoulli components that are certain of feature 1; a row without it has
        // probability 0 under both.
        let mixture = try BernoulliMixture(
            weights: [0.5, 0.5], components: [try Bernoulli(probabilities: [1, 0.5]), try Bernoulli(probabilities: [1, 0.2])])
        var statistics = mixture.emptyStatistics()
        let data = try RowDataset(Matrix(rows: [[1, 0], [0, 1]]))
        #expect(throws: EMError.impossibleSample(row: 1)) { try mixture.accumulate(data.chunk(at: 0), into: &statistics) }
    }
}

/// One fit API: every mixture fits through `FittableModel` with `componentCount` and the shared
/// `em` settings, and reports its log-likelihood per sample (what `score` computes).
@Suite("One fit API")
struct FittableModelTests {
    static func fit<Model: FittableModel & Mixture>(
        _ type: Model.Type, _ data: Matrix, _ configure: (inout Model.FitOptions) -> Void = { _ in }
    ) throws -> EMResult<Model> where Model.Dataset == RowDataset {
        var options = try #require(Self.options(for: type))
        options.em.seed = 3
        options.em.maxIterations = 40
        configure(&options)
        let fit = try Model.fit(try RowDataset(data), options: options)
        #expect(fit.model.componentCount == 2)
        expectClose(fit.logLikelihood, try fit.model.score(data), relative: 1e-10, "\(type): per-sample log-likelihood")
        return fit
    }

    static func options<Model: FittableModel>(for type: Model.Type) -> Model.FitOptions? {
        switch type {
        case is GaussianMixture.Type: return GaussianMixture.FitOptions(componentCount: 2) as? Model.FitOptions
        case is StudentTMixture.Type: return StudentTMixture.FitOptions(componentCount: 2) as? Model.FitOptions
        case is GammaMixture.Type: return GammaMixture.FitOptions(componentCount: 2) as? Model.FitOptions
        case is PoissonMixture.Type: return PoissonMixture.FitOptions(componentCount: 2) as? Model.FitOptions
        default: return nil
        }
    }

    @Test("Gaussian, Student-t, gamma and Poisson mixtures through one generic call")
    func everyMixture() throws {
        let faithful = try Fixtures.csv("faithful")
        _ = try Self.fit(GaussianMixture.self, faithful)
        _ = try Self.fit(StudentTMixture.self, faithful)
        _ = try Self.fit(GammaMixture.self, Matrix(rowCount: faithful.rowCount, columnCount: 1, elements: (0..<faithful.rowCount).map { faithful[$0, 1] }))
        _ = try Self.fit(PoissonMixture.self, try Fixtures.csv("poisson"))
        let kMeans = try KMeans.fit(try RowDataset(faithful), options: KMeans.FitOptions(componentCount: 2))
        #expect(kMeans.model.clusterCount == 2)
    }

    /// Any model through the protocol alone.
    static func fitGenerically<Model: FittableModel>(_ type: Model.Type, _ data: Model.Dataset, _ options: Model.FitOptions) throws -> EMResult<Model> {
        try Model.fit(data, options: options)
    }

    @Test("hidden Markov models of every emission family fit through the same call; options.start is fit(from:)")
    func everyHMM() throws {
        let counts = try CSVReader.read(path: Fixtures.path("hmm_negative_binomial.csv"), columns: [.name("count")]).samples
        let sequences = try SequenceDataset(try RowDataset(counts), lengths: [200, 200, 200])
        var options = NegativeBinomialHMM.FitOptions(stateCount: 2)
        options.em.seed = 4
        let negativeBinomial = try Self.fitGenerically(NegativeBinomialHMM.self, sequences, options)
        #expect(negativeBinomial.model.stateCount == 2 && negativeBinomial.converged)
        var poissonOptions = PoissonHMM.FitOptions(stateCount: 2)
        poissonOptions.componentCount = 3
        #expect(try Self.fitGenerically(PoissonHMM.self, sequences, poissonOptions).model.stateCount == 3)
        var gaussianOptions = GaussianHMM.FitOptions(stateCount: 2)
        gaussianOptions.emission.covarianceType = .spherical
        #expect(try Self.fitGenerically(GaussianHMM.self, sequences, gaussianOptions).model.emission.covarianceType == .spherical)
        var categoricalOptions = CategoricalHMM.FitOptions(stateCount: 2)
        categoricalOptions.emission.symbolCount = 80
        let symbols = try SequenceDataset(try RowDataset(Matrix(rowCount: 600, columnCount: 1, elements: counts.elements.map { min($0, 70) })))
        #expect(try Self.fitGenerically(CategoricalHMM.self, symbols, categoricalOptions).model.emission.symbolCount == 80)
        // A given start: the same as fit(from:).
        options.start = negativeBinomial.model
        options.em.maxIterations = 3
        let restarted = try Self.fitGenerically(NegativeBinomialHMM.self, sequences, options)
        let explicit = try NegativeBinomialHMM.fit(sequences, options: options, from: negativeBinomial.model)
        #expect(restarted.history == explicit.history)
    }
}
