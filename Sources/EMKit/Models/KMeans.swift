/// k-means clustering by Lloyd's algorithm, seeded by k-means++: the hard-assignment,
/// equal-spherical-variance limit of a Gaussian mixture, fitted by the same EM engine.
///
/// The E-step assigns each sample to its nearest centroid; the M-step moves each centroid to the
/// mean of its samples. The engine's objective is `−inertia / N`, minus the mean squared distance
/// to the nearest centroid, which Lloyd's iterations never increase.
///
/// ```swift
/// let fit = try KMeans.fit(try RowDataset(Datasets.iris.samples), clusterCount: 3)
/// print(fit.inertia)   // 78.851441…
/// ```
public struct KMeans: EMModel, Sendable {
    public typealias Dataset = RowDataset

    /// The cluster centres, `K × d`.
    public private(set) var centroids: Matrix

    /// k-means with the given centroids.
    ///
    /// - Throws: `EMError.invalidModel` when there are no centroids or a value is not finite.
    public init(centroids: Matrix) throws {
        guard centroids.rowCount >= 1, centroids.columnCount >= 1 else {
            throw EMError.invalidModel(reason: "k-means needs at least one centroid with at least one coordinate")
        }
        guard centroids.isFinite else { throw EMError.invalidModel(reason: "a centroid is not finite") }
        self.centroids = centroids
    }

    /// The number of clusters K.
    public var clusterCount: Int { centroids.rowCount }
    /// The dimension d.
    public var dimension: Int { centroids.columnCount }

    /// The per-cluster moments (weight, mean, per-coordinate scatter) and the farthest samples,
    /// which re-seed clusters that become empty.
    public struct Statistics: ModelStatistics {
        /// Weight, mean and diagonal scatter of each cluster's samples.
        public internal(set) var moments: GaussianMoments
        /// The samples farthest from their centroid (log-likelihood = −squared distance).
        public internal(set) var farthest: WorstFittedSamples

        public mutating func merge(_ other: Statistics) {
            moments.merge(other.moments)
            farthest.merge(other.farthest)
        }

        public var sampleWeight: Double { moments.weights.reduce(0, +) }

        /// Scales the moments; the farthest samples are positions, not sums.
        public mutating func scale(by factor: Double) { moments.scale(by: factor) }
    }


    public func emptyStatistics() -> Statistics {
        Statistics(
            moments: GaussianMoments(groupCount: clusterCount, dimension: dimension, scatterShape: .diagonal),
            farthest: WorstFittedSamples(capacity: clusterCount))
    }

    /// The index of the nearest centroid to `x` and the squared distance to it.
    @inline(__always)
    func nearest(_ x: UnsafePointer<Double>, centroids c: UnsafePointer<Double>) -> (cluster: Int, distance: Double) {
        let d = dimension
        var best = 0
        var bestDistance = Double.infinity
        for k in 0..<clusterCount {
            var s = 0.0
            let ck = c + k * d
            for j in 0..<d {
                let t = x[j] - ck[j]
                s += t * t
            }
            if s < bestDistance {
                bestDistance = s
                best = k
            }
        }
        return (best, bestDistance)
    }

