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
        /// Why the fit failed, when it did.
        public var failure: String?
    }

    /// Fits every combination of `componentCounts` and `covarianceTypes` and scores it.
    /// Fits that fail (too many components for the data, every restart degenerate) are kept as
    /// candidates without a score, with the reason.
    ///
    /// - Parameter progress: called before each fit with its index and the total.
    /// - Returns: the candidates, K-major, and the index of the best one (`nil` if none succeeded).
    public static func compare(
        _ data: RowDataset, componentCounts: [Int], covarianceTypes: [CovarianceType], criterion: Criterion,
        options: GaussianMixture.FitOptions, progress: ((Int, Int) -> Void)? = nil
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
                    let fit = try GaussianMixture.fit(data, options: fitOptions)
                    let score = try value(of: criterion, for: fit, data: data)
                    candidates.append(Candidate(componentCount: k, covarianceType: type, score: score, fit: fit, failure: nil))
                } catch {
                    candidates.append(Candidate(componentCount: k, covarianceType: type, score: nil, fit: nil, failure: "\(error)"))
                }
            }
        }
        let best = candidates.indices.filter { candidates[$0].score != nil }.min {
            (candidates[$0].score ?? .infinity) < (candidates[$1].score ?? .infinity)
        }
        return (candidates, best)
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
