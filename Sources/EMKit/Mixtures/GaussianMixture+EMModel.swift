import EMKitKernels

extension GaussianMixture: EMModel {
    public typealias Dataset = RowDataset

    public func emptyStatistics() -> GaussianMixtureStatistics {
        GaussianMixtureStatistics(
            componentCount: componentCount, dimension: dimension, scatterShape: covarianceType.scatterShape,
            worstFittedCapacity: fitSettings.degeneracyPolicy == .reseed ? componentCount : 0)
    }

    /// The E-step on a block of rows: responsibilities
    /// `rᵢₖ = πₖ𝒩(xᵢ|k) / Σⱼ πⱼ𝒩(xᵢ|j)` (computed in the log domain), folded straight into
    /// the moments, so no N × K matrix is ever held.
    ///
    /// - Returns: `Σᵢ wᵢ log p(xᵢ)` (soft) or `Σᵢ wᵢ maxₖ log πₖ𝒩(xᵢ|k)` (hard), and `Σᵢ wᵢ`.
    /// - Throws: `EMError.dimensionMismatch` when the rows do not have the model's dimension.
    public func accumulate(_ chunk: RowBlock, into statistics: inout GaussianMixtureStatistics) throws -> ChunkLikelihood {
        let d = dimension
        let k = componentCount
        guard chunk.dataset.dimension == d else {
            throw EMError.dimensionMismatch(expected: d, actual: chunk.dataset.dimension)
        }
        var accumulator = ShiftedMomentAccumulator(
            shifts: means.elements, groupCount: k, dimension: d, scatterShape: covarianceType.scatterShape)
        var worst = statistics.worstFitted
        let hard = fitSettings.assignment == .hard
        let tracksWorst = worst.capacity > 0
        var logLikelihood = 0.0
        var totalWeight = 0.0
        let full = covarianceType.scatterShape == .full
        let blockRows = Self.blockRows
        // Responsibilities of a block, component-major (`K × blockRows`), times the sample weights.
        let responsibilities = UnsafeMutablePointer<Double>.allocate(capacity: k * blockRows)
        let rowLogSums = UnsafeMutablePointer<Double>.allocate(capacity: blockRows)
        let transposed = UnsafeMutablePointer<Double>.allocate(capacity: d * blockRows)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: max(emk_accumulate_full_scratch(d), 2 * blockRows))
        defer {
            responsibilities.deallocate()
            rowLogSums.deallocate()
            transposed.deallocate()
            scratch.deallocate()
        }
        let shifts = means.elements
        try accumulator.weights.withUnsafeMutableBufferPointer { weightBuffer in
            try accumulator.firstMoments.withUnsafeMutableBufferPointer { firstBuffer in
                try accumulator.secondMoments.withUnsafeMutableBufferPointer { secondBuffer in
                    try shifts.withUnsafeBufferPointer { shiftBuffer in
                        let componentWeights = weightBuffer.baseAddress.unsafelyUnwrapped
                        let first = firstBuffer.baseAddress.unsafelyUnwrapped
                        let second = secondBuffer.baseAddress.unsafelyUnwrapped
                        let shift = shiftBuffer.baseAddress.unsafelyUnwrapped
                        try chunk.withUnsafeRows { rows, sampleWeights in
                            forEachBlockLogDensities(rows, count: chunk.rows.count) { start, n, logDensities in
                                logLikelihood += emk_responsibilities(
                                    n, k, logDensities, sampleWeights.map { $0 + start }, hard ? 1 : 0, responsibilities,
                                    rowLogSums, componentWeights, &totalWeight, scratch)
                                if tracksWorst {
                                    for b in 0..<n where rowLogSums[b] < worst.threshold && (sampleWeights?[start + b] ?? 1) > 0 {
                                        let x = rows + (start + b) * d
                                        worst.offer(logLikelihood: rowLogSums[b], values: Array(UnsafeBufferPointer(start: x, count: d)))
                                    }
                                }
                                let block = rows + start * d
                                if !full { emk_transpose(n, d, block, transposed) }
                                for c in 0..<k {
                                    let r = responsibilities + c * n
                                    if full {
                                        emk_accumulate_full(n, d, block, shift + c * d, r, first + c * d, second + c * d * d, scratch)
                                    } else {
                                        emk_accumulate_diagonal_transposed(n, d, transposed, shift + c * d, r, first + c * d, second + c * d)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        accumulator.merge(into: &statistics.moments)
        statistics.worstFitted = worst
        return ChunkLikelihood(logLikelihood: logLikelihood, sampleWeight: totalWeight)
    }

    /// The M-step: weighted maximum-likelihood parameters from the merged moments.
    ///
    /// ```
    /// πₖ = Wₖ / Σⱼ Wⱼ,   μₖ = x̄ₖ,   Σₖ = Sₖ / Wₖ + λI              (full)
    /// diagonal: diag(Sₖ)/Wₖ + λ;  spherical: mean of those;  tied: Σₖ Sₖ / Σₖ Wₖ + λI
    /// ```
    /// with `λ` the regularisation, as scikit-learn computes them.
    ///
    /// - Throws: `EMError.degenerateComponent` (iteration 0; the engine fills in the real one)
    ///   when a component has no weight or a singular covariance and the policy is `.fail`.
    public func maximized(from statistics: GaussianMixtureStatistics) throws -> GaussianMixture {
        try GaussianMixture.parameters(
            from: statistics.moments, covarianceType: covarianceType, fitSettings: fitSettings,
            worstFitted: statistics.worstFitted)
    }

    /// Maximum-likelihood parameters from responsibility-weighted moments; shared by the M-step
    /// and the initialisers.
    static func parameters(
        from moments: GaussianMoments, covarianceType: CovarianceType, fitSettings: FitSettings,
        worstFitted: WorstFittedSamples
    ) throws -> GaussianMixture {
        let k = moments.groupCount
        let d = moments.dimension
        let lambda = fitSettings.regularization
        var componentWeights = moments.weights
        var means = Matrix(rowCount: k, columnCount: d, elements: moments.means)
        let total = componentWeights.reduce(0, +)
        guard total > 0 else { throw EMError.noSamples }

        // Components to re-seed, and the pooled covariance they restart with.
        var reseeds: [Int] = []
        var reseedSamples = worstFitted.samples.makeIterator()
        lazy var pooledScatter = moments.pooled

        func degenerate(_ c: Int, _ reason: DegeneracyReason) throws {
            guard fitSettings.degeneracyPolicy == .reseed, let sample = reseedSamples.next() else {
                throw EMError.degenerateComponent(component: c, iteration: 0, reason: reason)
            }
            reseeds.append(c)
            componentWeights[c] = total / max(total, 1) // the weight of about one sample
            for j in 0..<d { means[c, j] = sample.values[j] }
        }

        for c in 0..<k where !(componentWeights[c] > 0) || !componentWeights[c].isFinite {
            try degenerate(c, .emptyComponent)
        }

        func covarianceBlock(_ c: Int) -> [Double] {
            if reseeds.contains(c) {
                let pooled = pooledScatter
                return pooled.scatterMatrix(group: 0).map { $0 / pooled.weights[0] }
            }
            return moments.scatterMatrix(group: c).map { $0 / componentWeights[c] }
        }

        var parameters: [Double]
        switch covarianceType {
        case .full:
            parameters = []
            parameters.reserveCapacity(k * d * d)
            for c in 0..<k {
                var block = covarianceBlock(c)
                for j in 0..<d { block[j * d + j] += lambda }
                parameters += block
            }
        case .tied:
            var sum = [Double](repeating: 0, count: d * d)
            for c in 0..<k {
                let block = moments.scatterMatrix(group: c)
                for i in 0..<(d * d) { sum[i] += block[i] }
            }
            parameters = sum.map { $0 / total }
            for j in 0..<d { parameters[j * d + j] += lambda }
        case .diagonal, .spherical:
            parameters = []
            for c in 0..<k {
                let block = covarianceBlock(c)
                let variances = (0..<d).map { block[$0 * d + $0] + lambda }
                if covarianceType == .diagonal {
                    parameters += variances
                } else {
                    parameters.append(variances.reduce(0, +) / Double(d))
                }
            }
        }
        let weightTotal = componentWeights.reduce(0, +)
        let weights = componentWeights.map { $0 / weightTotal }
        do {
            return try GaussianMixture(
                covarianceType: covarianceType, weights: weights, means: means, covarianceParameters: parameters,
                fitSettings: fitSettings)
        } catch EMError.degenerateComponent(let c, _, _) where fitSettings.degeneracyPolicy == .reseed
            && !reseeds.contains(c) && covarianceType != .tied
        {
            // A collapsed covariance: re-seed that component and factorise again.
            try degenerate(c, .singularCovariance)
            let stride = covarianceType == .full ? d * d : (covarianceType == .diagonal ? d : 1)
            var block = covarianceBlock(c)
            for j in 0..<d { block[j * d + j] += lambda }
            switch covarianceType {
            case .full: parameters.replaceSubrange((c * stride)..<((c + 1) * stride), with: block)
            case .diagonal: parameters.replaceSubrange((c * d)..<((c + 1) * d), with: (0..<d).map { block[$0 * d + $0] })
            default: parameters[c] = (0..<d).map { block[$0 * d + $0] }.reduce(0, +) / Double(d)
            }
            let total = componentWeights.reduce(0, +)
            return try GaussianMixture(
                covarianceType: covarianceType, weights: componentWeights.map { $0 / total }, means: means,
                covarianceParameters: parameters, fitSettings: fitSettings)
        }
    }
}
