/// A Gaussian 𝒩(μ, Σ) seen through a missingness pattern: the marginal density of the observed
/// coordinates O, and the conditional distribution of the missing coordinates M given them,
///
/// ```
/// x_O ~ 𝒩(μ_O, Σ_OO)
/// x_M | x_O ~ 𝒩(μ_M + B (x_O − μ_O), Σ_MM − B Σ_OM),   B = Σ_MO Σ_OO⁻¹
/// ```
///
/// computed from the Cholesky factor of Σ_OO without forming an inverse: with Σ_OO⁻¹ = U Uᵀ and
/// V = Uᵀ Σ_OM, the conditional covariance is Σ_MM − VᵀV and B = Vᵀ Uᵀ.
public struct ConditionalGaussian: Sendable {
    /// The observed coordinates.
    public let observed: [Int]
    /// The missing coordinates.
    public let missing: [Int]
    /// μ_O.
    let observedMean: [Double]
    /// μ_M.
    let missingMean: [Double]
    /// U with Σ_OO⁻¹ = U Uᵀ, upper triangular, `|O| × |O|`.
    let precisionCholesky: [Double]
    /// ½ log det Σ_OO⁻¹.
    let halfLogPrecisionDeterminant: Double
    /// B = Σ_MO Σ_OO⁻¹, `|M| × |O|`.
    let regression: [Double]
    /// Σ_MM − B Σ_OM, `|M| × |M|`.
    public let conditionalCovariance: [Double]

    /// The view of 𝒩(mean, covariance) (`covariance` row-major `d × d`) through `pattern`.
    /// Returns `nil` when Σ_OO is not positive definite.
    public init?(mean: [Double], covariance: [Double], pattern: MissingPattern) {
        let d = pattern.dimension
        let o = pattern.observed
        let m = pattern.missing
        let no = o.count
        let nm = m.count
        var sigmaOO = [Double](repeating: 0, count: no * no)
        for (a, i) in o.enumerated() { for (b, j) in o.enumerated() { sigmaOO[a * no + b] = covariance[i * d + j] } }
        guard let cholesky = Cholesky(symmetric: sigmaOO, dimension: no) else { return nil }
        let u = cholesky.inverseTransposed
        // V = Uᵀ Σ_OM  (|O| × |M|): V[a][c] = Σ_b U[b][a] Σ[o_b][m_c], U upper so b ≤ a.
        var v = [Double](repeating: 0, count: no * nm)
        for a in 0..<no {
            for c in 0..<nm {
                var s = 0.0
                for b in 0...a { s += u[b * no + a] * covariance[o[b] * d + m[c]] }
                v[a * nm + c] = s
            }
        }
        var conditional = [Double](repeating: 0, count: nm * nm)
        for c in 0..<nm {
            for e in 0..<nm {
                var s = covariance[m[c] * d + m[e]]
                for a in 0..<no { s -= v[a * nm + c] * v[a * nm + e] }
                conditional[c * nm + e] = s
            }
        }
        // B = Vᵀ Uᵀ  (|M| × |O|): B[c][b] = Σ_a V[a][c] U[b][a], U upper so a ≥ b.
        var regression = [Double](repeating: 0, count: nm * no)
        for c in 0..<nm {
            for b in 0..<no {
                var s = 0.0
                for a in b..<no { s += v[a * nm + c] * u[b * no + a] }
                regression[c * no + b] = s
            }
        }
        observed = o
        missing = m
        observedMean = o.map { mean[$0] }
        missingMean = m.map { mean[$0] }
        precisionCholesky = u
        halfLogPrecisionDeterminant = -cholesky.logDeterminant / 2
        self.regression = regression
        conditionalCovariance = conditional
    }

    /// `log 𝒩(x_O | μ_O, Σ_OO)` for the full row `x` (missing entries are ignored).
    public func logDensity(_ x: UnsafePointer<Double>) -> Double {
        let no = observed.count
        var distance = 0.0
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, 2 * no)) { buffer in
            let z = buffer.baseAddress.unsafelyUnwrapped
            let y = z + no
            for a in 0..<no {
                z[a] = x[observed[a]] - observedMean[a]
                y[a] = 0
            }
            for a in 0..<no {
                let za = z[a]
                for b in a..<no { y[b] += za * precisionCholesky[a * no + b] }
            }
            for a in 0..<no { distance += y[a] * y[a] }
        }
        return -0.5 * Double(no) * logTwoPi + halfLogPrecisionDeterminant - 0.5 * distance
    }

    /// Writes `E[x_M | x_O]` into the missing entries of `completed` (a copy of the row).
    public func fillConditionalMean(_ x: UnsafePointer<Double>, into completed: UnsafeMutablePointer<Double>) {
        let no = observed.count
        for (c, j) in missing.enumerated() {
            var s = missingMean[c]
            for b in 0..<no { s += regression[c * no + b] * (x[observed[b]] - observedMean[b]) }
            completed[j] = s
        }
    }
}
