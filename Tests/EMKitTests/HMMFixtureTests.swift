import Foundation
import Testing

@testable import EMKit

/// Baum–Welch against hmmlearn 0.3.3 with its priors switched off (`Fixtures/make_hmm_fixtures.py`,
/// cross-checked there against a plain NumPy implementation), from identical initial parameters.
/// Tolerances: log-likelihood 1e-9 relative, parameters 1e-8; Viterbi and posterior paths exact.
@Suite("Hidden Markov models against hmmlearn")
struct HMMFixtureTests {
    struct File: Decodable {
        struct Parameters: Decodable {
            let startProbabilities: [Double]
            let transitionMatrix: [[Double]]
            let means: [[Double]]?
            let covariances: [[[Double]]]?
            let emissionProbabilities: [[Double]]?
            let rates: [[Double]]?
        }
        struct Iteration: Decodable {
            let iterations: Int
            let startProbabilities: [Double]
            let transitionMatrix: [[Double]]
            let means: [[Double]]?
            let covariances: [[[Double]]]?
            let emissionProbabilities: [[Double]]?
            let rates: [[Double]]?
            let logLikelihood: Double
            let meanLogLikelihood: Double
        }
        struct Viterbi: Decodable {
            let path: [Int]
            let logProbability: Double
        }
        struct Case: Decodable, CustomTestStringConvertible {
            let name: String
            let emission: String
            let covarianceType: String?
            let data: String
            let lengths: [Int]
            let states: Int
            let initial: Parameters
            let iterations: [Iteration]
            let logLikelihoodTrace: [Double]
            let viterbi: Viterbi
            let posteriorPath: [Int]
            var testDescription: String { name }
        }
        struct Textbook: Decodable {
            let startProbabilities: [Double]
            let transitionMatrix: [[Double]]
            let emissionProbabilities: [[Double]]
            let observations: [Int]
            let probabilityByHand: Double
            let logLikelihoodHmmlearn: Double
            let viterbi: Viterbi
        }
        let cases: [Case]
        let textbook: Textbook
    }

    static let file: File = Fixtures.decode(File.self, from: "hmm_fixtures.json")

