/// Each component has its own unrestricted covariance matrix (mclust's VVV). Stored as `K`
/// row-major `d × d` matrices; precision factors are upper-triangular.
enum FullCovariance: CovarianceStructure {
    static var type: CovarianceType { .full }
    static func freeParameterCount(componentCount k: Int, dimension d: Int) -> Int { k * d * (d + 1) / 2 }
    static var scatterShape: GaussianMoments.ScatterShape { .full }
    static var factorLayout: PrecisionFactorLayout { .triangular(shared: false) }
    static func componentStride(dimension d: Int) -> Int? { d * d }
    static func squareMatricesHeld(componentCount k: Int) -> Int { 4 * k }

    static func compactParameters(from covariances: [Matrix], componentCount k: Int, dimension d: Int) throws -> [Double] {
        covariances.flatMap(\.elements)
    }

    static func factorize(_ parameters: [Double], componentCount k: Int, dimension d: Int) throws
        -> (factors: [Double], halfLogDeterminants: [Double])
    {
        var factors = [Double](repeating: 0, count: parameters.count)
        var halfLogDeterminants = [Double](repeating: 0, count: k)
        for c in 0..<k {
            let (factor, half) = try TriangularFactor.precision(of: parameters, block: c, dimension: d)
            factors.replaceSubrange((c * d * d)..<((c + 1) * d * d), with: factor)
            halfLogDeterminants[c] = half
        }
        return (factors, halfLogDeterminants)
    }

    static func covariance(component c: Int, parameters: [Double], dimension d: Int) -> Matrix {
        Matrix(rowCount: d, columnCount: d, elements: Array(parameters[(c * d * d)..<((c + 1) * d * d)]))
    }

    static func variances(component c: Int, parameters: [Double], dimension d: Int) -> [Double] {
        (0..<d).map { parameters[c * d * d + $0 * d + $0] }
    }

    static func smallestEigenvalue(component c: Int, parameters: [Double], dimension d: Int) -> Double {
        covariance(component: c, parameters: parameters, dimension: d).symmetricEigenvalues().first ?? 0
    }

    static func precisionFactor(component c: Int, factors: [Double], dimension d: Int) -> [Double] {
        Array(factors[(c * d * d)..<((c + 1) * d * d)])
    }

    /// Σₖ = Wₖ/nₖ + λI.
    static func maximumLikelihood(component c: Int, _ moments: CovarianceMoments) -> [Double]? {
        let d = moments.dimension
        var block = moments.covariance(c)
        for j in 0..<d { block[j * d + j] += moments.regularization }
        return block
    }

    /// Σₖ = (Λ + Wₖ + qₖ δₖδₖᵀ) / (ν + nₖ + d + 2) + λI (Fraley & Raftery 2007, VVV).
    static func posteriorMode(_ m: ConjugateCovarianceMoments) -> [Double] {
        let d = m.dimension
        var parameters: [Double] = []
        parameters.reserveCapacity(m.componentCount * d * d)
        for c in 0..<m.componentCount {
            let w = m.scatter(c)
            let (q, delta, n) = (m.shrinkage[c], m.offsets[c], m.counts[c])
            var block = [Double](repeating: 0, count: d * d)
            for i in 0..<d {
                for j in 0..<d {
                    block[i * d + j] = (m.scale[i, j] + w[i * d + j] + q * delta[i] * delta[j]) / (m.degreesOfFreedom + n + Double(d) + 2)
                }
                block[i * d + i] += m.regularization
            }
            parameters += block
        }
        return parameters
    }

    static func logPriorDensity(halfLogPrecision: Double, halfTrace: Double, scale: Matrix, degreesOfFreedom nu: Double) -> Double {
        TriangularFactor.logInverseWishartDensity(halfLogPrecision: halfLogPrecision, halfTrace: halfTrace, scale: scale, degreesOfFreedom: nu)
    }

    /// νₖ = ν₀ + Nₖ;  Ψₖ/νₖ = (Ψ₀ + Wₖ + Nₖ r I + (Nₖβ₀/βₖ) δₖδₖᵀ) / νₖ.
    static func variationalUpdate(_ m: VariationalCovarianceMoments) -> (parameters: [Double], degreesOfFreedom: [Double]) {
        let d = m.dimension
        let nu = m.counts.map { m.priorDegreesOfFreedom + $0 }
        var parameters: [Double] = []
        for c in 0..<m.componentCount {
            let scatter = m.scatter(c)
            let shrink = m.counts[c] * m.priorMeanPrecision / m.meanPrecisions[c]
            for i in 0..<d {
                for j in 0..<d {
                    let ridge = i == j ? m.counts[c] * m.regularization : 0
                    parameters.append(
                        (m.priorCovariance[i, j] + scatter[i * d + j] + ridge + shrink * m.offsets[c][i] * m.offsets[c][j]) / nu[c])
                }
            }
        }
        return (parameters, nu)
    }
}

/// What the structures with triangular precision factors (full, tied) share.
enum TriangularFactor {
    /// The upper-triangular precision factor of the `d × d` block `block` of `parameters`, and
    /// `½ log det Σ⁻¹`.
    ///
    /// - Throws: `EMError.degenerateComponent(component: block)` when it is not positive definite.
    static func precision(of parameters: [Double], block: Int, dimension d: Int) throws -> (factor: [Double], halfLogDeterminant: Double) {
        guard let cholesky = Cholesky(symmetric: Array(parameters[(block * d * d)..<((block + 1) * d * d)]), dimension: d) else {
            throw EMError.degenerateComponent(component: block, iteration: 0, reason: .singularCovariance)
        }
        return (cholesky.inverseTransposed, -cholesky.logDeterminant / 2)
    }

    /// inverse-Wishart(ν, Λ) at Σ: (ν/2) log|Λ| − (νd/2) log 2 − log Γ_d(ν/2) − ((ν+d+1)/2) log|Σ| − ½ tr(Σ⁻¹Λ).
    static func logInverseWishartDensity(halfLogPrecision: Double, halfTrace: Double, scale: Matrix, degreesOfFreedom nu: Double) -> Double {
        let d = scale.rowCount
        let dd = Double(d)
        var logMultivariateGamma = dd * (dd - 1) / 4 * _log(Double.pi)
        for j in 0..<d { logMultivariateGamma += _lgamma((nu - Double(j)) / 2) }
        let logDetScale = Cholesky(symmetric: scale.elements, dimension: d)?.logDeterminant ?? 0
        return nu / 2 * logDetScale - nu * dd / 2 * _log(2) - logMultivariateGamma + (nu + dd + 1) * halfLogPrecision - halfTrace
    }
}
