/// The on-disk form of a Gaussian mixture prior (`"kind": "gaussian-prior"`), read by
/// `emkit fit --prior FILE` and `emkit hmm fit --prior FILE`, documented in `docs/variants/map-em.md`:
///
/// ```json
/// { "format": "emkit-model", "formatVersion": 1, "kind": "gaussian-prior",
///   "mean": [3.488, 70.90], "shrinkage": 0.01, "degreesOfFreedom": 4,
///   "scale": [[0.4342, 4.659], [4.659, 61.61]], "weightPseudoCount": 0 }
/// ```
public struct GaussianPriorFile: Codable, Sendable, Equatable {
    /// Always `"emkit-model"`.
    public var format = "emkit-model"
    /// This build reads version 1.
    public var formatVersion = 1
    /// Always `"gaussian-prior"`.
    public var kind = "gaussian-prior"
    /// μ_P, `[d]`.
    public var mean: [Double]
    /// κ_P > 0.
    public var shrinkage: Double
    /// ν_P > d − 1.
    public var degreesOfFreedom: Double
    /// Λ_P, `[d][d]`, symmetric positive definite.
    public var scale: [[Double]]
    /// a ≥ 0, the Dirichlet pseudo-count on the weights; absent means 0.
    public var weightPseudoCount: Double?

    /// The file form of `prior`.
    public init(_ prior: GaussianMixturePrior) {
        mean = prior.mean
        shrinkage = prior.shrinkage
        degreesOfFreedom = prior.degreesOfFreedom
        scale = prior.scale.rows
        weightPseudoCount = prior.weightPseudoCount
    }

    /// The prior this file describes, after checking every hyperparameter.
    ///
    /// - Throws: `DataError.invalidModelFile` naming `path` and the problem.
    public func prior(path: String) throws -> GaussianMixturePrior {
        func fail(_ reason: String) -> DataError { .invalidModelFile(path: path, reason: reason) }
        guard format == "emkit-model" else { throw fail("'format' is '\(format)', expected 'emkit-model'") }
        guard formatVersion == 1 else {
            throw fail("format version \(formatVersion) is newer than this emkit reads (1): upgrade emkit")
        }
        guard kind == "gaussian-prior" else { throw fail("'kind' is '\(kind)'; a prior file is a 'gaussian-prior'") }
        let d = mean.count
        guard scale.count == d, scale.allSatisfy({ $0.count == d }) else {
            throw fail("'scale' must be \(d) lists of \(d) numbers (d = the length of 'mean')")
        }
        do {
            return try GaussianMixturePrior(
                mean: mean, shrinkage: shrinkage, degreesOfFreedom: degreesOfFreedom, scale: Matrix(rows: scale),
                weightPseudoCount: weightPseudoCount ?? 0)
        } catch EMError.invalidParameter(let name, let value, let expected) {
            throw fail("'\(name.replacingOccurrences(of: "prior ", with: ""))' is \(value); expected \(expected)")
        }
    }

    /// The JSON text, pretty-printed with sorted keys, ending in a newline.
    public func encoded() throws -> [UInt8] { try ModelFileDecoding.encode(self) }

    /// Reads a prior file.
    ///
    /// - Throws: `DataError.unreadable`, or `DataError.invalidModelFile` saying which field is wrong.
    public static func read(path: String) throws -> GaussianPriorFile {
        try ModelFileDecoding.decode(GaussianPriorFile.self, path: path)
    }
}
