/// Each component has its own variance, the same in every direction: `σₖ² I` (mclust's VII).
/// Stored as `K` variances; precision factors are one `1/σₖ` per component.
enum SphericalCovariance: CovarianceStructure {
    static var type: CovarianceType { .spherical }
    static func freeParameterCount(componentCount k: Int, dimension d: Int) -> Int { k }
    static var scatterShape: GaussianMoments.ScatterShape { .diagonal }
    static var factorLayout: PrecisionFactorLayout { .diagonal(perCoordinate: false) }
    static func componentStride(dimension d: Int) -> Int? { 1 }
    static func squareMatricesHeld(componentCount k: Int) -> Int { 0 }

    static func compactParameters(from covariances: [Matrix], componentCount k: Int, dimension d: Int) throws -> [Double] {
        try DiagonalCovariance.requireDiagonal(covariances, type: type)
        return try covariances.enumerated().map { index, sigma in
            let v = sigma[0, 0]
            for i in 1..<max(d, 1) where abs(sigma[i, i] - v) > 1e-12 * max(1, abs(v)) {
                throw EMError.invalidModel(reason: "covariance \(index + 1) is not a multiple of the identity (spherical)")
            }
            return v
        }
    }

    static func factorize(_ parameters: [Double], componentCount k: Int, dimension d: Int) throws
        -> (factors: [Double], halfLogDeterminants: [Double])
    {
        var factors = [Double](repeating: 0, count: k)
        var halfLogDeterminants = [Double](repeating: 0, count: k)
        for c in 0..<k {
            let variance = parameters[c]
            guard variance > 0, variance.isFinite else {
                throw EMError.degenerateComponent(component: c, iteration: 0, reason: .singularCovariance)
            }
            factors[c] = 1 / variance.squareRoot()
            halfLogDeterminants[c] = -Double(d) * _log(variance) / 2
        }
        return (factors, halfLogDeterminants)
    }

    static func covariance(component c: Int, parameters: [Double], dimension d: Int) -> Matrix {
        var sigma = Matrix(rowCount: d, columnCount: d)
        for j in 0..<d { sigma[j, j] = parameters[c] }
        return sigma
    }

    static func variances(component c: Int, parameters: [Double], dimension d: Int) -> [Double] {
        Array(repeating: parameters[c], count: d)
    }

    static func smallestEigenvalue(component c: Int, parameters: [Double], dimension d: Int) -> Double { parameters[c] }

    static func precisionFactor(component c: Int, factors: [Double], dimension d: Int) -> [Double] {
        var u = [Double](repeating: 0, count: d * d)
        for j in 0..<d { u[j * d + j] = factors[c] }
        return u
    }

    /// σ²ₖ = tr(Wₖ)/(d nₖ) + λ: the mean of the regularised variances.
    static func maximumLikelihood(component c: Int, _ moments: CovarianceMoments) -> [Double]? {
        [moments.regularizedVariances(c).reduce(0, +) / Double(moments.dimension)]
    }

    /// σ²ₖ = (tr Λ/d + Σⱼ ((Wₖ)ⱼⱼ + qₖ δₖⱼ²)) / (ν + (nₖ + 1) d + 2) + λ (Fraley & Raftery 2007, VII).
    static func posteriorMode(_ m: ConjugateCovarianceMoments) -> [Double] {
        let d = m.dimension
        return (0..<m.componentCount).map { c in
            let w = m.scatter(c)
            let (q, delta, n) = (m.shrinkage[c], m.offsets[c], m.counts[c])
            var sum = (0..<d).reduce(0) { $0 + m.scale[$1, $1] } / Double(d)
            for j in 0..<d { sum += w[j * d + j] + q * delta[j] * delta[j] }
            return sum / (m.degreesOfFreedom + (n + 1) * Double(d) + 2) + m.regularization
        }
    }

    /// inverse-gamma(σ² | ν/2, tr Λ/(2d)); tr(Σ⁻¹Λ) = tr Λ/σ².
    static func logPriorDensity(halfLogPrecision: Double, halfTrace: Double, scale: Matrix, degreesOfFreedom nu: Double) -> Double {
        let dd = Double(scale.rowCount)
        let rate = (0..<scale.rowCount).reduce(0) { $0 + scale[$1, $1] } / (2 * dd)
        return nu / 2 * _log(rate) - _lgamma(nu / 2) + (nu / 2 + 1) * 2 * halfLogPrecision / dd - halfTrace / dd
    }

    /// νₖ = ν₀ + Nₖ;  σ̂²ₖ = (tr Ψ₀/d + Σⱼ ((Wₖ)ⱼⱼ + Nₖ r + (Nₖβ₀/βₖ) δₖⱼ²)/d) / νₖ.
    static func variationalUpdate(_ m: VariationalCovarianceMoments) -> (parameters: [Double], degreesOfFreedom: [Double]) {
        let d = m.dimension
        let dd = Double(d)
        let nu = m.counts.map { m.priorDegreesOfFreedom + $0 }
        let meanPsi = (0..<d).reduce(0) { $0 + m.priorCovariance[$1, $1] } / dd
        let parameters = (0..<m.componentCount).map { c in
            (meanPsi + VariationalCovarianceMoments.regularizedScatterDiagonal(m, component: c).reduce(0, +) / dd) / nu[c]
        }
        return (parameters, nu)
    }
}
