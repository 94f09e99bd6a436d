import Foundation

/// The on-disk form of a fitted model: versioned JSON, documented in `docs/model-format.md`.
///
/// ```json
/// { "format": "emkit-model", "formatVersion": 1, "kind": "gaussian-mixture",
///   "covarianceType": "full", "componentCount": 3, "dimension": 2, "columns": ["x", "y"],
///   "weights": [...], "means": [[...]], "covariances": [[[...]]], "regularization": 1e-06,
///   "fit": { "logLikelihood": -1.23, "iterations": 12, "converged": true, ... } }
/// ```
public struct GaussianMixtureFile: Codable, Sendable, Equatable {
    /// Always `"emkit-model"`.
    public var format: String = "emkit-model"
    /// The version of this layout; this build reads version 1.
    public var formatVersion: Int = 1
    /// Always `"gaussian-mixture"` for this type.
    public var kind: String = "gaussian-mixture"
    /// `full`, `diagonal`, `spherical` or `tied`.
    public var covarianceType: CovarianceType
    /// K.
    public var componentCount: Int
    /// d.
    public var dimension: Int
    /// The names of the data columns the model was fitted on, when known.
    public var columns: [String]?
    /// Mixing weights, `[K]`.
    public var weights: [Double]
    /// Means, `[K][d]`.
    public var means: [[Double]]
    /// Covariances as full matrices whatever the type, `[K][d][d]`.
    public var covariances: [[[Double]]]
    /// The regularisation the fit used.
    public var regularization: Double
    /// How the model was fitted, when it was.
    public var fit: FitRecord?

    /// A summary of the fit that produced a model.
    public struct FitRecord: Codable, Sendable, Equatable {
        /// Mean natural-log likelihood per sample on the training data.
        public var logLikelihood: Double
        /// M-steps run by the kept restart.
        public var iterations: Int
        /// Whether the kept restart met the tolerance.
        public var converged: Bool
        /// `converged`, `iteration-limit` or `degenerate-component`.
        public var stopReason: String
        /// Bayesian information criterion on the training data.
        public var bic: Double
        /// Akaike information criterion on the training data.
        public var aic: Double
        /// Number of training samples.
        public var samples: Int
        /// Total sample weight (equals `samples` without weights).
        public var sampleWeight: Double
        /// Free parameters.
        public var parameterCount: Int
        /// Restarts run.
        public var restarts: Int
        /// The seed of the fit.
        public var seed: UInt64
        /// The objective after 0, 1, 2, … M-steps: the mean log-likelihood, or with a prior the
        /// mean log-posterior `(log-likelihood + logPrior) / sampleWeight`.
        public var history: [Double]
        /// For a MAP fit, the log-density of the fitted parameters under the prior (nats, not per
        /// sample); absent for maximum likelihood. `logLikelihood` never includes it.
        public var logPrior: Double?
        /// The estimated distance of the objective from its optimum when the fit stopped, in nats
        /// per sample (`EMResult.estimatedGap`): how much more iterations could still add. Absent
        /// when it could not be estimated (and in files written before EMKit recorded it).
        public var estimatedGap: Double?
        /// The tolerance and stopping rule the fit ran with (`EMOptions`); absent in older files.
        public var tolerance: Double?
        /// `estimated-gap` or `objective-change`; absent in older files.
        public var stoppingRule: String?
        /// The parts of the model the data cannot support (`EMResult.degenerateParts`), in words;
        /// absent when there are none.
        public var degenerateParts: [String]?

        /// A fit record with the given values.
        public init(
            logLikelihood: Double, iterations: Int, converged: Bool, stopReason: String, bic: Double, aic: Double,
            samples: Int, sampleWeight: Double, parameterCount: Int, restarts: Int, seed: UInt64, history: [Double],
            logPrior: Double? = nil
        ) {
            self.logPrior = logPrior
            self.logLikelihood = logLikelihood
            self.iterations = iterations
            self.converged = converged
            self.stopReason = stopReason
            self.bic = bic
            self.aic = aic
            self.samples = samples
            self.sampleWeight = sampleWeight
            self.parameterCount = parameterCount
            self.restarts = restarts
            self.seed = seed
            self.history = history
        }
    }

