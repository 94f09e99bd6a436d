import EMKitKernels

/// Gaussian-mixture emissions: each state emits from its own mixture of M Gaussians,
///
/// ```
/// b_s(x) = Σₘ w_sm 𝒩(x | μ_sm, Σ_sm)
/// ```
///
/// The state posteriors γₜ(s) are split among the state's components by the within-state
/// responsibilities, and each state's mixture takes the ordinary Gaussian-mixture M-step on those
/// weights: one engine, one set of kernels.
public struct GaussianMixtureEmission: HMMEmission {
    /// One mixture per state, all with the same number of components, dimension and covariance type.
    public internal(set) var mixtures: [GaussianMixture]

    /// Emissions from per-state mixtures.
    ///
    /// - Throws: `EMError.invalidModel` when the mixtures differ in dimension, component count or covariance type.
    public init(mixtures: [GaussianMixture]) throws {
        guard let first = mixtures.first else { throw EMError.invalidModel(reason: "a Gaussian-mixture emission needs at least one state") }
        guard mixtures.allSatisfy({
            $0.dimension == first.dimension && $0.componentCount == first.componentCount && $0.covarianceType == first.covarianceType
        }) else {
            throw EMError.invalidModel(reason: "every state's mixture must have the same dimension, component count and covariance type")
        }
        self.mixtures = mixtures
    }

    public static var familyName: String { "gmm" }
    public var stateCount: Int { mixtures.count }
    public var dimension: Int { mixtures[0].dimension }
    /// The number of Gaussian components per state, M.
    public var componentCount: Int { mixtures[0].componentCount }
    public var parameterCount: Int { mixtures.reduce(0) { $0 + $1.parameterCount } }

    public func emptyStatistics() -> [GaussianMoments] {
        mixtures.map { GaussianMoments(groupCount: $0.componentCount, dimension: $0.dimension, scatterShape: $0.covarianceType.scatterShape) }
    }

    public static func merge(_ statistics: inout [GaussianMoments], _ other: [GaussianMoments]) {
        for s in statistics.indices { statistics[s].merge(other[s]) }
    }

    public static func scale(_ statistics: inout [GaussianMoments], by factor: Double) {
        for s in statistics.indices { statistics[s].scale(by: factor) }
    }

    public func logDensities(_ rows: UnsafePointer<Double>, count: Int, into logDensities: UnsafeMutablePointer<Double>) {
        let states = stateCount
        let m = componentCount
        for (s, mixture) in mixtures.enumerated() {
            mixture.forEachBlockLogDensities(rows, count: count) { start, n, block in
                for b in 0..<n {
                    let (best, sum) = Self.shiftedSum(block, count: n, components: m, row: b)
                    logDensities[(start + b) * states + s] = best + _log(sum)
                }
            }
        }
    }

    public func accumulate(
        _ rows: UnsafePointer<Double>, count: Int, posteriors: UnsafePointer<Double>, into statistics: inout [GaussianMoments]
    ) {
        let states = stateCount
        let m = componentCount
        let d = dimension
        let full = mixtures[0].covarianceType.scatterShape == .full
        let blockRows = GaussianMixture.blockRows
        let weights = UnsafeMutablePointer<Double>.allocate(capacity: m * blockRows)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: emk_accumulate_full_scratch(d))
        let transposed = UnsafeMutablePointer<Double>.allocate(capacity: d * blockRows)
        defer {
            weights.deallocate()
            scratch.deallocate()
            transposed.deallocate()
        }
        for (s, mixture) in mixtures.enumerated() {
            var accumulator = ShiftedMomentAccumulator(
                shifts: mixture.means.elements, groupCount: m, dimension: d, scatterShape: mixture.covarianceType.scatterShape)
            mixture.forEachBlockLogDensities(rows, count: count) { start, n, block in
                // γₜ(s) times the within-state responsibilities, component-major.
                for b in 0..<n {
                    let (best, sum) = Self.shiftedSum(block, count: n, components: m, row: b)
                    let gamma = posteriors[(start + b) * states + s]
                    for c in 0..<m { weights[c * n + b] = gamma * _exp(block[c * n + b] - best) / sum }
                }
                let rowsOfBlock = rows + start * d
                if !full { emk_transpose(n, d, rowsOfBlock, transposed) }
                for c in 0..<m {
                    let r = weights + c * n
                    for b in 0..<n { accumulator.weights[c] += r[b] }
                    accumulator.addBlock(rowsOfBlock, transposed: transposed, count: n, weights: r, group: c, scratch: scratch)
                }
            }
            accumulator.merge(into: &statistics[s])
        }
    }

    /// For row `row` of a component-major block (`components × count` log-densities): the largest
    /// log-density and Σ exp(log-density − largest), from which both log Σ and the within-state
    /// responsibilities follow without overflow.
    @inline(__always)
    static func shiftedSum(
        _ block: UnsafeMutablePointer<Double>, count n: Int, components m: Int, row b: Int
    ) -> (best: Double, sum: Double) {
        var best = -Double.infinity
        for c in 0..<m { best = max(best, block[c * n + b]) }
        var sum = 0.0
        for c in 0..<m { sum += _exp(block[c * n + b] - best) }
        return (best, sum)
    }

    public func maximized(from statistics: [GaussianMoments]) throws -> GaussianMixtureEmission {
        var result = self
        for (s, mixture) in mixtures.enumerated() {
            var settings = mixture.fitSettings
            settings.degeneracyPolicy = .fail
            do {
                var updated = try GaussianMixture.parameters(
                    from: statistics[s], covarianceType: mixture.covarianceType, fitSettings: settings,
                    worstFitted: WorstFittedSamples(capacity: 0))
                updated.fitSettings = mixture.fitSettings
                result.mixtures[s] = updated
            } catch EMError.degenerateComponent(_, _, let reason) {
                throw EMError.degenerateComponent(component: s, iteration: 0, reason: reason)
            }
        }
        return result
    }

    /// Every state's mixture refitted under `prior`.
    ///
    /// - Throws: `EMError.invalidParameter` when the prior's dimension is not the emissions'.
    public func withPrior(_ prior: GaussianMixturePrior?) throws -> GaussianMixtureEmission {
        try prior?.check(dimension: dimension)
        var result = self
        for s in result.mixtures.indices { result.mixtures[s].fitSettings.prior = prior }
        return result
    }

    public func logPrior() -> Double { mixtures.reduce(0) { $0 + $1.logPrior() } }

    public func sample(state: Int, using generator: inout some RandomNumberGenerator) -> [Double] {
        mixtures[state].sample(count: 1, using: &generator).samples.row(0)
    }

    public func problem(with row: UnsafePointer<Double>) -> String? {
        for j in 0..<dimension where !row[j].isFinite { return "column \(j + 1) is \(row[j])" }
        return nil
    }
}