    func check<E: HMMEmission>(
        _ fixture: File.Case, emission: (File.Parameters) throws -> E,
        emissionParameters: (E) -> [Double], expected: (File.Iteration) -> [Double]
    ) throws {
        let table = try CSVReader.read(path: Fixtures.path(fixture.data))
        let columns = table.columnNames.filter { $0 != "sequence" }
        let samples = try CSVReader.read(path: Fixtures.path(fixture.data), columns: columns.map { .name($0) }).samples
        let data = try SequenceDataset(try RowDataset(samples), lengths: fixture.lengths)
        let start = try HiddenMarkovModel(
            startProbabilities: fixture.initial.startProbabilities, transitionMatrix: Matrix(rows: fixture.initial.transitionMatrix),
            emission: emission(fixture.initial))
        let full = try HiddenMarkovModel<E>.fit(
            data, options: { var o = HiddenMarkovModel<E>.FitOptions(stateCount: fixture.states); o.em = EMOptions(tolerance: 0, maxIterations: 20); return o }(),
            from: start)
        // The whole per-iteration trace (total log-likelihood after 0…20 M-steps).
        for (t, value) in fixture.logLikelihoodTrace.enumerated() {
            expectClose(full.history[t] * Double(data.observationCount), value, relative: 1e-9, "\(fixture.name): trace \(t)")
        }
        for expectedIteration in fixture.iterations {
            var options = HiddenMarkovModel<E>.FitOptions(stateCount: fixture.states)
            options.em = EMOptions(tolerance: 0, maxIterations: expectedIteration.iterations)
            let fit = try HiddenMarkovModel<E>.fit(data, options: options, from: start)
            let label = "\(fixture.name) after \(expectedIteration.iterations)"
            expectClose(fit.logLikelihood, expectedIteration.meanLogLikelihood, relative: 1e-9, "\(label): log-likelihood")
            for (a, b) in zip(fit.model.startProbabilities, expectedIteration.startProbabilities) { expectClose(a, b, relative: 1e-8, "\(label): start") }
            for (a, b) in zip(fit.model.transitionMatrix.elements, expectedIteration.transitionMatrix.flatMap { $0 }) {
                expectClose(a, b, relative: 1e-8, "\(label): transition")
                if b == 0 { #expect(a == 0, "\(label): a forbidden transition stays zero") }
            }
            for (a, b) in zip(emissionParameters(fit.model.emission), expected(expectedIteration)) { expectClose(a, b, relative: 1e-8, "\(label): emission") }
        }
        let model = full.model
        let (path, logProbability) = try model.viterbi(data)
        #expect(path == fixture.viterbi.path)
        expectClose(logProbability, fixture.viterbi.logProbability, relative: 1e-9, "\(fixture.name): Viterbi log-probability")
        #expect(try model.posteriorStates(data) == fixture.posteriorPath)
        expectClose(try model.totalLogLikelihood(data), fixture.iterations.last?.logLikelihood ?? 0, relative: 1e-9, "\(fixture.name): score")
    }

    @Test("Baum–Welch iterates, Viterbi and posterior paths", arguments: file.cases)
    func matchesHmmlearn(_ fixture: File.Case) throws {
        switch fixture.emission {
        case "gaussian":
            let type = CovarianceType(rawValue: fixture.covarianceType ?? "full") ?? .full
            try check(
                fixture,
                emission: { p in
                    let covariances = (p.covariances ?? []).map { Matrix(rows: $0) }
                    return try GaussianEmission(
                        means: Matrix(rows: p.means ?? []), covariances: type == .tied ? [covariances[0]] : covariances,
                        covarianceType: type, regularization: 0)
                },
                emissionParameters: { $0.means.elements + $0.covariances.flatMap(\.elements) },
                expected: { ($0.means ?? []).flatMap { $0 } + ($0.covariances ?? []).flatMap { $0.flatMap { $0 } } })
        case "categorical":
            try check(
                fixture, emission: { try CategoricalEmission(probabilities: Matrix(rows: $0.emissionProbabilities ?? [])) },
                emissionParameters: { $0.probabilities.elements }, expected: { ($0.emissionProbabilities ?? []).flatMap { $0 } })
        case "poisson":
            try check(
                fixture, emission: { try PoissonEmission(rates: Matrix(rows: $0.rates ?? [])) },
                emissionParameters: { $0.rates.elements }, expected: { ($0.rates ?? []).flatMap { $0 } })
        default:
            Issue.record("unknown emission \(fixture.emission)")
        }
    }

    @Test("the textbook example: forward probability and Viterbi path computed by hand")
    func textbook() throws {
        let t = Self.file.textbook
        let model = try CategoricalHMM(
            startProbabilities: t.startProbabilities, transitionMatrix: Matrix(rows: t.transitionMatrix),
            emission: CategoricalEmission(probabilities: Matrix(rows: t.emissionProbabilities)))
        let data = try SequenceDataset(try RowDataset(Matrix(rows: t.observations.map { [Double($0)] })))
        let logLikelihood = try model.totalLogLikelihood(data)
        #expect(abs(exp(logLikelihood) - t.probabilityByHand) < 1e-7)
        expectClose(logLikelihood, t.logLikelihoodHmmlearn, relative: 1e-12, "log-likelihood")
        // score is per observation, on the scale of every other model's log-likelihood.
        expectClose(try model.score(data), t.logLikelihoodHmmlearn / Double(t.observations.count), relative: 1e-12, "score")
        let (path, logProbability) = try model.viterbi(data)
        #expect(path == t.viterbi.path)
        expectClose(logProbability, t.viterbi.logProbability, relative: 1e-12, "Viterbi")
    }

    @Test("a sequence of a million steps neither underflows nor overflows")
    func longSequence() throws {
        var generator = SeededGenerator(seed: 3)
        let (rolls, _) = Datasets.dishonestCasino.sample(length: 1_000_000, using: &generator)
        let data = try SequenceDataset(try RowDataset(rolls))
        let logLikelihood = try Datasets.dishonestCasino.totalLogLikelihood(data)
        #expect(logLikelihood.isFinite)
        // About the entropy of the rolls: between log 6 and the loaded die's entropy, per roll.
        #expect(logLikelihood / 1e6 < -1.5 && logLikelihood / 1e6 > -log(6.0) - 0.01)
    }
}

@Suite("Hidden Markov models")
struct HMMPropertyTests {
    @Test("the likelihood never decreases; restarts keep the best; a left-right model keeps its zeros")
    func properties() throws {
        var generator = SeededGenerator(seed: 12)
        let (rolls, _) = Datasets.dishonestCasino.sample(length: 3000, using: &generator)
        let data = try SequenceDataset(try RowDataset(rolls), lengths: [1000, 1500, 500])
        var options = CategoricalHMM.FitOptions(stateCount: 3)
        options.em = EMOptions(tolerance: 0, maxIterations: 40, restarts: 3, seed: 5)
        let fit = try CategoricalHMM.fit(data, options: options, symbolCount: 6)
        for t in 1..<fit.history.count { #expect(fit.history[t] >= fit.history[t - 1] - 1e-12) }
        #expect(fit.restarts.allSatisfy { $0.objective <= fit.objective })
        #expect(!fit.converged)
        // Left-right: state i moves only to i or i + 1.
        let leftRight = try CategoricalHMM(
            startProbabilities: [1, 0, 0], transitionMatrix: Matrix(rows: [[0.9, 0.1, 0], [0, 0.9, 0.1], [0, 0, 1]]),
            emission: CategoricalEmission(probabilities: Matrix(rows: [
                [0.3, 0.2, 0.1, 0.1, 0.1, 0.2], [0.1, 0.3, 0.2, 0.2, 0.1, 0.1], [0.1, 0.1, 0.1, 0.1, 0.1, 0.5],
            ])))
        var fixed = CategoricalHMM.FitOptions(stateCount: 3)
        fixed.settings.learned = [.transitions, .emissions]
        fixed.em = EMOptions(tolerance: 0, maxIterations: 10)
        let model = try CategoricalHMM.fit(data, options: fixed, from: leftRight).model
        #expect(model.transitionMatrix[1, 0] == 0 && model.transitionMatrix[2, 0] == 0 && model.transitionMatrix[2, 1] == 0)
        #expect(model.transitionMatrix[0, 2] == 0)
        #expect(model.startProbabilities == [1, 0, 0])
    }

    @Test("hostile observations are named")
    func hostile() throws {
        let model = Datasets.dishonestCasino
        let data = try SequenceDataset(try RowDataset(Matrix(rows: [[1], [7], [2]])))
        #expect(throws: EMError.invalidObservation(row: 1, reason: "symbols must be whole numbers from 0 to 5, got 7.0")) {
            try model.totalLogLikelihood(data)
        }
        #expect(throws: EMError.invalidParameter(name: "lengths", value: "a total of 4", expected: "lengths that add up to the 3 rows")) {
            try SequenceDataset(try RowDataset(Matrix(rows: [[1], [2], [2]])), lengths: [2, 2])
        }
    }
}

