import Foundation
import Testing

@testable import EMKit

@Suite("Missing data")
struct MissingDataTests {
    /// Correlated 3-D data from a known mixture, with entries removed completely at random.
    static func incomplete(count: Int, missingRate: Double, seed: UInt64) throws -> (complete: Matrix, incomplete: Matrix) {
        let truth = try GaussianMixture(
            weights: [0.6, 0.4], means: Matrix(rows: [[0, 0, 0], [4, 3, -2]]),
            covariances: [
                Matrix(rows: [[1, 0.8, 0.5], [0.8, 1.5, 0.3], [0.5, 0.3, 1]]),
                Matrix(rows: [[1.2, -0.6, 0.2], [-0.6, 1, 0], [0.2, 0, 0.8]]),
            ], covarianceType: .full)
        var generator = SeededGenerator(seed: seed)
        let complete = truth.sample(count: count, using: &generator).samples
        var incomplete = complete
        for n in 0..<count {
            for j in 0..<3 where generator.nextUnitInterval() < missingRate { incomplete[n, j] = .nan }
            if (0..<3).allSatisfy({ incomplete[n, $0].isNaN }) { incomplete[n, 0] = complete[n, 0] }
        }
        return (complete, incomplete)
    }

    @Test("the bivariate monotone pattern reaches Anderson's closed-form maximum")
    func monotone() throws {
        var generator = SeededGenerator(seed: 31)
        let n = 300
        var rows: [[Double]] = []
        for _ in 0..<n {
            let a = generator.nextStandardNormal()
            let b = generator.nextStandardNormal()
            rows.append([1 + 2 * a, -2 + 0.6 * a + 0.8 * b])
        }
        let complete = 180  // y2 missing in the last 120 rows
        var data = Matrix(rows: rows)
        for i in complete..<n { data[i, 1] = .nan }
        // Closed form (Anderson 1957; Little & Rubin, ch. 7), computed directly from the rows.
        let y1All = (0..<n).map { rows[$0][0] }
        let mu1 = y1All.reduce(0, +) / Double(n)
        let s11All = y1All.reduce(0) { $0 + ($1 - mu1) * ($1 - mu1) } / Double(n)
        let y1c = (0..<complete).map { rows[$0][0] }
        let y2c = (0..<complete).map { rows[$0][1] }
        let m1c = y1c.reduce(0, +) / Double(complete)
        let m2c = y2c.reduce(0, +) / Double(complete)
        let s11c = y1c.reduce(0) { $0 + ($1 - m1c) * ($1 - m1c) } / Double(complete)
        let s12c = zip(y1c, y2c).reduce(0) { $0 + ($1.0 - m1c) * ($1.1 - m2c) } / Double(complete)
        let s22c = y2c.reduce(0) { $0 + ($1 - m2c) * ($1 - m2c) } / Double(complete)
        let beta = s12c / s11c
        let residual = s22c - beta * s12c
        let mu2 = m2c + beta * (mu1 - m1c)
        let sigma12 = beta * s11All
        let sigma22 = residual + beta * beta * s11All

        var options = GaussianMixture.FitOptions(componentCount: 1)
        options.settings.regularization = 0
        options.em = EMOptions(tolerance: 0, maxIterations: 400)
        let fit = try GaussianMixture.fit(RowDataset(data, missingValues: .allowed), options: options)
        let sigma = fit.model.covariance(ofComponent: 0)
        #expect(abs(fit.model.means[0, 0] - mu1) < 1e-10)
        #expect(abs(fit.model.means[0, 1] - mu2) < 1e-9)
        #expect(abs(sigma[0, 0] - s11All) < 1e-9)
        #expect(abs(sigma[0, 1] - sigma12) < 1e-9)
        #expect(abs(sigma[1, 1] - sigma22) < 1e-9)
        for t in 1..<fit.history.count { #expect(fit.history[t] >= fit.history[t - 1] - 1e-13) }
    }

    @Test("complete data allowed to have holes give the plain fit, bit for bit")
    func completeDataUnchanged() throws {
        let (complete, _) = try Self.incomplete(count: 400, missingRate: 0, seed: 2)
        var options = GaussianMixture.FitOptions(componentCount: 2)
        options.em = EMOptions(tolerance: 0, maxIterations: 10, seed: 4)
        let plain = try GaussianMixture.fit(RowDataset(complete), options: options)
        let allowing = try GaussianMixture.fit(RowDataset(complete, missingValues: .allowed), options: options)
        #expect(plain.history == allowing.history)
        #expect(plain.model.means == allowing.model.means)
    }

    @Test("the observed-data log-likelihood never decreases", arguments: CovarianceType.allCases)
    func monotoneLikelihood(_ type: CovarianceType) throws {
        let (_, incomplete) = try Self.incomplete(count: 500, missingRate: 0.3, seed: 3)
        var options = GaussianMixture.FitOptions(componentCount: 2, covarianceType: type)
        options.em = EMOptions(tolerance: 0, maxIterations: 30, seed: 1)
        let fit = try GaussianMixture.fit(RowDataset(incomplete, missingValues: .allowed), options: options)
        for t in 1..<fit.history.count { #expect(fit.history[t] >= fit.history[t - 1] - 1e-12 * abs(fit.history[t])) }
        #expect(fit.warnings.isEmpty)
    }

    @Test("imputation beats column means, keeps observed values, and multiple imputation is seeded")
    func imputation() throws {
        let (complete, incomplete) = try Self.incomplete(count: 2000, missingRate: 0.25, seed: 5)
        var options = GaussianMixture.FitOptions(componentCount: 2)
        options.em = EMOptions(restarts: 2, seed: 2)
        let model = try GaussianMixture.fit(RowDataset(incomplete, missingValues: .allowed), options: options).model
        let imputed = try model.imputed(incomplete)
        let means = (0..<3).map { j in
            let values = (0..<2000).map { incomplete[$0, j] }.filter { !$0.isNaN }
            return values.reduce(0, +) / Double(values.count)
        }
        var mixtureError = 0.0
        var meanError = 0.0
        var holes = 0
        for n in 0..<2000 {
            for j in 0..<3 {
                if incomplete[n, j].isNaN {
                    holes += 1
                    mixtureError += (imputed[n, j] - complete[n, j]) * (imputed[n, j] - complete[n, j])
                    meanError += (means[j] - complete[n, j]) * (means[j] - complete[n, j])
                } else {
                    #expect(imputed[n, j] == incomplete[n, j])
                }
            }
        }
        #expect(holes > 1000)
        #expect((mixtureError / Double(holes)).squareRoot() < 0.7 * (meanError / Double(holes)).squareRoot())
        var a = SeededGenerator(seed: 9)
        var b = SeededGenerator(seed: 9)
        let first = try model.imputations(incomplete, count: 2, using: &a)
        let second = try model.imputations(incomplete, count: 2, using: &b)
        #expect(first[0] == second[0] && first[1] == second[1])
        #expect(first[0] != first[1])
        #expect(first[0].elements.allSatisfy { $0.isFinite })
    }

    @Test("estimates approach the truth as N grows")
    func consistency() throws {
        func meanError(_ count: Int) throws -> Double {
            let (_, incomplete) = try Self.incomplete(count: count, missingRate: 0.3, seed: 11)
            var options = GaussianMixture.FitOptions(componentCount: 2)
            options.em = EMOptions(restarts: 2, seed: 3)
            let model = try GaussianMixture.fit(RowDataset(incomplete, missingValues: .allowed), options: options).model
            let truth = [[0.0, 0, 0], [4, 3, -2]]
            let p = matchComponents(observed: model.means.rows, expected: truth)
            return (0..<2).reduce(0.0) { sum, c in
                sum + (0..<3).reduce(0.0) { $0 + abs(model.means[p[c], $1] - truth[c][$1]) }
            }
        }
        let small = try meanError(300)
        let large = try meanError(12000)
        #expect(large < small)
        #expect(large < 0.12)
    }

    @Test("empty rows are counted, an empty column is an error, infinities are errors")
    func hostile() throws {
        var data = Matrix(rows: [[1, 2], [.nan, .nan], [3, .nan], [2, 5], [4, 1]])
        let dataset = try RowDataset(data, missingValues: .allowed)
        #expect(dataset.emptyRowCount == 1 && dataset.hasMissingValues)
        data[0, 1] = .infinity
        #expect(throws: EMError.nonFiniteValue(row: 0, column: 1, value: .infinity)) {
            try RowDataset(data, missingValues: .allowed)
        }
        #expect(throws: EMError.columnAllMissing(column: 1)) {
            try RowDataset(Matrix(rows: [[1, .nan], [2, .nan]]), missingValues: .allowed)
        }
        #expect { try RowDataset(Matrix(rows: [[1, .nan]])) } throws: { error in
            "\(error)" == "data row 1, column 2 is nan: remove or impute missing values before fitting"
        }
    }
}

