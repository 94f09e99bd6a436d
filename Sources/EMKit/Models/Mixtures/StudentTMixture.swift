import EMKitKernels

/// A finite mixture of multivariate Student-t distributions (Peel & McLachlan 2000), robust to
/// outliers: a far point is down-weighted instead of dragging a mean and inflating a covariance.
///
/// ```
/// p(x) = Σₖ πₖ t(x | μₖ, Σₖ, νₖ),
/// t(x | μ, Σ, ν) = Γ((ν+d)/2) / (Γ(ν/2) (νπ)^{d/2} |Σ|^{1/2}) · (1 + δ/ν)^{−(ν+d)/2},   δ = (x−μ)ᵀΣ⁻¹(x−μ)
/// ```
///
/// Fitted by ECM (expectation–conditional maximisation), a generalised EM: the M-step is two
/// conditional maximisations, first of π, μ, Σ given ν, then of each νₖ, which has no closed form
/// and is found by bisection. Each step raises Q, so the likelihood still never decreases; the
/// engine checks it like any EM.
public struct StudentTMixture: Sendable {
    /// The mixing weights, `[K]`.
    public private(set) var weights: [Double]
    /// The component means, `K × d`.
    public private(set) var means: Matrix
    /// The components' scale matrices Σₖ (full), `[K]` of `d × d`.
    public private(set) var covariances: [Matrix]
    /// The degrees of freedom νₖ, `[K]`; a large ν approaches a Gaussian.
    public private(set) var degreesOfFreedom: [Double]
    /// Added to every covariance diagonal in the M-step. Default 1e-6.
    public var regularization: Double
    /// Whether the ECM re-estimates ν (else they stay as given). Default `true`.
    public var learnsDegreesOfFreedom: Bool = true
    /// Upper triangular U with Σ⁻¹ = U Uᵀ, per component.
    private var precisionCholesky: [[Double]]
    /// ½ log det Σ⁻¹, per component.
    private var halfLogPrecisionDeterminants: [Double]

    /// A mixture from its parameters.
    ///
    /// - Throws: `EMError.invalidModel` for mismatched shapes, weights that are not a probability
    ///   vector, a covariance that is not symmetric positive definite, or ν ≤ 0.
    public init(
        weights: [Double], means: Matrix, covariances: [Matrix], degreesOfFreedom: [Double], regularization: Double = 1e-6
    ) throws {
        let k = weights.count
        guard k >= 1, means.rowCount == k, covariances.count == k, degreesOfFreedom.count == k else {
            throw EMError.invalidModel(reason: "a Student-t mixture needs as many means, covariances and degrees of freedom as weights")
        }
        guard weights.allSatisfy({ $0 > 0 }), abs(weights.reduce(0, +) - 1) < 1e-6 else {
            throw EMError.invalidModel(reason: "weights must be positive and sum to 1")
        }
        guard degreesOfFreedom.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw EMError.invalidModel(reason: "degrees of freedom must be positive and finite")
        }
        let d = means.columnCount
        var factors: [[Double]] = []
        var halves: [Double] = []
        for (index, sigma) in covariances.enumerated() {
            guard sigma.rowCount == d, sigma.columnCount == d, sigma.asymmetry <= 1e-10,
                let cholesky = Cholesky(symmetric: sigma.elements, dimension: d)
            else {
                throw EMError.degenerateComponent(component: index, iteration: 0, reason: .singularCovariance)
            }
            factors.append(cholesky.inverseTransposed)
            halves.append(-cholesky.logDeterminant / 2)
        }
        let total = weights.reduce(0, +)
        self.weights = weights.map { $0 / total }
        self.means = means
        self.covariances = covariances
        self.degreesOfFreedom = degreesOfFreedom
        self.regularization = regularization
        precisionCholesky = factors
        halfLogPrecisionDeterminants = halves
    }

    /// The number of components K.
    public var componentCount: Int { weights.count }
    /// The dimension d.
    public var dimension: Int { means.columnCount }
    /// Free parameters: K − 1 weights, K·d means, K·d(d+1)/2 scales and K degrees of freedom (when learned).
    public var parameterCount: Int {
        let k = componentCount, d = dimension
        return (k - 1) + k * d + k * d * (d + 1) / 2 + (learnsDegreesOfFreedom ? k : 0)
    }

    /// The squared Mahalanobis distances of `count` rows to component `c`, into `distances`.
    func distances(_ rows: UnsafePointer<Double>, count: Int, component c: Int, into distances: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>) {
        means.elements.withUnsafeBufferPointer { mu in
            precisionCholesky[c].withUnsafeBufferPointer { u in
                emk_triangular_distances(
                    count, dimension, rows, mu.baseAddress.unsafelyUnwrapped + c * dimension, u.baseAddress.unsafelyUnwrapped,
                    distances, scratch)
            }
        }
    }

    /// The part of `log πₖ + log t(x | k)` that does not depend on x, per component:
    /// `log πₖ + log Γ((ν+d)/2) − log Γ(ν/2) − (d/2) log(νπ) + ½ log det Σₖ⁻¹`.
    func logNormalisers() -> [Double] {
        let d = Double(dimension)
        return (0..<componentCount).map { c in
            let nu = degreesOfFreedom[c]
            return _log(weights[c]) + _lgamma((nu + d) / 2) - _lgamma(nu / 2) - d / 2 * _log(nu * Double.pi)
                + halfLogPrecisionDeterminants[c]
        }
    }

    /// `log πₖ + log t(x | k)` from a squared distance δ and the component's `logNormalisers()` entry.
    @inline(__always)
    func weightedLogDensity(component c: Int, distance: Double, normaliser: Double) -> Double {
        let nu = degreesOfFreedom[c]
        return normaliser - (nu + Double(dimension)) / 2 * _log1p(distance / nu)
    }
}