@Suite("emkit hmm", .serialized)
struct HMMCommandLineTests {
    @Test("fit from hmmlearn's start, then decode, score and sample")
    func endToEnd() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-hmm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixture = try #require(HMMFixtureTests.file.cases.first { $0.name == "gaussian-full" })
        let start = try GaussianHMM(
            startProbabilities: fixture.initial.startProbabilities, transitionMatrix: Matrix(rows: fixture.initial.transitionMatrix),
            emission: GaussianEmission(
                means: Matrix(rows: fixture.initial.means ?? []), covariances: (fixture.initial.covariances ?? []).map { Matrix(rows: $0) },
                covarianceType: .full))
        let initPath = directory.appendingPathComponent("init.json").path
        try FileAccess.writeAtomically(try HMMFile(start).encoded(), to: initPath)
        let modelPath = directory.appendingPathComponent("model.json").path
        let data = Fixtures.path("hmm_gaussian.csv")
        let fit = try CommandRunner.run([
            "hmm", "fit", data, "--states", "3", "--sequence-column", "sequence", "--init-from", initPath, "--regularization", "0",
            "--tolerance", "0", "--max-iterations", "20", "--format", "json", "--output", modelPath,
        ])
        #expect(fit.status == 0, "\(fit.standardError)")
        let file = try JSONDecoder().decode(HMMFile.self, from: Data(fit.standardOutput.utf8))
        expectClose(file.fit?.logLikelihood ?? 0, fixture.iterations.last?.meanLogLikelihood ?? 1, relative: 1e-9, "log-likelihood")
        #expect(file.columns == ["x1", "x2"] && file.kind == "hmm" && file.emission == "gaussian")
        let decoded = try CommandRunner.run(["hmm", "decode", modelPath, data, "--sequence-column", "sequence"])
        #expect(decoded.status == 0)
        #expect(decoded.standardOutput.split(separator: "\n").dropFirst().map { Int($0) ?? -1 } == fixture.viterbi.path)
        let lengths = directory.appendingPathComponent("lengths.txt").path
        try Data("120\n80\n100\n".utf8).write(to: URL(fileURLWithPath: lengths))
        let map = try CommandRunner.run(["hmm", "decode", modelPath, data, "--columns", "x1,x2", "--lengths", lengths, "--algorithm", "map"])
        #expect(map.standardOutput.split(separator: "\n").dropFirst().map { Int($0) ?? -1 } == fixture.posteriorPath)
        let score = try CommandRunner.run(["hmm", "score", modelPath, data, "--sequence-column", "sequence", "--format", "json"])
        #expect(score.standardOutput.hasPrefix("{\"logLikelihood\": -") && score.standardOutput.contains("\"samples\": 300}"))
        let sample = try CommandRunner.run(["hmm", "sample", modelPath, "--length", "4", "--seed", "2"])
        #expect(sample.status == 0 && sample.standardOutput.hasPrefix("x1,x2,state\n") && sample.standardOutput.split(separator: "\n").count == 5)
        let bad = try CommandRunner.run(["hmm", "fit", data, "--states", "3", "--sequence-column", "sequence", "--lengths", lengths])
        #expect(bad.status == 64 && bad.standardError.hasPrefix("Error: give either --sequence-column or --lengths, not both"))
    }

    @Test("hmm fit --prior default is MAP Baum–Welch with the data's Fraley–Raftery prior on the emissions")
    func prior() throws {
        let data = Fixtures.path("hmm_gaussian.csv")
        let fit = try CommandRunner.run([
            "hmm", "fit", data, "--states", "3", "--sequence-column", "sequence", "--prior", "default", "--accelerate", "none", "--format", "json",
        ])
        #expect(fit.status == 0, "\(fit.standardError)")
        let file = try JSONDecoder().decode(HMMFile.self, from: Data(fit.standardOutput.utf8))
        let record = try #require(file.fit)
        let samples = try CSVReader.read(path: data, columns: [.name("x1"), .name("x2")]).samples
        let sequences = try SequenceDataset(try RowDataset(samples), lengths: [120, 80, 100])
        var options = GaussianHMM.FitOptions(stateCount: 3)
        options.emissionPrior = try GaussianMixturePrior.fraleyRaftery(for: sequences.rows, componentCount: 3, covarianceType: .full)
        let library = try GaussianHMM.fit(sequences, options: options, covarianceType: .full, regularization: 0)
        expectClose(record.logPrior ?? 0, library.model.logPrior(), relative: 1e-12, "log-prior")
        expectClose(try #require(record.history.last), library.objective, relative: 1e-12, "log-posterior")
        let categorical = try CommandRunner.run([
            "hmm", "fit", Fixtures.path("hmm_casino.csv"), "--states", "2", "--emission", "categorical", "--prior", "default",
        ])
        #expect(categorical.status == 0 && categorical.standardOutput.contains("Log-prior: "), "\(categorical.standardError)")
        let priorFile = try CommandRunner.run([
            "hmm", "fit", Fixtures.path("hmm_casino.csv"), "--states", "2", "--emission", "categorical", "--prior", Fixtures.path("map_fixtures.json"),
        ])
        #expect(priorFile.status == 64 && priorFile.standardError.contains("a prior file describes a Gaussian prior"))
    }
}