/// A hidden Markov model whose states emit from Gaussian mixtures.
public typealias GaussianMixtureHMM = HiddenMarkovModel<GaussianMixtureEmission>

extension GaussianMixtureEmission {
    /// The settings of a Gaussian-mixture emission fit.
    public struct FitSettings: EmissionFitSettings {
        /// M, the Gaussian components per state. Default 2.
        public var mixtureComponents: Int = 2
        /// The covariance structure. Default `.full`.
        public var covarianceType: CovarianceType = .full
        /// Added to every covariance diagonal in the M-step. Default 1e-6.
        public var regularization: Double = 1e-6
        /// The defaults.
        public init() {}
    }

    /// Each restart clusters the observations into S groups by k-means and starts each state's
    /// M-component mixture from its group (k-means++ and k-means again).
    ///
    /// - Throws: `EMError.invalidParameter` for M < 1, `EMError.tooManyComponents` when the data
    ///   or a group has too few distinct observations.
    public static func initializer(
        for data: SequenceDataset, options: HiddenMarkovModel<GaussianMixtureEmission>.FitOptions
    ) throws -> (inout SeededGenerator) throws -> GaussianMixtureEmission {
        let mixtureComponents = options.emission.mixtureComponents
        guard mixtureComponents >= 1 else {
            throw EMError.invalidParameter(name: "mixtureComponents", value: "\(mixtureComponents)", expected: "an integer ≥ 1")
        }
        let distinct = try data.rows.distinctRowCount(upTo: options.stateCount * mixtureComponents)
        guard distinct >= options.stateCount * mixtureComponents else {
            throw EMError.tooManyComponents(components: options.stateCount * mixtureComponents, samples: distinct)
        }
        var mixtureOptions = GaussianMixture.FitOptions(componentCount: mixtureComponents, covarianceType: options.emission.covarianceType)
        mixtureOptions.settings.regularization = options.emission.regularization
        // The prior already shapes the initial mixtures, so a cluster of one point cannot be singular.
        mixtureOptions.settings.prior = options.emissionPrior
        return { generator in
            let clusters = try KMeans.seededLloyd(
                data.rows, clusterCount: options.stateCount, threadCount: options.em.threadCount, using: &generator)
            var groups = [[Double]](repeating: [], count: options.stateCount)
            try data.rows.forEachChunk { _, count, rows, _ in
                let block = Matrix(rowCount: count, columnCount: data.dimension, elements: Array(UnsafeBufferPointer(start: rows, count: count * data.dimension)))
                for (t, label) in try clusters.predict(block).enumerated() { groups[label] += block.row(t) }
            }
            let mixtures = try groups.map { rows -> GaussianMixture in
                let group = try RowDataset(Matrix(rowCount: rows.count / data.dimension, columnCount: data.dimension, elements: rows))
                let distinctRows = try group.distinctRowCount(upTo: mixtureComponents)
                guard distinctRows >= mixtureComponents else {
                    throw EMError.tooManyComponents(components: mixtureComponents, samples: distinctRows)
                }
                return try GaussianMixture.initialMixture(for: group, options: mixtureOptions, using: &generator)
            }
            return try GaussianMixtureEmission(mixtures: mixtures)
        }
    }
}

extension HiddenMarkovModel where Emission == GaussianMixtureEmission {
    /// `fit(_:options:)` with the mixture size, covariance structure and regularisation given here.
    ///
    /// - Throws: as `fit(_:options:)`.
    public static func fit(
        _ data: SequenceDataset, options: FitOptions, mixtureComponents: Int, covarianceType: CovarianceType,
        regularization: Double = 1e-6
    ) throws -> EMResult<HiddenMarkovModel> {
        var options = options
        options.emission.mixtureComponents = mixtureComponents
        options.emission.covarianceType = covarianceType
        options.emission.regularization = regularization
        return try fit(data, options: options)
    }
}

extension GaussianMixtureEmission {
    /// Each state's mixture parameter vector, state after state.
    public var parameterVector: [Double] { mixtures.flatMap(\.parameterVector) }

    public func replacingParameters(with vector: [Double]) -> GaussianMixtureEmission? {
        var result = self
        var offset = 0
        for s in mixtures.indices {
            let count = mixtures[s].parameterVector.count
            guard offset + count <= vector.count,
                let mixture = mixtures[s].replacingParameters(with: Array(vector[offset..<(offset + count)]))
            else { return nil }
            result.mixtures[s] = mixture
            offset += count
        }
        return offset == vector.count ? result : nil
    }
}