/// The statistics of the ECM's E-step for a Student-t mixture.
public struct StudentTMixtureStatistics: ModelStatistics {
    /// Moments weighted by τ·u (responsibility × the latent precision weight).
    public internal(set) var moments: GaussianMoments
    /// Σ τ per component.
    public internal(set) var responsibilityTotals: [Double]
    /// Σ τ (log u − u) per component, for the degrees of freedom.
    public internal(set) var logWeightTerms: [Double]

    public mutating func merge(_ other: StudentTMixtureStatistics) {
        moments.merge(other.moments)
        for k in responsibilityTotals.indices {
            responsibilityTotals[k] += other.responsibilityTotals[k]
            logWeightTerms[k] += other.logWeightTerms[k]
        }
    }

    /// Σ τ over components: the samples' total weight.
    public var sampleWeight: Double { responsibilityTotals.reduce(0, +) }

    public mutating func scale(by factor: Double) {
        moments.scale(by: factor)
        for k in responsibilityTotals.indices {
            responsibilityTotals[k] *= factor
            logWeightTerms[k] *= factor
        }
    }
}

extension StudentTMixtureStatistics: PortableStatistics {
    public static var archiveKind: String { "student-t-mixture" }

    /// Moments of the same shape and as many components.
    public func hasShape(of other: StudentTMixtureStatistics) -> Bool {
        moments.hasShape(of: other.moments) && responsibilityTotals.count == other.responsibilityTotals.count
            && logWeightTerms.count == other.logWeightTerms.count
    }

    public func write(to writer: inout StatisticsWriter) {
        moments.write(to: &writer)
        writer.write(responsibilityTotals)
        writer.write(logWeightTerms)
    }

    public init(from reader: inout StatisticsReader) throws {
        moments = try GaussianMoments(from: &reader)
        responsibilityTotals = try reader.readDoubles(count: moments.groupCount)
        logWeightTerms = try reader.readDoubles(count: moments.groupCount)
    }
}

extension StudentTMixture: EMModel {
    public typealias Dataset = RowDataset

    public func emptyStatistics() -> StudentTMixtureStatistics {
        StudentTMixtureStatistics(
            moments: GaussianMoments(groupCount: componentCount, dimension: dimension, scatterShape: .full),
            responsibilityTotals: Array(repeating: 0, count: componentCount),
            logWeightTerms: Array(repeating: 0, count: componentCount))
    }

