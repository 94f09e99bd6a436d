import EMKitKernels

extension GaussianMixture {
    /// The number of rows whose densities are computed together: large enough to amortise the
    /// per-component set-up, small enough that a block's K × rows values stay in cache.
    static let blockRows = 256

    /// Calls `body` once per block of up to `blockRows` consecutive rows of `rows` (row-major,
    /// `dimension` values each) with the block's first row, its row count `n`, and the weighted
    /// log-densities `log πₖ + log 𝒩(xᵢ | μₖ, Σₖ)` of its rows, component-major `K × n`.
    ///
    /// ```
    /// log 𝒩(x | μ, Σ) = −½ d log 2π + Σᵢ log Uᵢᵢ − ½ ‖(x − μ)ᵀ U‖²,   Σ⁻¹ = U Uᵀ
    /// ```
    ///
    /// This is the only place densities are computed; the distances come from the C kernels
    /// (`EMKitKernels`), which run AVX2 + FMA code where the processor has it.
    /// - Complexity: O(K·d²/2) per row for full and tied covariances, O(K·d) otherwise.
    func forEachBlockLogDensities(
        _ rows: UnsafePointer<Double>, count: Int, includingWeights: Bool = true,
        _ body: (_ start: Int, _ count: Int, _ logDensities: UnsafeMutablePointer<Double>) -> Void
    ) {
        let k = componentCount
        let d = dimension
        // Fewer rows than a block need a smaller one: with many columns a block is large.
        let blockRows = max(1, min(Self.blockRows, count))
        let constants = (0..<k).map {
            (includingWeights ? _log(weights[$0]) : 0) - 0.5 * Double(d) * logTwoPi + halfLogPrecisionDeterminants[$0]
        }
        let logDensities = UnsafeMutablePointer<Double>.allocate(capacity: k * blockRows)
        let distances = UnsafeMutablePointer<Double>.allocate(capacity: blockRows)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: covarianceType.hasTriangularFactor ? emk_triangular_distances_scratch(d) : d * blockRows)
        defer {
            logDensities.deallocate()
            distances.deallocate()
            scratch.deallocate()
        }
        // Spherical factors are expanded to one per coordinate so one diagonal kernel serves both.
        let layout = covarianceType.structure.factorLayout
        let factors: [Double] =
            layout == .diagonal(perCoordinate: false)
            ? (0..<(k * d)).map { precisionCholesky[$0 / d] } : precisionCholesky
        let triangular = covarianceType.hasTriangularFactor
        means.elements.withUnsafeBufferPointer { meanBuffer in
            factors.withUnsafeBufferPointer { factorBuffer in
                let mu = meanBuffer.baseAddress.unsafelyUnwrapped
                let f = factorBuffer.baseAddress.unsafelyUnwrapped
                var start = 0
                while start < count {
                    let n = min(blockRows, count - start)
                    let block = rows + start * d
                    // Diagonal kernels read the block transposed (d × n), once for all components.
                    if !triangular { emk_transpose(n, d, block, scratch) }
                    for c in 0..<k {
                        switch layout {
                        case .triangular(shared: false):
                            emk_triangular_distances(n, d, block, mu + c * d, f + c * d * d, distances, scratch)
                        case .triangular(shared: true):
                            emk_triangular_distances(n, d, block, mu + c * d, f, distances, scratch)
                        case .diagonal:
                            emk_diagonal_distances_transposed(n, d, scratch, mu + c * d, f + c * d, distances)
                        }
                        let row = logDensities + c * n
                        for b in 0..<n { row[b] = constants[c] - 0.5 * distances[b] }
                    }
                    body(start, n, logDensities)
                    start += n
                }
            }
        }
    }
}

extension GaussianMixture {
    /// The precision Cholesky factor of component `c` as a full upper-triangular `d × d`
    /// matrix `U` (row-major) with `Σ⁻¹ = U Uᵀ`, whatever the covariance type.
    func precisionFactor(component c: Int) -> [Double] {
        covarianceType.structure.precisionFactor(component: c, factors: precisionCholesky, dimension: dimension)
    }

    /// `vᵀ Σₖ⁻¹ v = ‖Uᵀv‖²` for component `c` and a `[d]` offset `v`.
    func squaredMahalanobis(component c: Int, offset v: [Double]) -> Double {
        let d = dimension
        let u = precisionFactor(component: c)
        var total = 0.0
        for j in 0..<d {
            var s = 0.0
            for i in 0...j { s += u[i * d + j] * v[i] }
            total += s * s
        }
        return total
    }

    /// `tr(Σₖ⁻¹ S) = Σⱼ uⱼᵀ S uⱼ` (uⱼ the columns of U) for component `c` and a symmetric
    /// `d × d` matrix `S` (row-major).
    func traceWithPrecision(component c: Int, scatter: [Double]) -> Double {
        let d = dimension
        let u = precisionFactor(component: c)
        var total = 0.0
        for j in 0..<d {
            for a in 0...j {
                for b in 0...j { total += u[a * d + j] * scatter[a * d + b] * u[b * d + j] }
            }
        }
        return total
    }
}
