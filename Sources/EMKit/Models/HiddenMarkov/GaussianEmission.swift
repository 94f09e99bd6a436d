import EMKitKernels

/// Gaussian emissions, one multivariate normal per state, with any covariance structure (full,
/// diagonal, spherical, tied). The densities and the M-step are those of `GaussianMixture`, whose
/// components here are the states (its mixing weights are unused).
public struct GaussianEmission: HMMEmission {
    /// The states' Gaussians, as the components of a mixture.
    public internal(set) var gaussians: GaussianMixture

    /// Emissions with the given means (`S × d`) and covariances (S full `d × d` matrices, shaped as
    /// `covarianceType` requires; one for `.tied`).
    ///
    /// - Throws: `EMError.invalidModel` saying what is wrong.
    public init(means: Matrix, covariances: [Matrix], covarianceType: CovarianceType, regularization: Double = 0) throws {
        let s = means.rowCount
        gaussians = try GaussianMixture(
            weights: Array(repeating: 1 / Double(max(s, 1)), count: s), means: means, covariances: covariances,
            covarianceType: covarianceType, fitSettings: .init(regularization: regularization))
    }

    init(gaussians: GaussianMixture) { self.gaussians = gaussians }

    public static var familyName: String { "gaussian" }
    public var stateCount: Int { gaussians.componentCount }
    public var dimension: Int { gaussians.dimension }
    public var parameterCount: Int { gaussians.parameterCount - (stateCount - 1) }
    /// The means, `S × d`.
    public var means: Matrix { gaussians.means }
    /// The covariances, S full `d × d` matrices.
    public var covariances: [Matrix] { gaussians.covariances }
    /// The covariance structure.
    public var covarianceType: CovarianceType { gaussians.covarianceType }

    public func emptyStatistics() -> GaussianMoments {
        GaussianMoments(groupCount: stateCount, dimension: dimension, scatterShape: gaussians.covarianceType.scatterShape)
    }

    public static func merge(_ statistics: inout GaussianMoments, _ other: GaussianMoments) { statistics.merge(other) }

    public static func scale(_ statistics: inout GaussianMoments, by factor: Double) { statistics.scale(by: factor) }

    public func logDensities(_ rows: UnsafePointer<Double>, count: Int, into logDensities: UnsafeMutablePointer<Double>) {
        let s = stateCount
        gaussians.forEachBlockLogDensities(rows, count: count, includingWeights: false) { start, n, block in
            for c in 0..<s { for b in 0..<n { logDensities[(start + b) * s + c] = block[c * n + b] } }
        }
    }

    public func accumulate(
        _ rows: UnsafePointer<Double>, count: Int, posteriors: UnsafePointer<Double>, into statistics: inout GaussianMoments
    ) {
        let s = stateCount
        let d = dimension
        let full = gaussians.covarianceType.scatterShape == .full
        var accumulator = ShiftedMomentAccumulator(
            shifts: gaussians.means.elements, groupCount: s, dimension: d, scatterShape: gaussians.covarianceType.scatterShape)
        let column = UnsafeMutablePointer<Double>.allocate(capacity: max(count, 1))
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: emk_accumulate_full_scratch(d))
        defer {
            column.deallocate()
            scratch.deallocate()
        }
        let transposed = UnsafeMutablePointer<Double>.allocate(capacity: full ? 1 : d * max(count, 1))
        defer { transposed.deallocate() }
        if !full { emk_transpose(count, d, rows, transposed) }
        for c in 0..<s {
            var total = 0.0
            for t in 0..<count {
                column[t] = posteriors[t * s + c]
                total += column[t]
            }
            accumulator.weights[c] += total
            accumulator.addBlock(rows, transposed: transposed, count: count, weights: column, group: c, scratch: scratch)
        }
        accumulator.merge(into: &statistics)
    }

    public func maximized(from statistics: GaussianMoments) throws -> GaussianEmission {
        var settings = gaussians.fitSettings
        settings.degeneracyPolicy = .fail
        var updated = try GaussianMixture.parameters(
            from: statistics, covarianceType: gaussians.covarianceType, fitSettings: settings,
            worstFitted: WorstFittedSamples(capacity: 0))
        updated.fitSettings = gaussians.fitSettings
        return GaussianEmission(gaussians: updated)
    }

    /// The states' Gaussians refitted under `prior` (its weight pseudo-count is ignored: the
    /// mixture's weights are unused here).
    ///
    /// - Throws: `EMError.invalidParameter` when the prior's dimension is not the emissions'.
    public func withPrior(_ prior: GaussianMixturePrior?) throws -> GaussianEmission {
        var result = self
        result.gaussians.fitSettings.prior = try prior.map { try $0.forEmissions(dimension: dimension) }
        return result
    }

    public func logPrior() -> Double { gaussians.logPrior() }

    public func sample(state: Int, using generator: inout some RandomNumberGenerator) -> [Double] {
        let d = dimension
        let sigma = gaussians.covariance(ofComponent: state)
        let l = Cholesky.samplingFactor(ofCovariance: sigma.elements, dimension: d)
        let z = (0..<d).map { _ in generator.nextStandardNormal() }
        return (0..<d).map { i in gaussians.means[state, i] + (0...i).reduce(0) { $0 + l[i * d + $1] * z[$1] } }
    }

    public func problem(with row: UnsafePointer<Double>) -> String? {
        for j in 0..<dimension where !row[j].isFinite { return "column \(j + 1) is \(row[j])" }
        return nil
    }
}

extension GaussianEmission {
    /// The states' Gaussians as a mixture's parameter vector (its unused weights included).
    public var parameterVector: [Double] { gaussians.parameterVector }

    public func replacingParameters(with vector: [Double]) -> GaussianEmission? {
        gaussians.replacingParameters(with: vector).map(GaussianEmission.init(gaussians:))
    }
}
