import Foundation

extension GaussianMixture {
    /// How the parameters of each restart are initialised.
    public enum Initialization: Sendable {
        /// k-means++ seeding refined by Lloyd's k-means; the clusters give the initial
        /// responsibilities (scikit-learn's default).
        case kMeans
        /// K distinct samples drawn at random as means, every covariance the data's covariance
        /// (shaped by the covariance type), equal weights.
        case randomFromData
        /// Responsibilities drawn uniformly at random and normalised per sample, then an M-step.
        case randomResponsibilities
        /// The given parameters (every restart starts from them).
        case parameters(GaussianMixture)
        /// An M-step from the given responsibilities, `N × K`, each row summing to 1 (mclust's
        /// `me(data, modelName, z)`); every restart starts from them.
        case responsibilities(Matrix)
    }

    /// What `GaussianMixture.fit` needs besides the data.
    public struct FitOptions: Sendable {
        /// The number of components K.
        public var componentCount: Int
        /// The covariance structure. Default `.full`.
        public var covarianceType: CovarianceType = .full
        /// Regularisation, assignment and degeneracy policy.
        public var settings: FitSettings = FitSettings()
        /// The initialisation of each restart. Default `.kMeans`.
        public var initialization: Initialization = .kMeans
        /// Tolerance, iterations, restarts, seed, threads, observer.
        public var em: EMOptions = EMOptions()
        /// When set, fit by stepwise (mini-batch) EM with this schedule; `em.maxIterations` then
        /// counts epochs. Default `nil`: batch EM.
        public var stepwise: StepwiseSchedule? = nil
        /// Accelerate EM with SQUAREM (`ExpectationMaximization.fitSQUAREM`); `em.maxIterations`
        /// then counts SQUAREM cycles. Default `false`: plain EM.
        public var squarem: Bool = false

        /// Options for a K-component fit; the rest keep their defaults.
        public init(componentCount: Int, covarianceType: CovarianceType = .full) {
            self.componentCount = componentCount
            self.covarianceType = covarianceType
        }
    }

    /// Fits a Gaussian mixture by EM.
    ///
    /// - Parameters:
    ///   - data: the samples (rows) and optional sample weights.
    ///   - options: components, covariance type, regularisation, initialisation, EM settings.
    /// - Returns: the fitted mixture (components by descending weight), its mean log-likelihood
    ///   per sample, the per-iteration history and why it stopped.
    /// - Throws: `EMError.invalidParameter` for bad options, `EMError.tooManyComponents` when K
    ///   exceeds the distinct samples, `EMError.dimensionMismatch` for given parameters of another
    ///   dimension, `EMError.degenerateComponent` when every restart degenerates.
    /// - Complexity: O(N·K·d²) per iteration for full covariances, on all cores.
    public static func fit(_ data: RowDataset, options: FitOptions) throws -> EMResult<GaussianMixture> {
        let k = options.componentCount
        guard k >= 1 else {
            throw EMError.invalidParameter(name: "componentCount", value: "\(k)", expected: "an integer ≥ 1")
        }
        let lambda = options.settings.regularization
        guard lambda >= 0, lambda.isFinite else {
            throw EMError.invalidParameter(name: "regularization", value: "\(lambda)", expected: "a finite number ≥ 0")
        }
        try options.em.validate()
        try checkSquareMatrixMemory(
            dimension: data.dimension, componentCount: k, covarianceType: options.covarianceType,
            hasPrior: options.settings.prior != nil, hasMissingValues: data.hasMissingValues)
        if let prior = options.settings.prior {
            try prior.check(dimension: data.dimension)
            // Stepwise EM's running statistics are normalised to unit weight, against which a
            // prior would weigh as if it were the whole data set.
            guard options.stepwise == nil else {
                throw EMError.invalidParameter(name: "prior", value: "a prior with stepwise EM", expected: "batch EM (drop the prior or the stepwise schedule)")
            }
            guard options.settings.degeneracyPolicy == .fail else {
                throw EMError.invalidParameter(
                    name: "degeneracyPolicy", value: "reseed with a prior",
                    expected: "fail: under a prior an empty component keeps the prior's mode; give the weights a pseudo-count instead")
            }
        }
        var options = options
        var warnings: [EMWarning] = []
        switch options.initialization {
        case .parameters, .responsibilities: options.em.canonicalOrder = false  // keep the caller's order
        default: break
        }
        try options.initialization.validate(sampleCount: data.sampleCount, componentCount: k)
        if case .parameters(let given) = options.initialization {
            guard given.dimension == data.dimension else {
                throw EMError.dimensionMismatch(expected: given.dimension, actual: data.dimension)
            }
            guard given.componentCount == k else {
                throw EMError.invalidParameter(
                    name: "componentCount", value: "\(k)",
                    expected: "the \(given.componentCount) components of the initial parameters")
            }
        }
        // With missing values, the initialiser sees the rows with their holes filled by column
        // means, through a view (no copy of the data).
        let initialData = data.hasMissingValues ? try data.meanFilled() : data
        if case .parameters = options.initialization {} else {
            let distinct = try initialData.distinctRowCount(upTo: k + 1)
            guard distinct >= k else { throw EMError.tooManyComponents(components: k, samples: distinct) }
            if distinct == k { warnings.append(.componentsMatchDistinctRows(components: k)) }
        }
        var result: EMResult<GaussianMixture>
        if let schedule = options.stepwise {
            result = try ExpectationMaximization.fitStepwise(data, options: options.em, schedule: schedule) { _, generator in
                try initialMixture(for: initialData, options: options, using: &generator)
            }
        } else if options.squarem {
            result = try ExpectationMaximization.fitSQUAREM(data, options: options.em) { _, generator in
                try initialMixture(for: initialData, options: options, using: &generator)
            }
        } else {
            result = try ExpectationMaximization.fit(data, options: options.em) { _, generator in
                try initialMixture(for: initialData, options: options, using: &generator)
            }
        }
        // Rows, not summed weights: weights may be normalised, and a row is a sample either way.
        let parameters = result.model.parameterCount
        if parameters >= data.sampleCount {
            warnings.append(.moreParametersThanSamples(parameters: parameters, samples: data.sampleCount))
        }
        result.warnings = warnings + result.warnings
        return result
    }

