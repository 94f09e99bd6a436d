/// All components share one unrestricted covariance matrix (mclust's EEE). Stored as one
/// row-major `d × d` matrix; its precision factor is upper-triangular and shared.
enum TiedCovariance: CovarianceStructure {
    static var type: CovarianceType { .tied }
    static func freeParameterCount(componentCount k: Int, dimension d: Int) -> Int { d * (d + 1) / 2 }
    static var scatterShape: GaussianMoments.ScatterShape { .full }
    static var factorLayout: PrecisionFactorLayout { .triangular(shared: true) }
    static func componentStride(dimension d: Int) -> Int? { nil }
    static func squareMatricesHeld(componentCount k: Int) -> Int { 4 }

    static func compactParameters(from covariances: [Matrix], componentCount k: Int, dimension d: Int) throws -> [Double] {
        let first = covariances[0]
        for (index, sigma) in covariances.enumerated()
        where zip(sigma.elements, first.elements).contains(where: { abs($0 - $1) > 1e-12 * max(1, abs($1)) }) {
            throw EMError.invalidModel(reason: "tied covariances differ: covariance \(index + 1) is not covariance 1")
        }
        return first.elements
    }

    static func factorize(_ parameters: [Double], componentCount k: Int, dimension d: Int) throws
        -> (factors: [Double], halfLogDeterminants: [Double])
    {
        let (factor, half) = try TriangularFactor.precision(of: parameters, block: 0, dimension: d)
        return (factor, Array(repeating: half, count: k))
    }

    static func covariance(component c: Int, parameters: [Double], dimension d: Int) -> Matrix {
        Matrix(rowCount: d, columnCount: d, elements: parameters)
    }

    static func variances(component c: Int, parameters: [Double], dimension d: Int) -> [Double] {
        (0..<d).map { parameters[$0 * d + $0] }
    }

    static func smallestEigenvalue(component c: Int, parameters: [Double], dimension d: Int) -> Double {
        covariance(component: c, parameters: parameters, dimension: d).symmetricEigenvalues().first ?? 0
    }

    static func precisionFactor(component c: Int, factors: [Double], dimension d: Int) -> [Double] { factors }

    /// Σ = Σₖ Wₖ / Σₖ nₖ + λI.
    static func maximumLikelihood(_ moments: CovarianceMoments) -> [Double] {
        let d = moments.dimension
        var sum = [Double](repeating: 0, count: d * d)
        for c in 0..<moments.componentCount {
            let block = moments.scatter(c)
            for i in 0..<(d * d) { sum[i] += block[i] }
        }
        var parameters = sum.map { $0 / moments.total }
        for j in 0..<d { parameters[j * d + j] += moments.regularization }
        return parameters
    }

    static func maximumLikelihood(component c: Int, _ moments: CovarianceMoments) -> [Double]? { nil }

    /// Σ = (Λ + Σₖ (Wₖ + qₖ δₖδₖᵀ)) / (ν + n + K + d + 1) + λI (Fraley & Raftery 2007, EEE).
    static func posteriorMode(_ m: ConjugateCovarianceMoments) -> [Double] {
        let d = m.dimension
        var sum = m.scale.elements
        for c in 0..<m.componentCount {
            let w = m.scatter(c)
            let (q, delta) = (m.shrinkage[c], m.offsets[c])
            for i in 0..<d { for j in 0..<d { sum[i * d + j] += w[i * d + j] + q * delta[i] * delta[j] } }
        }
        var parameters = sum.map { $0 / (m.degreesOfFreedom + m.total + Double(m.componentCount) + Double(d) + 1) }
        for j in 0..<d { parameters[j * d + j] += m.regularization }
        return parameters
    }

    static func logPriorDensity(halfLogPrecision: Double, halfTrace: Double, scale: Matrix, degreesOfFreedom nu: Double) -> Double {
        TriangularFactor.logInverseWishartDensity(halfLogPrecision: halfLogPrecision, halfTrace: halfTrace, scale: scale, degreesOfFreedom: nu)
    }

    /// ν = ν₀ + N/K (shared);  Ψ/ν = (Ψ₀ + Σₖ (Wₖ/K + (β₀/K)(Nₖ/βₖ) δₖδₖᵀ) + (N/K) r I) / ν,
    /// as scikit-learn's `BayesianGaussianMixture` does.
    static func variationalUpdate(_ m: VariationalCovarianceMoments) -> (parameters: [Double], degreesOfFreedom: [Double]) {
        let d = m.dimension
        let k = Double(m.componentCount)
        let shared = m.priorDegreesOfFreedom + m.total / k
        var sum = m.priorCovariance.elements
        for c in 0..<m.componentCount {
            let scatter = m.scatter(c)
            let shrink = m.priorMeanPrecision / k * m.counts[c] / m.meanPrecisions[c]
            for i in 0..<(d * d) { sum[i] += scatter[i] / k + shrink * m.offsets[c][i / d] * m.offsets[c][i % d] }
        }
        for j in 0..<d { sum[j * d + j] += m.total / k * m.regularization }
        return (sum.map { $0 / shared }, Array(repeating: shared, count: m.componentCount))
    }
}