@Suite("Gaussian-mixture HMM")
struct GaussianMixtureHMMTests {
    static func data() throws -> SequenceDataset {
        let samples = try CSVReader.read(path: Fixtures.path("hmm_gaussian.csv"), columns: [.name("x1"), .name("x2")]).samples
        return try SequenceDataset(try RowDataset(samples), lengths: [120, 80, 100])
    }

    @Test("with one component per state it is the Gaussian HMM, iterate for iterate", arguments: [CovarianceType.full, .diagonal])
    func reducesToGaussianHMM(_ type: CovarianceType) throws {
        let fixture = try #require(HMMFixtureTests.file.cases.first { $0.name == "gaussian-\(type.rawValue)" })
        let means = Matrix(rows: fixture.initial.means ?? [])
        let covariances = (fixture.initial.covariances ?? []).map { Matrix(rows: $0) }
        let gaussian = try GaussianHMM(
            startProbabilities: fixture.initial.startProbabilities, transitionMatrix: Matrix(rows: fixture.initial.transitionMatrix),
            emission: GaussianEmission(means: means, covariances: covariances, covarianceType: type))
        let mixtures = try (0..<3).map { s in
            try GaussianMixture(
                weights: [1], means: Matrix(rows: [means.row(s)]), covariances: [covariances[s]], covarianceType: type,
                fitSettings: .init(regularization: 0))
        }
        let mixtureHMM = try GaussianMixtureHMM(
            startProbabilities: fixture.initial.startProbabilities, transitionMatrix: Matrix(rows: fixture.initial.transitionMatrix),
            emission: GaussianMixtureEmission(mixtures: mixtures))
        var a = GaussianHMM.FitOptions(stateCount: 3)
        a.em = EMOptions(tolerance: 0, maxIterations: 10)
        var b = GaussianMixtureHMM.FitOptions(stateCount: 3)
        b.em = a.em
        let plain = try GaussianHMM.fit(try Self.data(), options: a, from: gaussian)
        let mixed = try GaussianMixtureHMM.fit(try Self.data(), options: b, from: mixtureHMM)
        for (x, y) in zip(plain.history, mixed.history) { expectClose(x, y, relative: 1e-12, "history") }
        for s in 0..<3 {
            for j in 0..<2 { expectClose(mixed.model.emission.mixtures[s].means[0, j], plain.model.emission.means[s, j], relative: 1e-10, "mean") }
        }
    }

