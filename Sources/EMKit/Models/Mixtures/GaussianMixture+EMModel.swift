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
        var likelihood = ChunkLikelihood(logLikelihood: 0, sampleWeight: 0)
        try chunk.withUnsafeRows { rows, weights in
            guard chunk.dataset.hasMissingValues else {
                likelihood = accumulateComplete(rows, count: chunk.rows.count, weights: weights, into: &accumulator, worst: &worst)
                return
            }
            // Complete rows take the vectorised path; incomplete ones are grouped by pattern, in
            // order of first appearance so that the summation order never depends on hashing.
            var completeRows: [Double] = []
            var completeWeights: [Double] = []
            var groups: [(pattern: MissingPattern, rows: [Int])] = []
            var groupIndex: [MissingPattern: Int] = [:]
            for b in 0..<chunk.rows.count {
                let x = rows + b * d
                let w = weights?[b] ?? 1
                guard w > 0 else { continue }
                if hasMissingValue(x, dimension: d) {
                    let pattern = MissingPattern(row: x, dimension: d)
                    if pattern.observed.isEmpty { continue }  // an empty row: counted by the data set, not fitted
                    if let index = groupIndex[pattern] {
                        groups[index].rows.append(b)
                    } else {
                        groupIndex[pattern] = groups.count
                        groups.append((pattern, [b]))
                    }
                } else {
                    completeRows.append(contentsOf: UnsafeBufferPointer(start: x, count: d))
                    completeWeights.append(w)
                }
            }
            if !completeWeights.isEmpty {
                completeRows.withUnsafeBufferPointer { r in
                    completeWeights.withUnsafeBufferPointer { w in
                        likelihood = accumulateComplete(
                            r.baseAddress.unsafelyUnwrapped, count: completeWeights.count, weights: w.baseAddress,
                            into: &accumulator, worst: &worst)
                    }
                }
            }
            let incomplete = try accumulateIncomplete(groups, rows: rows, weights: weights, into: &accumulator, statistics: &statistics)
            likelihood.logLikelihood += incomplete.logLikelihood
            likelihood.sampleWeight += incomplete.sampleWeight
        }
        accumulator.merge(into: &statistics.moments)
        statistics.worstFitted = worst
        return likelihood
    }

    /// The E-step on complete rows (row-major, `count × d`), through the C kernels.
    private func accumulateComplete(
        _ rows: UnsafePointer<Double>, count: Int, weights: UnsafePointer<Double>?,
        into accumulator: inout ShiftedMomentAccumulator, worst: inout WorstFittedSamples
    ) -> ChunkLikelihood {
        let d = dimension
        let k = componentCount
        let hard = fitSettings.assignment == .hard
        let tracksWorst = worst.capacity > 0
        var logLikelihood = 0.0
        var totalWeight = 0.0
        let full = covarianceType.scatterShape == .full
        let blockRows = max(1, min(Self.blockRows, count))
        // Responsibilities of a block, component-major (`K × blockRows`), times the sample weights.
        let responsibilities = UnsafeMutablePointer<Double>.allocate(capacity: k * blockRows)
        let rowLogSums = UnsafeMutablePointer<Double>.allocate(capacity: blockRows)
        let transposed = UnsafeMutablePointer<Double>.allocate(capacity: d * blockRows)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: max(full ? emk_accumulate_full_scratch(d) : 0, 2 * blockRows))
        defer {
            responsibilities.deallocate()
            rowLogSums.deallocate()
            transposed.deallocate()
            scratch.deallocate()
        }
        var componentWeights = [Double](repeating: 0, count: k)
        componentWeights.withUnsafeMutableBufferPointer { sums in
            forEachBlockLogDensities(rows, count: count) { start, n, logDensities in
                logLikelihood += emk_responsibilities(
                    n, k, logDensities, weights.map { $0 + start }, hard ? 1 : 0, responsibilities,
                    rowLogSums, sums.baseAddress.unsafelyUnwrapped, &totalWeight, scratch)
                if tracksWorst {
                    for b in 0..<n where rowLogSums[b] < worst.threshold && (weights?[start + b] ?? 1) > 0 {
                        let x = rows + (start + b) * d
                        worst.offer(logLikelihood: rowLogSums[b], values: Array(UnsafeBufferPointer(start: x, count: d)))
                    }
                }
                let block = rows + start * d
                if !full { emk_transpose(n, d, block, transposed) }
                for c in 0..<k {
                    accumulator.addBlock(
                        block, transposed: transposed, count: n, weights: responsibilities + c * n, group: c, scratch: scratch)
                }
            }
        }
        for c in 0..<k { accumulator.weights[c] += componentWeights[c] }
        return ChunkLikelihood(logLikelihood: logLikelihood, sampleWeight: totalWeight)
    }

    /// The conditional view of component `c` through `pattern`: from the M-step's cache, or
    /// computed now (the first iteration, or a pattern first seen).
    ///
    /// - Throws: `EMError.degenerateComponent` when the observed block of Σ is not positive definite.
    func conditional(_ pattern: MissingPattern, component c: Int) throws -> ConditionalGaussian {
        if let cached = conditionals[pattern] { return cached[c] }
        guard let view = ConditionalGaussian(mean: means.row(c), covariance: covariance(ofComponent: c).elements, pattern: pattern) else {
            throw EMError.degenerateComponent(component: c, iteration: 0, reason: .singularCovariance)
        }
        return view
    }

    /// The E-step on rows with missing values, pattern by pattern: responsibilities from the
    /// marginal densities of the observed coordinates; each row completed by its conditional
    /// mean under each component; the conditional covariances added once per pattern.
    private func accumulateIncomplete(
        _ groups: [(pattern: MissingPattern, rows: [Int])], rows: UnsafePointer<Double>, weights: UnsafePointer<Double>?,
        into accumulator: inout ShiftedMomentAccumulator, statistics: inout GaussianMixtureStatistics
    ) throws -> ChunkLikelihood {
        guard !groups.isEmpty else { return ChunkLikelihood(logLikelihood: 0, sampleWeight: 0) }
        let d = dimension
        let k = componentCount
        let hard = fitSettings.assignment == .hard
        let logWeights = self.weights.map { _log($0) }
        if statistics.conditionalScatter.isEmpty { statistics.conditionalScatter = Array(repeating: 0, count: k * d * d) }
        var logLikelihood = 0.0
        var totalWeight = 0.0
        var logDensities = [Double](repeating: 0, count: k)
        var completed = [Double](repeating: 0, count: d)
        for (pattern, members) in groups {
            statistics.patterns.insert(pattern)
            let views = try (0..<k).map { try conditional(pattern, component: $0) }
            var responsibilitySums = [Double](repeating: 0, count: k)
            for b in members {
                let x = rows + b * d
                let w = weights?[b] ?? 1
                for c in 0..<k { logDensities[c] = logWeights[c] + views[c].logDensity(x) }
                let (logSum, best) = logDensities.withUnsafeMutableBufferPointer {
                    logSumExp($0.baseAddress.unsafelyUnwrapped, count: k)
                }
                totalWeight += w
                logLikelihood += w * (hard ? logDensities[best] : logSum)
                for c in 0..<k {
                    let r = hard ? (c == best ? w : 0) : w * _exp(logDensities[c] - logSum)
                    if r == 0 { continue }
                    responsibilitySums[c] += r
                    for j in 0..<d { completed[j] = x[j] }
                    completed.withUnsafeMutableBufferPointer {
                        views[c].fillConditionalMean(x, into: $0.baseAddress.unsafelyUnwrapped)
                        accumulator.add($0.baseAddress.unsafelyUnwrapped, weight: r, group: c)
                    }
                }
            }
            // Σᵢ rᵢₖ Cov[x_M | x_O, k]: the same conditional covariance for the whole pattern.
            let missing = pattern.missing
            for c in 0..<k where responsibilitySums[c] > 0 {
                let covariance = views[c].conditionalCovariance
                for (a, i) in missing.enumerated() {
                    for (e, j) in missing.enumerated() {
                        statistics.conditionalScatter[c * d * d + i * d + j] += responsibilitySums[c] * covariance[a * missing.count + e]
                    }
                }
            }
        }
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
        var model = try GaussianMixture.parameters(
            from: statistics.moments, covarianceType: covarianceType, fitSettings: fitSettings,
            worstFitted: statistics.worstFitted, conditionalScatter: statistics.conditionalScatter)
        // Prepare each missingness pattern's conditional factorisation once per component.
        for pattern in statistics.patterns {
            model.conditionals[pattern] = try (0..<model.componentCount).map { try model.conditional(pattern, component: $0) }
        }
        return model
    }

    /// The log-density of the parameters under `fitSettings.prior` (0 without one).
    public func logPrior() -> Double {
        fitSettings.prior?.logDensity(of: self) ?? 0
    }

    /// Maximum-likelihood parameters (or, with a prior, the posterior mode) from
    /// responsibility-weighted moments; shared by the M-step and the initialisers.
    static func parameters(
        from moments: GaussianMoments, covarianceType: CovarianceType, fitSettings: FitSettings,
        worstFitted: WorstFittedSamples, conditionalScatter: [Double] = []
    ) throws -> GaussianMixture {
        let k = moments.groupCount
        let d = moments.dimension
        let lambda = fitSettings.regularization
        var componentWeights = moments.weights
        var means = Matrix(rowCount: k, columnCount: d, elements: moments.means)
        let total = componentWeights.reduce(0, +)
        guard total > 0 else { throw EMError.noSamples }

        /// Component c's scatter, plus the conditional covariances of its missing values.
        func scatter(_ c: Int) -> [Double] {
            var block = moments.scatterMatrix(group: c)
            if !conditionalScatter.isEmpty {
                for i in 0..<(d * d) { block[i] += conditionalScatter[c * d * d + i] }
            }
            return block
        }
        if let prior = fitSettings.prior {
            // MAP-EM: an empty component keeps the prior's mode, so no re-seeding.
            return try prior.posteriorMode(from: moments, scatter: scatter, covarianceType: covarianceType, fitSettings: fitSettings)
        }

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
            return scatter(c).map { $0 / componentWeights[c] }
        }
        /// The variances of component c plus the regularisation: `[d]`, never a `d × d` matrix,
        /// so that diagonal fits of many columns need memory in proportion to the columns.
        func varianceDiagonal(_ c: Int) -> [Double] {
            if reseeds.contains(c) {
                let pooled = pooledScatter
                return pooled.scatterDiagonal(group: 0).map { $0 / pooled.weights[0] + lambda }
            }
            var diagonal = moments.scatterDiagonal(group: c)
            if !conditionalScatter.isEmpty {
                for j in 0..<d { diagonal[j] += conditionalScatter[c * d * d + j * d + j] }
            }
            return diagonal.map { $0 / componentWeights[c] + lambda }
        }

        let structure = covarianceType.structure
        let covarianceMoments = CovarianceMoments(
            componentCount: k, dimension: d, regularization: lambda, total: total, scatter: scatter,
            covariance: covarianceBlock, regularizedVariances: varianceDiagonal)
        var parameters = structure.maximumLikelihood(covarianceMoments)
        let weightTotal = componentWeights.reduce(0, +)
        let weights = componentWeights.map { $0 / weightTotal }
        do {
            return try GaussianMixture(
                covarianceType: covarianceType, weights: weights, means: means, covarianceParameters: parameters,
                fitSettings: fitSettings)
        } catch EMError.degenerateComponent(let c, _, _) where fitSettings.degeneracyPolicy == .reseed
            && !reseeds.contains(c) && structure.componentStride(dimension: d) != nil
        {
            // A collapsed covariance: re-seed that component and factorise again.
            try degenerate(c, .singularCovariance)
            let stride = structure.componentStride(dimension: d) ?? 0
            parameters.replaceSubrange(
                (c * stride)..<((c + 1) * stride), with: structure.maximumLikelihood(component: c, covarianceMoments) ?? [])
            let total = componentWeights.reduce(0, +)
            return try GaussianMixture(
                covarianceType: covarianceType, weights: componentWeights.map { $0 / total }, means: means,
                covarianceParameters: parameters, fitSettings: fitSettings)
        }
    }
}