    /// Fits a Gaussian mixture to the rows of `samples`; a shorthand for `fit(_:options:)`.
    ///
    /// - Throws: as `fit(_:options:)`, and `EMError.nonFiniteValue` for NaN or infinite data.
    public static func fit(
        _ samples: Matrix, componentCount: Int, covarianceType: CovarianceType = .full,
        sampleWeights: [Double]? = nil, em: EMOptions = EMOptions()
    ) throws -> EMResult<GaussianMixture> {
        var options = FitOptions(componentCount: componentCount, covarianceType: covarianceType)
        options.em = em
        return try fit(RowDataset(samples, sampleWeights: sampleWeights), options: options)
    }

    /// The initial parameters of one restart.
    static func initialMixture(
        for data: RowDataset, options: FitOptions, using generator: inout SeededGenerator
    ) throws -> GaussianMixture {
        let k = options.componentCount
        switch options.initialization {
        case .parameters(let given):
            var start = given
            if start.covarianceType != options.covarianceType {
                throw EMError.invalidParameter(
                    name: "covarianceType", value: options.covarianceType.rawValue,
                    expected: "the initial parameters' type (\(given.covarianceType.rawValue))")
            }
            start.fitSettings = options.settings
            return start
        case .kMeans, .responsibilities, .randomResponsibilities:
            let start = try initialMoments(
                for: data, componentCount: k, scatterShape: options.covarianceType.scatterShape,
                initialization: options.initialization, threadCount: options.em.threadCount, using: &generator)
            return try parameters(
                from: start.moments, covarianceType: options.covarianceType, fitSettings: options.settings,
                worstFitted: WorstFittedSamples(capacity: 0))
        case .randomFromData:
            var indices = Array(0..<data.sampleCount)
            indices.shuffle(using: &generator)
            var chosen: [Int] = []
            var seen = Set<[Double]>()
            for i in indices where data.weight(i) > 0 {
                guard seen.insert(try data.row(i)).inserted else { continue }
                chosen.append(i)
                if chosen.count == k { break }
            }
            // Pooled moments of the data, one group, as the covariance of every component.
            let pooled = try data.pooledMoments(scatterShape: options.covarianceType.scatterShape)
            var moments = GaussianMoments(groupCount: k, dimension: data.dimension, scatterShape: options.covarianceType.scatterShape)
            let chosenRows = try data.rows(at: chosen)
            let block = options.covarianceType.scatterShape == .full
                ? pooled.scatterMatrix(group: 0) : pooled.scatterDiagonal(group: 0)
            let stride = moments.scatterStride
            for c in 0..<k {
                moments.weights[c] = pooled.weights[0] / Double(k)
                for j in 0..<data.dimension { moments.means[c * data.dimension + j] = chosenRows[c, j] }
                for j in 0..<stride { moments.scatter[c * stride + j] = block[j] / Double(k) }
            }
            return try parameters(
                from: moments, covarianceType: options.covarianceType, fitSettings: options.settings,
                worstFitted: WorstFittedSamples(capacity: 0))
        }
    }

