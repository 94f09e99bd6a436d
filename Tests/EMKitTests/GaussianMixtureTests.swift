import Testing

@testable import EMKit

@Suite("Gaussian mixture")
struct GaussianMixtureTests {
    @Test("Old Faithful waiting times: the published mixtools fit with equal variances")
    func oldFaithful() throws {
        // normalmixEM(faithful$waiting, arbvar = FALSE): λ 0.36085/0.63915, μ 54.61364/80.09031,
        // σ 5.86909, log-likelihood −1034.002 (mixtools documentation; reproduced with R by the fixture script's author).
        let waiting = try CSVReader.read(path: Fixtures.path("faithful.csv"), columns: [.name("waiting")]).samples
        var options = GaussianMixture.FitOptions(componentCount: 2, covarianceType: .tied)
        options.settings.regularization = 0
        options.em = EMOptions(tolerance: 1e-12, maxIterations: 1000, restarts: 3)
        let fit = try GaussianMixture.fit(RowDataset(waiting), options: options)
        let model = fit.model
        #expect(fit.converged)
        #expect(abs(model.weights[0] - 0.63915) < 1e-5)
        #expect(abs(model.weights[1] - 0.36085) < 1e-5)
        #expect(abs(model.means[0, 0] - 80.09031) < 1e-4)
        #expect(abs(model.means[1, 0] - 54.61364) < 1e-4)
        #expect(abs(model.covariance(ofComponent: 0)[0, 0].squareRoot() - 5.86909) < 1e-5)
        #expect(abs(fit.logLikelihood * 272 - -1034.002) < 1e-3)
    }

