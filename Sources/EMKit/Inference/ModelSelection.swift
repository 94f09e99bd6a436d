/// Choosing the number of components and the covariance structure of a Gaussian mixture by an
/// information criterion, as mclust's BIC table does (but lower is better here, as in scikit-learn).
public enum ModelSelection {
    /// The criterion to minimise.
    public enum Criterion: String, Sendable, CaseIterable {
        /// Bayesian information criterion: −2 log L + p log N.
        case bic
        /// Akaike information criterion: −2 log L + 2p.
        case aic
        /// Integrated complete-data likelihood (Biernacki, Celeux & Govaert 2000): BIC plus twice
        /// the entropy of the responsibilities, −2 Σᵢ Σₖ rᵢₖ log rᵢₖ; it penalises overlapping components.
        case icl
    }

    /// One fitted candidate.
    public struct Candidate: Sendable {
        /// K.
        public var componentCount: Int
        /// The covariance structure.
        public var covarianceType: CovarianceType
        /// The criterion's value (lower is better), or `nil` when the fit failed.
        public var score: Double?
        /// The fit, when it succeeded.
        public var fit: EMResult<GaussianMixture>?
        /// Why the fit failed, when it did (an `EMError` for the library's own reasons).
        public var error: (any Error)?
        /// Why the fit failed, in the library's words (parameter names), when it did.
        public var failure: String? { error.map { "\($0)" } }

        /// Whether the fit reached a degenerate optimum (`EMResult.degenerateParts`): such a
        /// candidate is never chosen as the best.
        public var isDegenerate: Bool { !(fit?.degenerateParts.isEmpty ?? true) }
    }

    /// Fits every combination of `componentCounts` and `covarianceTypes` and scores it.
    /// Fits that fail (too many components for the data, every restart degenerate) are kept as
    /// candidates without a score, with the reason. Candidates at a degenerate optimum keep their
    /// score but are not chosen (`Candidate.isDegenerate`).
    ///
    /// - Parameters:
    ///   - data: the rows to fit.
    ///   - componentCounts: the values of K to try.
    ///   - covarianceTypes: the covariance structures to try.
    ///   - criterion: BIC or AIC (lower is better).
    ///   - options: the fit options every candidate shares (its K and covariance type are set).
    ///   - prior: the MAP prior of each candidate, from its K and covariance type (mclust's
    ///     default prior depends on both); `nil` keeps `options.settings.prior` for all.
    ///   - progress: called before each fit with its index and the total.
    /// - Returns: the candidates, K-major, and the index of the best sound one (the best
    ///   degenerate one when no candidate is sound; `nil` when no fit succeeded).
    public static func compare(
        _ data: RowDataset, componentCounts: [Int], covarianceTypes: [CovarianceType], criterion: Criterion,
        options: GaussianMixture.FitOptions, prior: ((Int, CovarianceType) throws -> GaussianMixturePrior?)? = nil,
        progress: ((Int, Int) -> Void)? = nil
    ) -> (candidates: [Candidate], best: Int?) {
        var candidates: [Candidate] = []
        let total = componentCounts.count * covarianceTypes.count
        for k in componentCounts {
            for type in covarianceTypes {
                progress?(candidates.count, total)
                var fitOptions = options
                fitOptions.componentCount = k
                fitOptions.covarianceType = type
                do {
                    if let prior { fitOptions.settings.prior = try prior(k, type) }
                    let fit = try GaussianMixture.fit(data, options: fitOptions)
                    let score = try value(of: criterion, for: fit, data: data)
                    candidates.append(Candidate(componentCount: k, covarianceType: type, score: score, fit: fit, error: nil))
                } catch {
                    candidates.append(Candidate(componentCount: k, covarianceType: type, score: nil, fit: nil, error: error))
                }
            }
        }
        func lowest(_ indices: [Int]) -> Int? {
            indices.min { (candidates[$0].score ?? .infinity) < (candidates[$1].score ?? .infinity) }
        }
        let scored = candidates.indices.filter { candidates[$0].score != nil }
        // The best sound candidate; only when every one is degenerate, the best of those.
        let best = lowest(scored.filter { !candidates[$0].isDegenerate }) ?? lowest(scored)
        return (candidates, best)
    }

    /// What a user should know about a selection before trusting it: the chosen K is the largest
    /// tried (a wider range may do better), or candidates that score better were passed over
    /// because their optimum is degenerate.
    public static func cautions(candidates: [Candidate], best: Int?) -> [String] {
        guard let best, let chosenScore = candidates[best].score else { return [] }
        var notes: [String] = []
        let chosen = candidates[best]
        if chosen.isDegenerate {
            notes.append(
                "every candidate reached a degenerate optimum; the chosen one too: \(chosen.fit?.degenerateParts.first?.description ?? "")")
        }
        let largest = candidates.filter { $0.covarianceType == chosen.covarianceType }.map(\.componentCount).max() ?? 0
        if chosen.componentCount == largest && candidates.contains(where: { $0.componentCount < largest }) {
            notes.append("the chosen K = \(largest) is the largest tried: a wider range of K may score better")
        }
        let passed = candidates.filter { $0.isDegenerate && ($0.score ?? .infinity) < chosenScore }
        if let first = passed.min(by: { ($0.score ?? .infinity) < ($1.score ?? .infinity) }) {
            notes.append(
                "\(passed.count) candidates scoring better were passed over because their optimum is degenerate, the best of them "
                    + "K = \(first.componentCount), \(first.covarianceType.rawValue): \(first.fit?.degenerateParts.first?.description ?? "")")
        }
        return notes
    }

    /// The criterion of a fit on its data (weights count as repeated samples).
    ///
    /// - Throws: what reading the data throws.
    public static func value(of criterion: Criterion, for fit: EMResult<GaussianMixture>, data: RowDataset) throws -> Double {
        let n = fit.sampleWeight
        let p = Double(fit.model.parameterCount)
        let deviance = -2 * fit.logLikelihood * n
        switch criterion {
        case .aic: return deviance + 2 * p
        case .bic: return deviance + p * _log(n)
        case .icl:
            var entropy = 0.0
            let model = fit.model
            try data.forEachChunk { start, count, rows, weights in
                let block = Matrix(rowCount: count, columnCount: data.dimension, elements: Array(UnsafeBufferPointer(start: rows, count: count * data.dimension)))
                let r = try model.predictProbabilities(block)
                for i in 0..<count {
                    let w = weights?[i] ?? 1
                    for k in 0..<model.componentCount where r[i, k] > 0 { entropy -= w * r[i, k] * _log(r[i, k]) }
                }
                _ = start
            }
            return deviance + p * _log(n) + 2 * entropy
        }
    }
}