@Suite("Predicting and scoring rows with holes")
struct IncompleteRowPredictionTests {
    @Test("a missing value is marginalised: the row's density is its observed values' (closed form)")
    func marginalDensity() throws {
        // One 2-D component, Σ = [[4, 1.2], [1.2, 1]]: x₂ alone is 𝒩(μ₂ = −1, 1).
        let single = try GaussianMixture(
            weights: [1], means: Matrix(rows: [[2, -1]]), covariances: [Matrix(rows: [[4, 1.2], [1.2, 1]])], covarianceType: .full)
        let x2 = 0.5
        let expected = -0.5 * log(2 * Double.pi) - 0.5 * (x2 + 1) * (x2 + 1)
        let logLikelihoods = try single.logLikelihoods(Matrix(rows: [[.nan, x2], [2, -1]]))
        #expect(abs(logLikelihoods[0] - expected) < 1e-12)
        // The complete row goes through the block kernels: −log(2π) − ½ log|Σ|.
        #expect(abs(logLikelihoods[1] - (-log(2 * Double.pi) - 0.5 * log(4 - 1.44))) < 1e-12)
        #expect(throws: EMError.self) { try single.score(Matrix(rows: [[.nan, .nan]])) }
        #expect(throws: EMError.self) { try single.score(Matrix(rows: [[.infinity, 1]])) }
    }