    @Test("Baum–Welch with mixtures never lowers the likelihood; the model file round-trips")
    func monotoneAndFile() throws {
        var options = GaussianMixtureHMM.FitOptions(stateCount: 2)
        options.em = EMOptions(tolerance: 0, maxIterations: 25, seed: 3)
        let fit = try GaussianMixtureHMM.fit(try Self.data(), options: options, mixtureComponents: 2, covarianceType: .full)
        for t in 1..<fit.history.count { #expect(fit.history[t] >= fit.history[t - 1] - 1e-12) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-gmmhmm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("m.json").path
        try FileAccess.writeAtomically(try HMMFile(fit.model).encoded(), to: path)
        let loaded = try HMMFile.read(path: path).gaussianMixtureHMM(path: path)
        expectClose(try loaded.totalLogLikelihood(try Self.data()), try fit.model.totalLogLikelihood(try Self.data()), relative: 1e-12, "score")
    }
}

@Suite("HMM model files")
struct HMMFileTests {
    @Test("ragged or inconsistent HMM files are refused with the field named", arguments: [
        (#"{"format":"emkit-model","formatVersion":1,"kind":"hmm","emission":"gaussian","covarianceType":"full","stateCount":2,"dimension":2,"startProbabilities":[0.5,0.5],"transitionMatrix":[[0.9,0.1],[0.2]],"means":[[0,0],[1,1]],"covariances":[[[1,0],[0,1]],[[1,0],[0,1]]]}"#,
         "'startProbabilities' and 'transitionMatrix' must have 2 states"),
        (#"{"format":"emkit-model","formatVersion":1,"kind":"hmm","emission":"gaussian","covarianceType":"full","stateCount":2,"dimension":2,"startProbabilities":[0.5,0.5],"transitionMatrix":[[0.9,0.1],[0.2,0.8]],"means":[[0,0],[1]],"covariances":[[[1,0],[0,1]],[[1,0],[0,1]]]}"#,
         "means: row 2 has 1 values, expected 2"),
        (#"{"format":"emkit-model","formatVersion":1,"kind":"hmm","emission":"categorical","stateCount":2,"dimension":1,"startProbabilities":[0.5,0.5],"transitionMatrix":[[0.9,0.1],[0.2,0.8]],"emissionProbabilities":[[0.5,0.5],[1]]}"#,
         "emissionProbabilities: row 2 has 1 values, expected 2"),
    ] as [(String, String)])
    func ragged(_ json: String, _ reason: String) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-hmm-\(UUID().uuidString).json").path
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try HMMFile.read(path: path)
        #expect(throws: DataError.invalidModelFile(path: path, reason: reason)) {
            if file.emission == "gaussian" { _ = try file.gaussianHMM(path: path) } else { _ = try file.categoricalHMM(path: path) }
        }
    }
}