    @Test("well-separated components are recovered", arguments: CovarianceType.allCases)
    func recovery(_ type: CovarianceType) throws {
        let truth = try GaussianMixture(
            weights: [0.5, 0.3, 0.2], means: Matrix(rows: [[0, 0], [10, 0], [0, 10]]),
            covariances: [Matrix(rows: [[1, 0], [0, 1]]), Matrix(rows: [[1, 0], [0, 1]]), Matrix(rows: [[1, 0], [0, 1]])],
            covarianceType: type == .tied ? .full : type == .spherical ? .spherical : .diagonal)
        var generator = SeededGenerator(seed: 99)
        let (samples, _) = truth.sample(count: 3000, using: &generator)
        let fit = try GaussianMixture.fit(samples, componentCount: 3, covarianceType: type, em: EMOptions(restarts: 2))
        let model = fit.model
        for c in 0..<3 {
            #expect(abs(model.weights[c] - truth.weights[c]) < 0.03, "weight \(c)")
            for j in 0..<2 { #expect(abs(model.means[c, j] - truth.means[c, j]) < 0.1, "mean \(c),\(j)") }
            let sigma = model.covariance(ofComponent: c)
            #expect(abs(sigma[0, 0] - 1) < 0.15 && abs(sigma[1, 1] - 1) < 0.15 && abs(sigma[0, 1]) < 0.1, "covariance \(c)")
        }
    }

    @Test("samples reproduce the model's moments")
    func sampling() throws {
        let model = Datasets.seed004Mixture
        var generator = SeededGenerator(seed: 1)
        let (samples, components) = model.sample(count: 20000, using: &generator)
        for c in 0..<3 {
            let rows = components.indices.filter { components[$0] == c }
            #expect(abs(Double(rows.count) / 20000 - model.weights[c]) < 0.015)
            for j in 0..<2 {
                let values = rows.map { samples[$0, j] }
                let mean = values.reduce(0, +) / Double(values.count)
                let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
                #expect(abs(mean - model.means[c, j]) < 0.1)
                #expect(abs(variance / model.covariance(ofComponent: c)[j, j] - 1) < 0.1)
            }
        }
        // Same seed, same samples.
        var again = SeededGenerator(seed: 1)
        #expect(model.sample(count: 10, using: &again).samples == samples.rows(in: 0..<10))
    }

    @Test("responsibilities sum to one and predictions are their argmax")
    func responsibilities() throws {
        let data = Datasets.iris.samples
        let model = try GaussianMixture.fit(data, componentCount: 3, covarianceType: .diagonal).model
        let probabilities = try model.predictProbabilities(data)
        let labels = try model.predict(data)
        for n in 0..<data.rowCount {
            let row = probabilities.row(n)
            #expect(abs(row.reduce(0, +) - 1) < 1e-12)
            #expect(row[labels[n]] == row.max())
        }
        let logLikelihoods = try model.logLikelihoods(data)
        expectClose(logLikelihoods.reduce(0, +) / 150, try model.score(data), relative: 1e-12, "score")
    }

    @Test("a collapsed component is an error naming it and the iteration")
    func collapse() throws {
        // 30 copies of one point and 30 spread points: with no regularisation, the copies'
        // component has a zero covariance.
        var rows = Array(repeating: [1.0, 1.0], count: 30)
        var generator = SeededGenerator(seed: 2)
        for _ in 0..<30 { rows.append([5 + generator.nextStandardNormal(), 5 + generator.nextStandardNormal()]) }
        var options = GaussianMixture.FitOptions(componentCount: 2)
        options.settings.regularization = 0
        #expect {
            try GaussianMixture.fit(RowDataset(Matrix(rows: rows)), options: options)
        } throws: { error in
            guard case EMError.degenerateComponent(_, let iteration, .singularCovariance) = error else { return false }
            return iteration == 0 && "\(error)".contains("increase the regularization (regularization)")
        }
        // From given parameters the collapse happens in a later M-step, and re-seeding survives it.
        let start = try GaussianMixture(
            weights: [0.5, 0.5], means: Matrix(rows: [[1, 1], [5, 5]]),
            covariances: [Matrix.identity(2), Matrix.identity(2)], covarianceType: .full)
        options.initialization = .parameters(start)
        #expect {
            try GaussianMixture.fit(RowDataset(Matrix(rows: rows)), options: options)
        } throws: { error in
            guard case EMError.degenerateComponent(let component, let iteration, .singularCovariance) = error else { return false }
            return iteration >= 1 && "\(error)" == """
                component \(component + 1) has a singular covariance at iteration \(iteration) (it collapsed onto too few points, \
                or a column is constant): increase the regularization (regularization), decrease the number of \
                components, scale the data, or re-seed collapsed components (degeneracyPolicy = .reseed)
                """
                && (error as? EMError)?.description(naming: { "<\($0.parameterName)>" }).contains("(<regularization>)") == true
        }
        options.settings.degeneracyPolicy = .reseed
        options.em.maxIterations = 5
        let fit = try GaussianMixture.fit(RowDataset(Matrix(rows: rows)), options: options)
        #expect(fit.model.means.isFinite && fit.model.weights.allSatisfy { $0.isFinite && $0 > 0 })
    }

    @Test("an emptied component under hard EM is an error")
    func emptyComponent() throws {
        let data = Datasets.iris.samples
        let start = try GaussianMixture(
            weights: [0.5, 0.5], means: Matrix(rows: [[5, 3, 1.5, 0.2], [100, 100, 100, 100]]),
            covariances: [Matrix.identity(4), Matrix.identity(4)], covarianceType: .full)
        var options = GaussianMixture.FitOptions(componentCount: 2)
        options.initialization = .parameters(start)
        options.settings.assignment = .hard
        #expect(throws: EMError.degenerateComponent(component: 1, iteration: 1, reason: .emptyComponent)) {
            try GaussianMixture.fit(RowDataset(data), options: options)
        }
    }

    @Test("hostile data and options get clear errors")
    func hostileInput() throws {
        let iris = Datasets.iris.samples
        #expect(throws: EMError.noSamples) { try RowDataset(Matrix(rowCount: 0, columnCount: 3)) }
        var withNaN = iris
        withNaN[7, 2] = .nan
        #expect { try RowDataset(withNaN) } throws: { error in
            guard case EMError.nonFiniteValue(7, 2, let value) = error else { return false }
            return value.isNaN && "\(error)".hasPrefix("data row 8, column 3 is nan")
        }
        #expect(throws: EMError.invalidWeight(row: 3, value: -1)) {
            try RowDataset(iris, sampleWeights: (0..<150).map { $0 == 3 ? -1 : 1 })
        }
        #expect(throws: EMError.invalidWeight(row: nil, value: 0)) {
            try RowDataset(iris, sampleWeights: Array(repeating: 0, count: 150))
        }
        #expect(throws: EMError.tooManyComponents(components: 3, samples: 2)) {
            try GaussianMixture.fit(Matrix(rows: [[1], [1], [2], [2]]), componentCount: 3)
        }
        #expect(throws: EMError.invalidParameter(name: "componentCount", value: "0", expected: "an integer ≥ 1")) {
            try GaussianMixture.fit(iris, componentCount: 0)
        }
        let model = try GaussianMixture.fit(iris, componentCount: 2).model
        #expect(throws: EMError.dimensionMismatch(expected: 4, actual: 2)) {
            try model.predict(Matrix(rows: [[1, 2]]))
        }
        // A constant column fits (the regularisation keeps covariances positive definite).
        var constant = iris
        for n in 0..<150 { constant[n, 1] = 3 }
        let fit = try GaussianMixture.fit(constant, componentCount: 3)
        #expect(fit.model.covariances.allSatisfy { $0.isFinite })
    }

    @Test("parameters are checked")
    func parameterValidation() {
        let means = Matrix(rows: [[0, 0]])
        func invalid(_ body: () throws -> GaussianMixture, _ reason: String) {
            #expect(throws: EMError.invalidModel(reason: reason)) { try body() }
        }
        invalid({ try GaussianMixture(weights: [0.5], means: means, covariances: [Matrix.identity(2)], covarianceType: .full) },
                "weights sum to 0.5, not 1")
        invalid({ try GaussianMixture(weights: [1], means: means, covariances: [Matrix(rows: [[1, 2], [0, 1]])], covarianceType: .full) },
                "covariance 1 is not symmetric")
        invalid({ try GaussianMixture(weights: [1], means: means, covariances: [Matrix(rows: [[1, 2], [2, 1]])], covarianceType: .full) },
                "covariance 1 is not positive definite")
        invalid({ try GaussianMixture(weights: [1], means: means, covariances: [Matrix(rows: [[1, 0.5], [0.5, 1]])], covarianceType: .diagonal) },
                "covariance 1 has an off-diagonal element (1, 2) but the covariance type is diagonal")
        invalid({ try GaussianMixture(weights: [1], means: means, covariances: [Matrix(rows: [[1, 0], [0, 2]])], covarianceType: .spherical) },
                "covariance 1 is not a multiple of the identity (spherical)")
        invalid({ try GaussianMixture(weights: [1], means: Matrix(rows: [[.nan, 0]]), covariances: [Matrix.identity(2)], covarianceType: .full) },
                "a mean is not finite")
    }

    @Test("the canonical order sorts by weight, then by the first mean coordinate")
    func canonicalOrder() throws {
        let model = try GaussianMixture(
            weights: [0.25, 0.5, 0.25], means: Matrix(rows: [[3], [1], [2]]),
            covariances: [Matrix.identity(1), Matrix(rows: [[2]]), Matrix(rows: [[3]])], covarianceType: .full)
        let canonical = model.canonicalized()
        #expect(canonical.weights == [0.5, 0.25, 0.25])
        #expect(canonical.means == Matrix(rows: [[1], [2], [3]]))
        #expect(canonical.covariances.map { $0[0, 0] } == [2, 3, 1])
        let x = Matrix(rows: [[0.5], [2.2]])
        for (a, b) in zip(try canonical.logLikelihoods(x), try model.logLikelihoods(x)) { #expect(abs(a - b) < 1e-14) }
    }

    @Test("Cholesky factors and their inverses")
    func cholesky() throws {
        let a = [4.0, 2, 0.6, 2, 2, 0.5, 0.6, 0.5, 3]
        let factor = try #require(Cholesky(symmetric: a, dimension: 3))
        let l = Matrix(rowCount: 3, columnCount: 3, elements: factor.lower)
        let product = l * l.transposed
        for i in 0..<9 { #expect(abs(product.elements[i] - a[i]) < 1e-14) }
        let u = Matrix(rowCount: 3, columnCount: 3, elements: factor.inverseTransposed)
        let identity = Matrix(rowCount: 3, columnCount: 3, elements: a) * (u * u.transposed)
        for i in 0..<3 { for j in 0..<3 { #expect(abs(identity[i, j] - (i == j ? 1 : 0)) < 1e-14) } }
        // log det by the product of pivots: det = 4·(2 − 1)·… computed directly.
        let det = 4.0 * (2 * 3 - 0.25) - 2 * (2 * 3 - 0.5 * 0.6) + 0.6 * (2 * 0.5 - 2 * 0.6)
        #expect(abs(factor.logDeterminant - _log(det)) < 1e-14)
        #expect(Cholesky(symmetric: [1, 2, 2, 1], dimension: 2) == nil)
        #expect(Cholesky(symmetric: [.nan], dimension: 1) == nil)
    }
}

@Suite("k-means")
struct KMeansTests {
    @Test("Iris, K = 3, best of 10 starts: within-cluster sum of squares 78.851441")
    func iris() throws {
        let fit = try KMeans.fit(RowDataset(Datasets.iris.samples), options: .init(componentCount: 3))
        #expect(abs(fit.inertia - 78.851441426146) < 1e-6)
        let expected = Fixtures.kmeans.sklearnDefault.centersSortedByFirstCoordinate
        for c in 0..<3 { for j in 0..<4 { #expect(abs(fit.model.centroids[c, j] - expected[c][j]) < 1e-9) } }
        #expect(fit.converged)
    }

    @Test("Lloyd's iterations from given centres match scikit-learn's")
    func lloyd() throws {
        let fixture = Fixtures.kmeans.lloyd
        let data = try RowDataset(Datasets.iris.samples)
        for run in fixture.runs {
            let fit = try ExpectationMaximization.fit(data, options: EMOptions(tolerance: 0, maxIterations: run.maxIterations)) { _, _ in
                try KMeans(centroids: Matrix(rows: fixture.initialCenters))
            }
            let p = matchComponents(observed: fit.model.centroids.rows, expected: run.centers)
            for c in 0..<3 { for j in 0..<4 { #expect(abs(fit.model.centroids[p[c], j] - run.centers[c][j]) < 1e-12) } }
            #expect(abs(fit.inertia - run.inertia) < 1e-9)
        }
    }

    @Test("the objective never increases; empty clusters restart at the farthest sample")
    func emptyClusterReseeded() throws {
        let data = try RowDataset(Datasets.iris.samples)
        let fit = try ExpectationMaximization.fit(data, options: EMOptions(tolerance: 0, maxIterations: 20)) { _, _ in
            try KMeans(centroids: Matrix(rows: [[5, 3, 1.5, 0.2], [6, 3, 4.5, 1.5], [1000, 1000, 1000, 1000]]))
        }
        for t in 1..<fit.history.count { #expect(fit.history[t] >= fit.history[t - 1]) }
        #expect(fit.model.centroids.elements.allSatisfy { $0 < 10 })
    }
}

@Suite("Cluster agreement")
struct ClusterAgreementTests {
    @Test("adjusted Rand index and accuracy")
    func agreement() {
        #expect(ClusterAgreement.adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]) == 1)
        // Hubert & Arabie's index for a small known case, computed by hand: ARI = 0.2424…
        let ari = ClusterAgreement.adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2])
        #expect(abs(ari - 0.24242424242424243) < 1e-12)
        let (accuracy, mapping) = ClusterAgreement.accuracy(predicted: [2, 2, 0, 0, 1], truth: [0, 0, 1, 1, 1])
        #expect(accuracy == 0.8)
        #expect(mapping[2] == 0 && mapping[0] == 1)
    }
}
