extension GaussianMixture {
    /// Calls `body` once per row of `rows` (row-major, `dimension` values each) with the row
    /// index, a pointer to the row, the weighted log-densities `log πₖ + log 𝒩(x | μₖ, Σₖ)` for
    /// every k (`[K]`), and the centred row `x − μₖ` for every k (`[K × d]`).
    ///
    /// ```
    /// log 𝒩(x | μ, Σ) = −½ d log 2π + Σᵢ log Uᵢᵢ − ½ ‖(x − μ)ᵀ U‖²,   Σ⁻¹ = U Uᵀ
    /// ```
    ///
    /// This is the E-step's inner loop and the only place densities are computed.
    /// - Complexity: O(K·d²/2) per row for full and tied covariances, O(K·d) otherwise.
    @inline(__always)
    func forEachRowLogDensities(
        _ rows: UnsafePointer<Double>, count: Int,
        _ body: (_ row: Int, _ x: UnsafePointer<Double>, _ logDensities: UnsafeMutablePointer<Double>,
                 _ centred: UnsafePointer<Double>) -> Void
    ) {
        let k = componentCount
        let d = dimension
        let constants = (0..<k).map { _log(weights[$0]) - 0.5 * Double(d) * logTwoPi + halfLogPrecisionDeterminants[$0] }
        let logDensities = UnsafeMutablePointer<Double>.allocate(capacity: k)
        let centred = UnsafeMutablePointer<Double>.allocate(capacity: k * d)
        let projected = UnsafeMutablePointer<Double>.allocate(capacity: d)
        defer {
            logDensities.deallocate()
            centred.deallocate()
            projected.deallocate()
        }
        let type = covarianceType
        means.elements.withUnsafeBufferPointer { meanBuffer in
            precisionCholesky.withUnsafeBufferPointer { factorBuffer in
                let mu = meanBuffer.baseAddress.unsafelyUnwrapped
                let factors = factorBuffer.baseAddress.unsafelyUnwrapped
                for n in 0..<count {
                    let x = rows + n * d
                    for c in 0..<k {
                        let z = centred + c * d
                        let m = mu + c * d
                        for j in 0..<d { z[j] = x[j] - m[j] }
                        var distance = 0.0
                        switch type {
                        case .full, .tied:
                            // y = zᵀ U, U upper triangular: yⱼ = Σ_{i ≤ j} zᵢ Uᵢⱼ, row i of U is contiguous.
                            let u = type == .full ? factors + c * d * d : factors
                            for j in 0..<d { projected[j] = 0 }
                            for i in 0..<d {
                                let zi = z[i]
                                let ui = u + i * d
                                for j in i..<d { projected[j] += zi * ui[j] }
                            }
                            for j in 0..<d { distance += projected[j] * projected[j] }
                        case .diagonal:
                            let f = factors + c * d
                            for j in 0..<d {
                                let y = z[j] * f[j]
                                distance += y * y
                            }
                        case .spherical:
                            for j in 0..<d { distance += z[j] * z[j] }
                            distance *= factors[c] * factors[c]
                        }
                        logDensities[c] = constants[c] - 0.5 * distance
                    }
                    body(n, x, logDensities, centred)
                }
            }
        }
    }
}

/// `log Σₖ exp(values[k])` over `count` values, and their maximum's index.
@inline(__always)
func logSumExp(_ values: UnsafeMutablePointer<Double>, count: Int) -> (logSum: Double, argmax: Int) {
    var best = 0
    for c in 1..<max(count, 1) where values[c] > values[best] { best = c }
    let m = values[best]
    if m == -.infinity { return (-.infinity, best) }
    var s = 0.0
    for c in 0..<count { s += _exp(values[c] - m) }
    return (m + _log(s), best)
}