    /// The E-step: responsibilities τ and latent weights u = (ν + d)/(ν + δ).
    public func accumulate(_ chunk: RowBlock, into statistics: inout StudentTMixtureStatistics) throws -> ChunkLikelihood {
        let k = componentCount
        let d = dimension
        guard chunk.dataset.dimension == d else { throw EMError.dimensionMismatch(expected: d, actual: chunk.dataset.dimension) }
        let n = chunk.rows.count
        var accumulator = ShiftedMomentAccumulator(shifts: means.elements, groupCount: k, dimension: d, scatterShape: .full)
        var logLikelihood = 0.0
        var totalWeight = 0.0
        let distance = UnsafeMutablePointer<Double>.allocate(capacity: k * max(n, 1))
        let weightsTimesU = UnsafeMutablePointer<Double>.allocate(capacity: k * max(n, 1))
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: max(emk_triangular_distances_scratch(d), emk_accumulate_full_scratch(d)))
        defer {
            distance.deallocate()
            weightsTimesU.deallocate()
            scratch.deallocate()
        }
        var logDensities = [Double](repeating: 0, count: k)
        let normalisers = logNormalisers()
        try chunk.withUnsafeRows { rows, sampleWeights in
            for c in 0..<k { distances(rows, count: n, component: c, into: distance + c * n, scratch: scratch) }
            for b in 0..<n {
                let w = sampleWeights?[b] ?? 1
                for c in 0..<k {
                    logDensities[c] = weightedLogDensity(component: c, distance: distance[c * n + b], normaliser: normalisers[c])
                }
                let logSum = logDensities.withUnsafeMutableBufferPointer { logSumExp($0.baseAddress.unsafelyUnwrapped, count: k).logSum }
                if w > 0 {
                    logLikelihood += w * logSum
                    totalWeight += w
                }
                for c in 0..<k {
                    let tau = w == 0 ? 0 : w * _exp(logDensities[c] - logSum)
                    let nu = degreesOfFreedom[c]
                    let u = (nu + Double(d)) / (nu + distance[c * n + b])
                    weightsTimesU[c * n + b] = tau * u
                    statistics.responsibilityTotals[c] += tau
                    statistics.logWeightTerms[c] += tau * (_log(u) - u)
                }
            }
            for c in 0..<k {
                accumulator.addBlock(rows, transposed: nil, count: n, weights: weightsTimesU + c * n, group: c, scratch: scratch)
            }
            for c in 0..<k { for b in 0..<n { accumulator.weights[c] += weightsTimesU[c * n + b] } }
        }
        accumulator.merge(into: &statistics.moments)
        return ChunkLikelihood(logLikelihood: logLikelihood, sampleWeight: totalWeight)
    }

    /// The two conditional M-steps: π, μ, Σ given ν, then each ν given the rest.
    public func maximized(from statistics: StudentTMixtureStatistics) throws -> StudentTMixture {
        let k = componentCount
        let d = dimension
        let total = statistics.responsibilityTotals.reduce(0, +)
        guard total > 0 else { throw EMError.noSamples }
        var newWeights: [Double] = []
        var newCovariances: [Matrix] = []
        var newDegrees = degreesOfFreedom
        for c in 0..<k {
            let nk = statistics.responsibilityTotals[c]
            guard nk > 0, statistics.moments.weights[c] > 0 else {
                throw EMError.degenerateComponent(component: c, iteration: 0, reason: .emptyComponent)
            }
            newWeights.append(nk / total)
            var sigma = Matrix(rowCount: d, columnCount: d, elements: statistics.moments.scatterMatrix(group: c).map { $0 / nk })
            for j in 0..<d { sigma[j, j] += regularization }
            newCovariances.append(sigma)
            if learnsDegreesOfFreedom {
                newDegrees[c] = Self.degreesOfFreedom(
                    previous: degreesOfFreedom[c], dimension: d, meanLogWeightTerm: statistics.logWeightTerms[c] / nk)
            }
        }
        do {
            var next = try StudentTMixture(
                weights: newWeights, means: Matrix(rowCount: k, columnCount: d, elements: statistics.moments.means),
                covariances: newCovariances, degreesOfFreedom: newDegrees, regularization: regularization)
            next.learnsDegreesOfFreedom = learnsDegreesOfFreedom
            return next
        } catch EMError.degenerateComponent(let c, _, let reason) {
            throw EMError.degenerateComponent(component: c, iteration: 0, reason: reason)
        }
    }

    /// The degrees of freedom the ECM may choose, [10⁻³, 200].
    ///
    /// A cluster with Gaussian tails has its likelihood maximum at ν = ∞, which ECM approaches
    /// ever more slowly (sublinearly: no stopping rule can tell how far it still is). At ν = 200 a
    /// t density differs from the Gaussian by less than the noise of any realistic sample
    /// (teigen caps ν at 200 for the same reason), so the fit stops there and reports the
    /// component as Gaussian (`componentsAtGaussianLimit`).
    public static let degreesOfFreedomRange: ClosedRange<Double> = 1e-3...200

    /// The components whose ν sits at the upper end of `degreesOfFreedomRange`: Gaussian in all
    /// but name.
    public var componentsAtGaussianLimit: [Int] {
        (0..<componentCount).filter { degreesOfFreedom[$0] >= Self.degreesOfFreedomRange.upperBound * (1 - 1e-9) }
    }

    /// The ECM's second conditional step for one component: the root in ν of
    ///
    /// ```
    /// −ψ(ν/2) + log(ν/2) + 1 + (1/nₖ) Σᵢ τᵢₖ (log uᵢₖ − uᵢₖ) + ψ((ν_old + d)/2) − log((ν_old + d)/2) = 0
    /// ```
    ///
    /// found by bisection on log ν in `degreesOfFreedomRange` (the left side decreases in ν); a
    /// root outside that range is clamped to it, which maximises Q over the range.
    static func degreesOfFreedom(previous: Double, dimension d: Int, meanLogWeightTerm: Double) -> Double {
        let constant = 1 + meanLogWeightTerm + digamma((previous + Double(d)) / 2) - _log((previous + Double(d)) / 2)
        func f(_ nu: Double) -> Double { -digamma(nu / 2) + _log(nu / 2) + constant }
        let range = degreesOfFreedomRange
        var low = _log(range.lowerBound)
        var high = _log(range.upperBound)
        if f(range.upperBound) > 0 { return range.upperBound }
        if f(range.lowerBound) < 0 { return range.lowerBound }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if f(_exp(middle)) > 0 { low = middle } else { high = middle }
            if high - low < 1e-14 { break }
        }
        return _exp((low + high) / 2)
    }

    /// Components by descending weight, ties by the first coordinate of the mean (as Gaussian mixtures).
    public func canonicalized() -> StudentTMixture {
        let order = canonicalComponentOrder(weights: weights, tieKeys: (0..<componentCount).map { means[$0, 0] })
        guard order != Array(0..<componentCount),
            var result = try? StudentTMixture(
                weights: order.map { weights[$0] }, means: means.rows(at: order), covariances: order.map { covariances[$0] },
                degreesOfFreedom: order.map { degreesOfFreedom[$0] }, regularization: regularization)
        else { return self }
        result.learnsDegreesOfFreedom = learnsDegreesOfFreedom
        return result
    }
}