    /// The E-step: nearest-centroid assignment.
    ///
    /// - Returns: `−Σᵢ wᵢ ‖xᵢ − c(xᵢ)‖²` and `Σᵢ wᵢ`.
    public func accumulate(_ chunk: RowBlock, into statistics: inout Statistics) throws -> ChunkLikelihood {
        let d = dimension
        guard chunk.dataset.dimension == d else {
            throw EMError.dimensionMismatch(expected: d, actual: chunk.dataset.dimension)
        }
        var accumulator = ShiftedMomentAccumulator(
            shifts: centroids.elements, groupCount: clusterCount, dimension: d, scatterShape: .diagonal)
        var objective = 0.0
        var totalWeight = 0.0
        try centroids.elements.withUnsafeBufferPointer { centroidBuffer in
            let c = centroidBuffer.baseAddress.unsafelyUnwrapped
            try chunk.withUnsafeRows { rows, weights in
                for n in 0..<chunk.rows.count {
                    let w = weights?[n] ?? 1
                    if w == 0 { continue }
                    let x = rows + n * d
                    let (k, distance) = nearest(x, centroids: c)
                    objective -= w * distance
                    totalWeight += w
                    if -distance < statistics.farthest.threshold {
                        statistics.farthest.offer(logLikelihood: -distance, values: Array(UnsafeBufferPointer(start: x, count: d)))
                    }
                    accumulator.weights[k] += w
                    for j in 0..<d {
                        let z = x[j] - c[k * d + j]
                        accumulator.firstMoments[k * d + j] += w * z
                        accumulator.secondMoments[k * d + j] += w * z * z
                    }
                }
            }
        }
        accumulator.merge(into: &statistics.moments)
        return ChunkLikelihood(logLikelihood: objective, sampleWeight: totalWeight)
    }

    /// The M-step: each centroid moves to the mean of its samples; an empty cluster restarts at
    /// the sample farthest from its centroid.
    public func maximized(from statistics: Statistics) throws -> KMeans {
        var result = self
        var far = statistics.farthest.samples.makeIterator()
        for k in 0..<clusterCount {
            if statistics.moments.weights[k] > 0 {
                for j in 0..<dimension { result.centroids[k, j] = statistics.moments.means[k * dimension + j] }
            } else if let sample = far.next() {
                for j in 0..<dimension { result.centroids[k, j] = sample.values[j] }
            } else {
                throw EMError.degenerateComponent(component: k, iteration: 0, reason: .emptyComponent)
            }
        }
        return result
    }

    /// Centroids sorted by their coordinates (first coordinate first), so equal fits compare equal.
    public func canonicalized() -> KMeans {
        let order = (0..<clusterCount).sorted { a, b in
            centroids.row(a).lexicographicallyPrecedes(centroids.row(b))
        }
        var result = self
        result.centroids = centroids.rows(at: order)
        return result
    }

    /// The index of the nearest centroid for each row of `samples`.
    ///
    /// - Throws: `EMError.dimensionMismatch` when the columns do not match.
    public func predict(_ samples: Matrix) throws -> [Int] {
        guard samples.columnCount == dimension else {
            throw EMError.dimensionMismatch(expected: dimension, actual: samples.columnCount)
        }
        return samples.elements.withUnsafeBufferPointer { x in
            centroids.elements.withUnsafeBufferPointer { c in
                (0..<samples.rowCount).map {
                    nearest(x.baseAddress.unsafelyUnwrapped + $0 * dimension, centroids: c.baseAddress.unsafelyUnwrapped).cluster
                }
            }
        }
    }

    /// What `KMeans.fit` needs besides the data.
    public struct FitOptions: Sendable {
        /// K ≥ 1, at most the number of distinct samples.
        public var componentCount: Int
        /// Convergence when the mean squared distance changes by less than this times the data's
        /// mean per-coordinate variance (replacing `em.tolerance`, which k-means does not read).
        /// Default 1e-4, as scikit-learn.
        public var relativeTolerance: Double = 1e-4
        /// Restarts (default 10; the lowest inertia is kept), Lloyd iterations per start (default
        /// 300), seed, threads (results do not depend on them), observer.
        public var em = EMOptions(maxIterations: 300, restarts: 10, stoppingRule: .objectiveChange)

        /// Options for K clusters; omitted ones keep their defaults.
        public init(componentCount: Int, relativeTolerance: Double = 1e-4, em: EMOptions? = nil) {
            self.componentCount = componentCount
            self.relativeTolerance = relativeTolerance
            if let em { self.em = em }
        }
    }