    /// The responsibility-weighted moments of the initialisations that start from
    /// responsibilities (k-means clusters, random, or given), and the responsibilities' entropy
    /// `−Σᵢ wᵢ Σₖ rᵢₖ log rᵢₖ` (0 for hard assignments).
    ///
    /// - Throws: `EMError.invalidParameter` for an initialisation that starts from parameters;
    ///   errors of reading the data.
    static func initialMoments(
        for data: RowDataset, componentCount k: Int, scatterShape: GaussianMoments.ScatterShape,
        initialization: Initialization, threadCount: Int?, using generator: inout SeededGenerator
    ) throws -> (moments: GaussianMoments, entropy: Double) {
        var entropy = 0.0
        var accumulator = ShiftedMomentAccumulator(
            shifts: Array(repeatElement(try data.row(0), count: k).joined()), groupCount: k, dimension: data.dimension,
            scatterShape: scatterShape)
        func entropyTerm(_ row: Int, _ responsibilities: UnsafeMutablePointer<Double>) {
            for c in 0..<k where responsibilities[c] > 0 {
                entropy -= data.weight(row) * responsibilities[c] * _log(responsibilities[c])
            }
        }
        switch initialization {
        case .kMeans:
            let lloyd = try KMeans.seededLloyd(data, clusterCount: k, threadCount: threadCount, using: &generator)
            try lloyd.centroids.elements.withUnsafeBufferPointer { centroids in
                try accumulate(data, into: &accumulator) { _, x, responsibilities in
                    let nearest = lloyd.nearest(x, centroids: centroids.baseAddress.unsafelyUnwrapped).cluster
                    for c in 0..<k { responsibilities[c] = c == nearest ? 1 : 0 }
                }
            }
        case .responsibilities(let given):
            try accumulate(data, into: &accumulator) { row, _, responsibilities in
                for c in 0..<k { responsibilities[c] = given[row, c] }
                entropyTerm(row, responsibilities)
            }
        case .randomResponsibilities:
            // Drawn row by row as the rows are read (no N × K array): K uniform numbers, normalised.
            try accumulate(data, into: &accumulator) { row, _, responsibilities in
                for c in 0..<k { responsibilities[c] = Double.random(in: 0..<1, using: &generator) }
                var sum = 0.0
                for c in 0..<k { sum += responsibilities[c] }
                for c in 0..<k { responsibilities[c] /= sum }
                entropyTerm(row, responsibilities)
            }
        case .parameters, .randomFromData:
            throw EMError.invalidParameter(
                name: "initialization", value: "\(initialization)", expected: "k-means, random or given responsibilities")
        }
        var moments = GaussianMoments(groupCount: k, dimension: data.dimension, scatterShape: scatterShape)
        accumulator.merge(into: &moments)
        return (moments, entropy)
    }

    /// Adds every row, weighted by its sample weight times the responsibilities `assign` gives
    /// (called with the row index, the row and `[K]` values to fill), to the accumulator.
    static func accumulate(
        _ data: RowDataset, into accumulator: inout ShiftedMomentAccumulator,
        assign: (Int, UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void
    ) throws {
        let d = data.dimension
        let k = accumulator.groupCount
        let responsibilities = UnsafeMutablePointer<Double>.allocate(capacity: k)
        defer { responsibilities.deallocate() }
        try data.forEachChunk { start, count, rows, weights in
            for b in 0..<count {
                let x = rows + b * d
                let w = weights?[b] ?? 1
                assign(start + b, x, responsibilities)
                for c in 0..<k {
                    let r = w * responsibilities[c]
                    if r != 0 { accumulator.add(x, weight: r, group: c) }
                }
            }
        }
    }
}

extension RowDataset {
    /// The weighted mean and covariance of the rows, for priors built from the data. The divisor
    /// is n − 1 with n the total sample weight (the row count without weights), or n when that is
    /// at most 1 (weights normalised to sum to 1).
    ///
    /// - Parameter fullRank: also require the covariance to be positive definite (no column a
    ///   linear combination of others).
    /// - Throws: `EMError.invalidParameter` for fewer than two rows, a constant column (named,
    ///   1-based) or linearly dependent columns; errors of reading the rows.
    func meanAndCovariance(fullRank: Bool) throws -> (mean: [Double], covariance: Matrix) {
        guard sampleCount >= 2 else {
            throw EMError.invalidParameter(name: "data", value: "\(sampleCount) rows", expected: "at least 2 rows for a prior built from the data")
        }
        let pooled = try pooledMoments()
        let d = dimension
        for j in 0..<d where !(pooled.scatter[j * d + j] > 0) {
            throw EMError.invalidParameter(
                name: "data", value: "column \(j + 1) without spread (every value is \(pooled.means[j]))",
                expected: "columns that vary, for a prior built from the data: drop the column or give the prior yourself")
        }
        let n = pooled.weights[0]
        let covariance = Matrix(rowCount: d, columnCount: d, elements: pooled.scatterMatrix(group: 0).map { $0 / (n > 1 ? n - 1 : n) })
        if fullRank && Cholesky(symmetric: covariance.elements, dimension: d) == nil {
            throw EMError.invalidParameter(
                name: "data", value: "linearly dependent columns (their covariance is singular)",
                expected: "independent columns for a prior built from the data: drop a redundant column or give the prior yourself")
        }
        return (pooled.means, covariance)
    }