extension StudentTMixture: ParameterVectorConvertible {
    /// The weights, the means (row after row), each scale matrix's upper triangle (row by row),
    /// and log νₖ (so that an extrapolation keeps ν positive).
    public var parameterVector: [Double] {
        let d = dimension
        var vector = weights + means.elements
        for sigma in covariances {
            for i in 0..<d { for j in i..<d { vector.append(sigma[i, j]) } }
        }
        return vector + degreesOfFreedom.map { _log($0) }
    }

    public func replacingParameters(with vector: [Double]) -> StudentTMixture? {
        let k = componentCount
        let d = dimension
        let triangle = d * (d + 1) / 2
        guard vector.count == k + k * d + k * triangle + k, vector.allSatisfy({ $0.isFinite }) else { return nil }
        let newWeights = Array(vector[0..<k])
        guard newWeights.allSatisfy({ $0 > 0 }) else { return nil }
        let total = newWeights.reduce(0, +)
        var offset = k + k * d
        var newCovariances: [Matrix] = []
        for _ in 0..<k {
            var sigma = Matrix(rowCount: d, columnCount: d)
            for i in 0..<d {
                for j in i..<d {
                    sigma[i, j] = vector[offset]
                    sigma[j, i] = vector[offset]
                    offset += 1
                }
            }
            newCovariances.append(sigma)
        }
        let newDegrees = vector[offset...].map { _exp($0) }
        guard var result = try? StudentTMixture(
            weights: newWeights.map { $0 / total }, means: Matrix(rowCount: k, columnCount: d, elements: Array(vector[k..<(k + k * d)])),
            covariances: newCovariances, degreesOfFreedom: newDegrees, regularization: regularization)
        else { return nil }
        result.learnsDegreesOfFreedom = learnsDegreesOfFreedom
        return result
    }
}