    @Test("score on data with holes is the fit's observed-data log-likelihood, in the library and from emkit score")
    func scoreMatchesFit() throws {
        let table = try CSVReader.read(path: Fixtures.path("airquality.csv"), missingMarkers: CSVFormat.defaultMissingMarkers)
        var options = GaussianMixture.FitOptions(componentCount: 2)
        options.em.seed = 3
        let fit = try GaussianMixture.fit(RowDataset(table.samples, missingValues: .allowed), options: options)
        #expect(abs(try fit.model.score(table.samples) - fit.logLikelihood) < 1e-10 * abs(fit.logLikelihood))
        let probabilities = try fit.model.predictProbabilities(table.samples)
        for n in 0..<probabilities.rowCount { #expect(abs(probabilities.row(n).reduce(0, +) - 1) < 1e-12) }
        // The same from the command line.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-holes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("aq.json").path
        try FileAccess.writeAtomically(try GaussianMixtureFile(fit.model, columns: table.columnNames).encoded(), to: model)
        let score = try CommandRunner.run(["score", model, Fixtures.path("airquality.csv"), "--format", "json"])
        #expect(score.status == 0, "\(score.standardError)")
        let printed = try #require(score.standardOutput.split(separator: ":").dropFirst().first.flatMap { Double($0.split(separator: ",")[0].trimmingCharacters(in: .whitespaces)) })
        #expect(abs(printed - fit.logLikelihood) < 1e-10 * abs(fit.logLikelihood))
        let predicted = try CommandRunner.run(["predict", model, Fixtures.path("airquality.csv")])
        #expect(predicted.status == 0)
        #expect(predicted.standardOutput.split(separator: "\n").count == 154)
    }
}