    /// The most covariance values a model file holds, K·d² (about 1 GB of JSON): format 1 writes
    /// every covariance as a full `d × d` matrix whatever its type, Gaussian, Student-t and HMM
    /// files alike, so commands check a fit against this before running it.
    public static let maximumCovarianceValues = 50_000_000

    /// Refuses models whose file would hold more than `maximumCovarianceValues` covariance
    /// values: `matrixCount` covariance matrices (components, or states × components) of
    /// `dimension × dimension`.
    ///
    /// - Throws: `EMError.invalidParameter` naming `dimension`, with the most columns allowed.
    public static func checkSize(matrixCount: Int, dimension: Int) throws {
        let limit = columnLimit(matrixCount: matrixCount)
        guard dimension > limit.count else { return }
        throw EMError.invalidParameter(
            name: "dimension", value: "\(dimension) columns", expected: "at most \(limit.count) columns: \(limit.reason)")
    }

    /// The most columns a model with `matrixCount` covariance matrices can have, `⌊√(limit / count)⌋`,
    /// and why, in the form `CSVFormat.columnLimit` takes (so a CSV file is refused from its first line).
    public static func columnLimit(matrixCount: Int) -> (count: Int, reason: String) {
        let count = max(matrixCount, 1)
        let largest = Int((Double(maximumCovarianceValues) / Double(count)).squareRoot())
        let matrices = count == 1 ? "its covariance matrix" : "each of its \(count) covariance matrices"
        return (
            largest,
            "a model file (format 1) stores \(matrices) in full, d × d, and holds at most "
                + "\(maximumCovarianceValues) covariance values"
        )
    }

    /// The file form of `mixture`.
    public init(_ mixture: GaussianMixture, columns: [String]? = nil, fit: FitRecord? = nil) {
        covarianceType = mixture.covarianceType
        componentCount = mixture.componentCount
        dimension = mixture.dimension
        self.columns = columns
        weights = mixture.weights
        means = mixture.means.rows
        covariances = mixture.covariances.map { $0.rows }
        regularization = mixture.fitSettings.regularization
        self.fit = fit
    }

    /// The mixture this file describes, after checking shapes, symmetry and positive definiteness.
    ///
    /// - Throws: `DataError.invalidModelFile` naming `path` and the problem.
    public func mixture(path: String) throws -> GaussianMixture {
        func fail(_ reason: String) -> DataError { .invalidModelFile(path: path, reason: reason) }
        guard format == "emkit-model" else { throw fail("'format' is '\(format)', expected 'emkit-model'") }
        guard formatVersion == 1 else {
            throw fail("format version \(formatVersion) is newer than this emkit reads (1): upgrade emkit")
        }
        guard kind == "gaussian-mixture" else {
            throw fail("'kind' is '\(kind)'; this command needs a 'gaussian-mixture'")
        }
        guard weights.count == componentCount else {
            throw fail("'weights' has \(weights.count) values but 'componentCount' is \(componentCount)")
        }
        guard means.count == componentCount, means.allSatisfy({ $0.count == dimension }) else {
            throw fail("'means' must be \(componentCount) lists of \(dimension) numbers")
        }
        guard covariances.count == componentCount,
            covariances.allSatisfy({ $0.count == dimension && $0.allSatisfy { $0.count == dimension } })
        else {
            throw fail("'covariances' must be \(componentCount) matrices of \(dimension)×\(dimension)")
        }
        guard regularization >= 0, regularization.isFinite else {
            throw fail("'regularization' must be a finite number ≥ 0")
        }
        return try ModelFileDecoding.validating(path: path) {
            try GaussianMixture(
                weights: weights, means: Matrix(rows: means), covariances: covariances.map { Matrix(rows: $0) },
                covarianceType: covarianceType, fitSettings: .init(regularization: regularization))
        }
    }

    /// The JSON text, pretty-printed with sorted keys, ending in a newline.
    public func encoded() throws -> [UInt8] { try ModelFileDecoding.encode(self) }

    /// Reads and checks a model file.
    ///
    /// - Throws: `DataError.unreadable`, or `DataError.invalidModelFile` saying which field is wrong.
    public static func read(path: String) throws -> GaussianMixtureFile {
        try ModelFileDecoding.decode(GaussianMixtureFile.self, path: path)
    }
}