extension StudentTMixture {
    /// What `StudentTMixture.fit` needs besides the data.
    public struct FitOptions: Sendable {
        /// K.
        public var componentCount: Int
        /// Every restart starts here when given; otherwise from a k-means initialisation of a
        /// Gaussian mixture (its weights, means and covariances) with ν = `initialDegreesOfFreedom`.
        public var start: StudentTMixture? = nil
        /// ν of every component at the start. Default 20.
        public var initialDegreesOfFreedom: Double = 20
        /// Added to every scale matrix's diagonal in the M-step (data units squared). Default 1e-6.
        public var regularization: Double = 1e-6
        /// Accelerate ECM with SQUAREM (`SQUAREMStep`): ν often drifts slowly towards large values
        /// on clusters with light tails, where plain ECM crawls. Default `false`.
        public var squarem: Bool = false
        /// Tolerance, iterations, restarts, seed, threads, observer.
        public var em: EMOptions = EMOptions()

        /// Options for K components; omitted ones keep their defaults.
        public init(
            componentCount: Int, start: StudentTMixture? = nil, initialDegreesOfFreedom: Double = 20, regularization: Double = 1e-6,
            squarem: Bool = false, em: EMOptions = EMOptions()
        ) {
            self.componentCount = componentCount
            self.start = start
            self.initialDegreesOfFreedom = initialDegreesOfFreedom
            self.regularization = regularization
            self.squarem = squarem
            self.em = em
        }
    }

    /// Fits a Student-t mixture by ECM.
    ///
    /// - Throws: as `GaussianMixture.fit(_:options:)`, and `EMError.invalidParameter` naming
    ///   `initialDegreesOfFreedom` or `start` when they do not fit.
    public static func fit(_ data: RowDataset, options: FitOptions) throws -> EMResult<StudentTMixture> {
        if options.squarem {
            return try fit(data, componentCount: options.componentCount, start: options.start,
                initialDegreesOfFreedom: options.initialDegreesOfFreedom, regularization: options.regularization,
                policy: SQUAREMStep<StudentTMixture>(), options: options.em)
        }
        return try fit(data, componentCount: options.componentCount, start: options.start,
            initialDegreesOfFreedom: options.initialDegreesOfFreedom, regularization: options.regularization,
            policy: PlainEMStep<StudentTMixture>(), options: options.em)
    }

