/// Each component has its own diagonal covariance, independent coordinates (mclust's VVI).
/// Stored as `K·d` variances; precision factors are `1/σ` per coordinate.
enum DiagonalCovariance: CovarianceStructure {
    static var type: CovarianceType { .diagonal }
    static func freeParameterCount(componentCount k: Int, dimension d: Int) -> Int { k * d }
    static var scatterShape: GaussianMoments.ScatterShape { .diagonal }
    static var factorLayout: PrecisionFactorLayout { .diagonal(perCoordinate: true) }
    static func componentStride(dimension d: Int) -> Int? { d }
    static func squareMatricesHeld(componentCount k: Int) -> Int { 0 }

    static func compactParameters(from covariances: [Matrix], componentCount k: Int, dimension d: Int) throws -> [Double] {
        try requireDiagonal(covariances, type: type)
        return covariances.flatMap { sigma in (0..<d).map { sigma[$0, $0] } }
    }

    /// Checks that every matrix is diagonal.
    ///
    /// - Throws: `EMError.invalidModel` naming the first off-diagonal element that is not 0.
    static func requireDiagonal(_ covariances: [Matrix], type: CovarianceType) throws {
        for (index, sigma) in covariances.enumerated() {
            for i in 0..<sigma.rowCount {
                for j in 0..<sigma.columnCount where i != j && sigma[i, j] != 0 {
                    throw EMError.invalidModel(
                        reason: "covariance \(index + 1) has an off-diagonal element (\(i + 1), \(j + 1)) "
                            + "but the covariance type is \(type.rawValue)")
                }
            }
        }
    }

    static func factorize(_ parameters: [Double], componentCount k: Int, dimension d: Int) throws
        -> (factors: [Double], halfLogDeterminants: [Double])
    {
        var factors = [Double](repeating: 0, count: parameters.count)
        var halfLogDeterminants = [Double](repeating: 0, count: k)
        for c in 0..<k {
            var half = 0.0
            for j in 0..<d {
                let variance = parameters[c * d + j]
                guard variance > 0, variance.isFinite else {
                    throw EMError.degenerateComponent(component: c, iteration: 0, reason: .singularCovariance)
                }
                factors[c * d + j] = 1 / variance.squareRoot()
                half -= _log(variance) / 2
            }
            halfLogDeterminants[c] = half
        }
        return (factors, halfLogDeterminants)
    }

    static func covariance(component c: Int, parameters: [Double], dimension d: Int) -> Matrix {
        var sigma = Matrix(rowCount: d, columnCount: d)
        for j in 0..<d { sigma[j, j] = parameters[c * d + j] }
        return sigma
    }

    static func variances(component c: Int, parameters: [Double], dimension d: Int) -> [Double] {
        Array(parameters[(c * d)..<((c + 1) * d)])
    }

    static func smallestEigenvalue(component c: Int, parameters: [Double], dimension d: Int) -> Double {
        parameters[(c * d)..<((c + 1) * d)].min() ?? 0
    }

    static func precisionFactor(component c: Int, factors: [Double], dimension d: Int) -> [Double] {
        var u = [Double](repeating: 0, count: d * d)
        for j in 0..<d { u[j * d + j] = factors[c * d + j] }
        return u
    }

    /// σ²ₖⱼ = (Wₖ)ⱼⱼ/nₖ + λ.
    static func maximumLikelihood(component c: Int, _ moments: CovarianceMoments) -> [Double]? {
        moments.regularizedVariances(c)
    }

    /// σ²ₖⱼ = (Λⱼⱼ + (Wₖ)ⱼⱼ + qₖ δₖⱼ²) / (ν + nₖ + 3) + λ (Fraley & Raftery 2007, VVI).
    static func posteriorMode(_ m: ConjugateCovarianceMoments) -> [Double] {
        let d = m.dimension
        var parameters: [Double] = []
        for c in 0..<m.componentCount {
            let w = m.scatter(c)
            let (q, delta, n) = (m.shrinkage[c], m.offsets[c], m.counts[c])
            for j in 0..<d {
                parameters.append((m.scale[j, j] + w[j * d + j] + q * delta[j] * delta[j]) / (m.degreesOfFreedom + n + 3) + m.regularization)
            }
        }
        return parameters
    }

    /// Π inverse-gamma(σ²ⱼ | ν/2, Λⱼⱼ/2).
    static func logPriorDensity(halfLogPrecision: Double, halfTrace: Double, scale: Matrix, degreesOfFreedom nu: Double) -> Double {
        var total = 0.0
        for j in 0..<scale.rowCount { total += nu / 2 * _log(scale[j, j] / 2) - _lgamma(nu / 2) }
        return total + (nu / 2 + 1) * 2 * halfLogPrecision - halfTrace
    }

    /// νₖ = ν₀ + Nₖ;  σ̂²ₖⱼ = (Ψ₀ⱼⱼ + (Wₖ)ⱼⱼ + Nₖ r + (Nₖβ₀/βₖ) δₖⱼ²) / νₖ.
    static func variationalUpdate(_ m: VariationalCovarianceMoments) -> (parameters: [Double], degreesOfFreedom: [Double]) {
        let d = m.dimension
        let nu = m.counts.map { m.priorDegreesOfFreedom + $0 }
        var parameters: [Double] = []
        for c in 0..<m.componentCount {
            let variances = VariationalCovarianceMoments.regularizedScatterDiagonal(m, component: c)
            for j in 0..<d { parameters.append((m.priorCovariance[j, j] + variances[j]) / nu[c]) }
        }
        return (parameters, nu)
    }
}

extension VariationalCovarianceMoments {
    /// (Wₖ)ⱼⱼ + Nₖ r + (Nₖβ₀/βₖ) δₖⱼ², `[d]`: what the diagonal and spherical updates divide.
    static func regularizedScatterDiagonal(_ m: VariationalCovarianceMoments, component c: Int) -> [Double] {
        let shrink = m.counts[c] * m.priorMeanPrecision / m.meanPrecisions[c]
        let diagonal = m.scatterDiagonal(c)
        return (0..<m.dimension).map { j in
            diagonal[j] + m.counts[c] * m.regularization + shrink * m.offsets[c][j] * m.offsets[c][j]
        }
    }
}
