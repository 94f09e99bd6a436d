import EMKit
import Foundation

/// `emkit bench --squarem`: E-steps and seconds for plain EM and SQUAREM to reach the same
/// log-likelihood on slow, overlapping problems of several model kinds, as a Markdown table.
///
/// For each problem SQUAREM runs to an estimated gap of 1e-10 (relative); plain EM then runs
/// from the same start until its log-likelihood first reaches SQUAREM's (tolerance 0), and is
/// timed again for exactly that many iterations. Seconds are medians of three runs.
enum SQUAREMBenchmark {
    struct Row {
        var problem: String
        var plainSteps: Int?
        var squaremSteps: Int
        var plainSeconds: Double?
        var squaremSeconds: Double
        var logLikelihood: Double
    }

    /// The median wall-clock seconds of three runs of `body`, and its last result.
    static func timed<R>(_ body: () throws -> R) rethrows -> (R, Double) {
        let clock = ContinuousClock()
        var seconds: [Double] = []
        var result: R?
        for _ in 0..<3 {
            let started = clock.now
            result = try body()
            seconds.append((clock.now - started).seconds)
        }
        // Three runs always leave a result.
        return (result.unsafelyUnwrapped, seconds.sorted()[1])
    }

    /// Plain EM and SQUAREM from `start` on `data`; plain EM stops after at most `limit` iterations.
    static func compare<Model: EMModel & ParameterVectorConvertible>(
        _ problem: String, data: Model.Dataset, start: Model, limit: Int, threads: Int?
    ) throws -> Row {
        let (fast, fastSeconds) = try timed {
            try ExpectationMaximization.fitSQUAREM(
                data, options: EMOptions(tolerance: 1e-10, maxIterations: 10_000, threadCount: threads)) { _, _ in start }
        }
        let long = try ExpectationMaximization.fit(data, options: EMOptions(tolerance: 0, maxIterations: limit, threadCount: threads)) { _, _ in start }
        var row = Row(
            problem: problem, plainSteps: nil, squaremSteps: fast.expectationSteps ?? 0, plainSeconds: nil,
            squaremSeconds: fastSeconds, logLikelihood: fast.objective)
        if let reached = long.history.firstIndex(where: { $0 >= fast.objective }) {
            row.plainSteps = reached + 1
            row.plainSeconds = try timed {
                try ExpectationMaximization.fit(data, options: EMOptions(tolerance: 0, maxIterations: reached, threadCount: threads)) { _, _ in start }
            }.1
        }
        return row
    }

    /// The problems, the comparisons and the table.
    static func run(threads: Int?) throws {
        var generator = SeededGenerator(seed: 2008)
        var rows: [Row] = []

        // Three heavily overlapping 2-D Gaussians.
        let gaussians = try GaussianMixture(
            weights: [0.4, 0.35, 0.25], means: Matrix(rows: [[0, 0], [1.2, 0.4], [0.3, 1.3]]),
            covariances: [Matrix.identity(2), Matrix(rows: [[1, 0.3], [0.3, 1]]), Matrix(rows: [[0.8, -0.2], [-0.2, 1.1]])],
            covarianceType: .full)
        let gaussianStart = try GaussianMixture(
            weights: [1.0 / 3, 1.0 / 3, 1.0 / 3], means: Matrix(rows: [[-0.5, -0.5], [1.5, 0], [0, 1.5]]),
            covariances: Array(repeating: Matrix.identity(2), count: 3), covarianceType: .full)
        rows.append(try compare(
            "Gaussian, 3 overlapping, 2-D full, N = 5,000",
            data: RowDataset(gaussians.sample(count: 5000, using: &generator).samples), start: gaussianStart, limit: 20_000,
            threads: threads))

        // Two nearly equal coins, 20 tosses per round.
        let coinRows = (0..<5000).map { _ -> [Double] in
            let p = generator.nextUnitInterval() < 0.5 ? 0.45 : 0.6
            return [Double((0..<20).filter { _ in generator.nextUnitInterval() < p }.count), 20]
        }
        let coinStart = try FiniteMixture<Binomial>(
            weights: [0.5, 0.5], components: [Binomial(probability: 0.3), Binomial(probability: 0.8)])
        rows.append(try compare(
            "binomial, coins p = 0.45 / 0.6, N = 5,000", data: RowDataset(Matrix(rows: coinRows)), start: coinStart,
            limit: 20_000, threads: threads))

        // Two overlapping gamma distributions, by EM-gradient.
        let gammaRows = (0..<5000).map { _ -> [Double] in
            let shape = generator.nextUnitInterval() < 0.4 ? 2.0 : 9.0
            let rate = shape == 2 ? 1.0 : 1.5
            // A gamma draw with integer shape: the sum of `shape` exponentials.
            return [(0..<Int(shape)).reduce(0) { sum, _ in sum - log(1 - generator.nextUnitInterval()) } / rate]
        }
        let gammaStart = try GammaMixture(weights: [0.5, 0.5], shapes: [1, 4], rates: [1, 1])
        rows.append(try compare(
            "gamma (EM-gradient), 2 overlapping, N = 5,000", data: RowDataset(Matrix(rows: gammaRows)), start: gammaStart,
            limit: 20_000, threads: threads))

        // The occasionally dishonest casino, 5,000 rolls.
        let casino = try CategoricalHMM(
            startProbabilities: [0.5, 0.5], transitionMatrix: Matrix(rows: [[0.95, 0.05], [0.1, 0.9]]),
            emission: CategoricalEmission(probabilities: Matrix(rows: [
                Array(repeating: 1.0 / 6, count: 6), [0.1, 0.1, 0.1, 0.1, 0.1, 0.5],
            ])))
        let rolls = casino.sample(length: 5000, using: &generator).observations
        let casinoStart = try CategoricalHMM(
            startProbabilities: [0.5, 0.5], transitionMatrix: Matrix(rows: [[0.8, 0.2], [0.2, 0.8]]),
            emission: CategoricalEmission(probabilities: Matrix(rows: [
                [0.2, 0.2, 0.15, 0.15, 0.15, 0.15], [0.15, 0.15, 0.15, 0.15, 0.2, 0.2],
            ])))
        rows.append(try compare(
            "categorical HMM, casino, T = 5,000", data: SequenceDataset(RowDataset(rolls)), start: casinoStart, limit: 20_000,
            threads: threads))

        print("| problem | E-steps, EM | E-steps, SQUAREM | ratio | seconds, EM | seconds, SQUAREM | ratio | log-likelihood per sample |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for row in rows {
            let plainSteps = row.plainSteps.map(String.init) ?? "> 20000"
            let stepRatio = row.plainSteps.map { Format.number(Double($0) / Double(row.squaremSteps), digits: 3) + "×" } ?? "—"
            let plainSeconds = row.plainSeconds.map { Format.number($0, digits: 3) } ?? "—"
            let timeRatio = row.plainSeconds.map { Format.number($0 / row.squaremSeconds, digits: 3) + "×" } ?? "—"
            print(
                "| \(row.problem) | \(plainSteps) | \(row.squaremSteps) | \(stepRatio) | \(plainSeconds) | "
                    + "\(Format.number(row.squaremSeconds, digits: 3)) | \(timeRatio) | \(Format.number(row.logLikelihood, digits: 10)) |")
        }
    }
}