    private static func fit<Policy: EMStepPolicy>(
        _ data: RowDataset, componentCount: Int, start: StudentTMixture?, initialDegreesOfFreedom: Double,
        regularization: Double, policy: Policy, options: EMOptions
    ) throws -> EMResult<StudentTMixture> where Policy.Model == StudentTMixture {
        guard componentCount >= 1 else {
            throw EMError.invalidParameter(name: "componentCount", value: "\(componentCount)", expected: "an integer ≥ 1")
        }
        guard initialDegreesOfFreedom > 0, initialDegreesOfFreedom.isFinite else {
            throw EMError.invalidParameter(name: "initialDegreesOfFreedom", value: "\(initialDegreesOfFreedom)", expected: "a positive number")
        }
        try options.validate()
        var options = options
        if let start {
            guard start.componentCount == componentCount, start.dimension == data.dimension else {
                throw EMError.invalidParameter(name: "start", value: "\(start.componentCount) components in \(start.dimension) dimensions",
                    expected: "\(componentCount) components in \(data.dimension) dimensions")
            }
            options.canonicalOrder = false
            return try ExpectationMaximization.fit(data, options: options, policy: policy) { _, _ in start }
        }
        let distinct = try data.distinctRowCount(upTo: componentCount)
        guard distinct >= componentCount else { throw EMError.tooManyComponents(components: componentCount, samples: distinct) }
        var gaussianOptions = GaussianMixture.FitOptions(componentCount: componentCount)
        gaussianOptions.settings.regularization = regularization
        return try ExpectationMaximization.fit(data, options: options, policy: policy) { _, generator in
            let gaussian = try GaussianMixture.initialMixture(for: data, options: gaussianOptions, using: &generator)
            return try StudentTMixture(
                weights: gaussian.weights, means: gaussian.means, covariances: gaussian.covariances,
                degreesOfFreedom: Array(repeating: initialDegreesOfFreedom, count: componentCount), regularization: regularization)
        }
    }
}

extension StudentTMixture: Mixture {
    public func forEachWeightedLogDensity(
        of samples: Matrix, _ body: (_ row: Int, _ logDensities: UnsafeMutablePointer<Double>) -> Void
    ) throws {
        try checkShape(samples)
        let n = samples.rowCount
        guard n > 0 else { return }
        let k = componentCount
        let distance = UnsafeMutablePointer<Double>.allocate(capacity: k * n)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: emk_triangular_distances_scratch(dimension))
        let row = UnsafeMutablePointer<Double>.allocate(capacity: k)
        defer {
            distance.deallocate()
            scratch.deallocate()
            row.deallocate()
        }
        samples.elements.withUnsafeBufferPointer { buffer in
            for c in 0..<k { distances(buffer.baseAddress.unsafelyUnwrapped, count: n, component: c, into: distance + c * n, scratch: scratch) }
        }
        let normalisers = logNormalisers()
        for b in 0..<n {
            for c in 0..<k { row[c] = weightedLogDensity(component: c, distance: distance[c * n + b], normaliser: normalisers[c]) }
            body(b, row)
        }
    }
}

extension StudentTMixture {
    /// `count` samples and their components: x = μ + L z / √(w), z standard normal, Σ = L Lᵀ,
    /// w ~ χ²_ν / ν (a Gamma draw by Marsaglia & Tsang 2000).
    public func sample(count: Int, using generator: inout some RandomNumberGenerator) -> (samples: Matrix, components: [Int]) {
        precondition(count >= 0, "sample count must be non-negative")
        let d = dimension
        let factors = covariances.map { Cholesky.samplingFactor(ofCovariance: $0.elements, dimension: d) }
        var elements: [Double] = []
        elements.reserveCapacity(count * d)
        var labels: [Int] = []
        for _ in 0..<count {
            let c = generator.nextIndex(weights: weights)
            labels.append(c)
            let nu = degreesOfFreedom[c]
            let scale = (nu / (2 * gammaVariate(shape: nu / 2, using: &generator))).squareRoot()
            let z = (0..<d).map { _ in generator.nextStandardNormal() }
            for i in 0..<d {
                var value = 0.0
                for j in 0...i { value += factors[c][i * d + j] * z[j] }
                elements.append(means[c, i] + scale * value)
            }
        }
        return (Matrix(rowCount: count, columnCount: d, elements: elements), labels)
    }
}

extension StudentTMixture {
    /// Components lighter than one sample or than their parameters (weight, mean, scale matrix
    /// and ν) (`DegeneratePart`).
    public func degenerateParts(sampleWeight: Double) -> [DegeneratePart] {
        let d = dimension
        return DegeneratePart.sparseComponents(
            weights: weights, sampleWeight: sampleWeight, parametersPerComponent: 2 + d + d * (d + 1) / 2)
    }
}