    /// Lloyd's k-means with k-means++ seeding, as hard EM on the engine: each restart seeds by
    /// greedy k-means++ and iterates until the mean squared distance stops changing (within
    /// `relativeTolerance`) or `em.maxIterations`.
    ///
    /// - Throws: `EMError.invalidParameter`, `EMError.tooManyComponents`.
    public static func fit(_ data: RowDataset, options: FitOptions) throws -> EMResult<KMeans> {
        let clusterCount = options.componentCount
        let relativeTolerance = options.relativeTolerance
        let threadCount = options.em.threadCount
        guard clusterCount >= 1 else {
            throw EMError.invalidParameter(name: "componentCount", value: "\(clusterCount)", expected: "an integer ≥ 1")
        }
        guard relativeTolerance >= 0, relativeTolerance.isFinite else {
            throw EMError.invalidParameter(name: "relativeTolerance", value: "\(relativeTolerance)", expected: "a finite number ≥ 0")
        }
        let distinct = try data.distinctRowCount(upTo: clusterCount)
        guard distinct >= clusterCount else {
            throw EMError.tooManyComponents(components: clusterCount, samples: distinct)
        }
        // Never a zero tolerance: Lloyd's iterations stop once the assignments stop changing. The
        // tolerance is in the data's squared units, so it bounds the change (Lloyd's objective
        // stops changing exactly once the assignments settle), not a relative gap.
        let scale = try meanVariance(of: data, threadCount: threadCount)
        var em = options.em
        em.tolerance = max(relativeTolerance * scale, .leastNormalMagnitude)
        em.stoppingRule = .objectiveChange
        return try ExpectationMaximization.fit(data, options: em) { _, generator in
            let indices = try KMeansPlusPlus.centreIndices(in: data, count: clusterCount, using: &generator)
            return try KMeans(centroids: data.rows(at: indices))
        }
    }
}

extension KMeans {
    /// The data's mean per-coordinate variance (weighted): the scale of k-means' tolerance.
    /// Never zero, so that a tolerance derived from it still stops on an unchanged objective.
    ///
    /// - Throws: what reading the data throws.
    static func meanVariance(of data: RowDataset, threadCount: Int? = nil) throws -> Double {
        let pooled = try ExpectationMaximization.expectation(
            KMeans(centroids: Matrix(rowCount: 1, columnCount: data.dimension)), on: data, threadCount: threadCount)
        let moments = pooled.statistics.moments
        return max(moments.scatter.reduce(0, +) / (moments.weights[0] * Double(data.dimension)), .leastNormalMagnitude)
    }

    /// One k-means start, as the initialisers of several models use it: k-means++ seeds refined
    /// by Lloyd's iterations until the mean squared distance changes by less than 1e-4 of the
    /// data's mean variance (at most 300 iterations), as scikit-learn initialises its mixtures.
    ///
    /// - Throws: what reading the data throws.
    static func seededLloyd(
        _ data: RowDataset, clusterCount: Int, threadCount: Int? = nil, using generator: inout SeededGenerator
    ) throws -> KMeans {
        let seeds = try KMeansPlusPlus.centreIndices(in: data, count: clusterCount, using: &generator)
        let start = try KMeans(centroids: data.rows(at: seeds))
        let options = EMOptions(
            tolerance: 1e-4 * (try meanVariance(of: data, threadCount: threadCount)), maxIterations: 300, threadCount: threadCount,
            stoppingRule: .objectiveChange)
        return try ExpectationMaximization.fit(data, options: options) { _, _ in start }.model
    }
}

extension EMResult where Model == KMeans {
    /// The within-cluster sum of squared distances of the fitted centroids (weighted).
    public var inertia: Double { -logLikelihood * sampleWeight }
}

extension KMeans.Statistics: PortableStatistics {
    public static var archiveKind: String { "k-means" }

    /// Moments of the same shape.
    public func hasShape(of other: KMeans.Statistics) -> Bool { moments.hasShape(of: other.moments) }

    public func write(to writer: inout StatisticsWriter) {
        moments.write(to: &writer)
        farthest.write(to: &writer)
    }

    public init(from reader: inout StatisticsReader) throws {
        moments = try GaussianMoments(from: &reader)
        farthest = try WorstFittedSamples(from: &reader)
    }
}