    /// The weighted mean and centred scatter of all rows, as one group of moments: the full
    /// `d × d` scatter, or (`.diagonal`) only its diagonal.
    ///
    /// - Throws: errors of reading the rows.
    func pooledMoments(scatterShape: GaussianMoments.ScatterShape = .full) throws -> GaussianMoments {
        var pooled = GaussianMoments(groupCount: 1, dimension: dimension, scatterShape: scatterShape)
        var accumulator = ShiftedMomentAccumulator(shifts: try row(0), groupCount: 1, dimension: dimension, scatterShape: scatterShape)
        try GaussianMixture.accumulate(self, into: &accumulator) { _, _, r in r[0] = 1 }
        accumulator.merge(into: &pooled)
        return pooled
    }
}

extension GaussianMixture {
    /// The most memory a fit's `d × d` matrices may take: half the machine's memory.
    static var maximumSquareMatrixBytes: Double { Double(ProcessInfo.processInfo.physicalMemory) / 2 }

    /// Refuses a fit whose `d × d` matrices would not fit in memory, before any is allocated.
    ///
    /// Diagonal and spherical fits of complete data hold O(K·d) numbers; full covariances hold
    /// about four `d × d` matrices per component (scatter, covariance, its factor, a copy), a tied
    /// one four in all, a prior one plus one per component, and rows with missing values one per
    /// component (the conditional covariances).
    ///
    /// - Throws: `EMError.invalidParameter` naming `covarianceType`, `prior` or `data`, with the
    ///   memory needed and what to change.
    static func checkSquareMatrixMemory(
        dimension d: Int, componentCount k: Int, covarianceType: CovarianceType, hasPrior: Bool, hasMissingValues: Bool
    ) throws {
        let matrixBytes = Double(d) * Double(d) * 8
        let limit = maximumSquareMatrixBytes
        func refuse(_ name: String, _ count: Double, _ what: String, _ expected: String) throws {
            guard count * matrixBytes > limit else { return }
            throw EMError.invalidParameter(
                name: name,
                value: "\(what) for \(d) columns (its \(d) × \(d) matrices need \(describeBytes(count * matrixBytes)); "
                    + "half this machine's memory is \(describeBytes(limit)))",
                expected: expected)
        }
        let squareMatrices = covarianceType.structure.squareMatricesHeld(componentCount: k)
        if squareMatrices > 0 {
            try refuse("covarianceType", Double(squareMatrices), covarianceType.rawValue, "diagonal or spherical covariances, or fewer columns")
        }
        if hasPrior { try refuse("prior", Double(k + 1), "a conjugate prior", "no prior, or fewer columns") }
        if hasMissingValues {
            try refuse("data", Double(k), "missing values", "complete rows (drop or impute the holes first), or fewer columns")
        }
    }
}

/// `1.5 GB`, `32 TB`: a byte count in decimal units, for messages.
func describeBytes(_ bytes: Double) -> String {
    let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
    var value = bytes
    var unit = 0
    while value >= 1000 && unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    return unit == 0 ? "\(Int(value)) bytes" : "\((value * 10).rounded() / 10) \(units[unit])"
}

extension GaussianMixture.Initialization {
    /// Checks given responsibilities: `sampleCount × componentCount`, each row non-negative and
    /// summing to 1 (within 1e-6). Other initialisations pass.
    ///
    /// - Throws: `EMError.invalidParameter` naming the shape or the first bad row (1-based).
    func validate(sampleCount: Int, componentCount k: Int) throws {
        guard case .responsibilities(let given) = self else { return }
        guard given.rowCount == sampleCount, given.columnCount == k else {
            throw EMError.invalidParameter(
                name: "responsibilities", value: "\(given.rowCount)×\(given.columnCount)",
                expected: "\(sampleCount)×\(k) (samples × components)")
        }
        for n in 0..<given.rowCount {
            let row = given.row(n)
            guard row.allSatisfy({ $0 >= 0 && $0.isFinite }), abs(row.reduce(0, +) - 1) <= 1e-6 else {
                throw EMError.invalidParameter(
                    name: "responsibilities", value: "row \(n + 1): \(row)", expected: "non-negative values summing to 1")
            }
        }
    }
}
