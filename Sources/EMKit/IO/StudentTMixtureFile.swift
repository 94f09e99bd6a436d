/// The on-disk form of a Student-t mixture (`"kind": "student-t-mixture"`), documented in
/// `docs/model-format.md`: a Gaussian mixture's fields plus `degreesOfFreedom`.
public struct StudentTMixtureFile: Codable, Sendable, Equatable {
    /// Always `"emkit-model"`.
    public var format = "emkit-model"
    /// This build reads version 1.
    public var formatVersion = 1
    /// Always `"student-t-mixture"`.
    public var kind = "student-t-mixture"
    /// K.
    public var componentCount: Int
    /// d.
    public var dimension: Int
    /// The data columns the model was fitted on, when known.
    public var columns: [String]?
    /// `[K]`.
    public var weights: [Double]
    /// `[K][d]`.
    public var means: [[Double]]
    /// Scale matrices, `[K][d][d]`.
    public var covariances: [[[Double]]]
    /// νₖ, `[K]`.
    public var degreesOfFreedom: [Double]
    /// The regularisation the fit used.
    public var regularization: Double
    /// How the model was fitted.
    public var fit: GaussianMixtureFile.FitRecord?

    /// The file form of `mixture`.
    public init(_ mixture: StudentTMixture, columns: [String]? = nil, fit: GaussianMixtureFile.FitRecord? = nil) {
        componentCount = mixture.componentCount
        dimension = mixture.dimension
        self.columns = columns
        weights = mixture.weights
        means = mixture.means.rows
        covariances = mixture.covariances.map(\.rows)
        degreesOfFreedom = mixture.degreesOfFreedom
        regularization = mixture.regularization
        self.fit = fit
    }

    /// The mixture this file describes.
    ///
    /// - Throws: `DataError.invalidModelFile` naming the problem.
    public func mixture(path: String) throws -> StudentTMixture {
        func fail(_ reason: String) -> DataError { .invalidModelFile(path: path, reason: reason) }
        guard format == "emkit-model", formatVersion == 1, kind == "student-t-mixture" else {
            throw fail("expected an emkit-model of format version 1 and kind 'student-t-mixture'")
        }
        guard weights.count == componentCount, means.count == componentCount, covariances.count == componentCount,
            degreesOfFreedom.count == componentCount
        else { throw fail("'weights', 'means', 'covariances' and 'degreesOfFreedom' must have \(componentCount) entries") }
        return try ModelFileDecoding.validating(path: path) {
            try StudentTMixture(
                weights: weights, means: Matrix(checkedRows: means, columns: dimension, what: "means"),
                covariances: covariances.map { try Matrix(checkedRows: $0, columns: dimension, what: "covariances") },
                degreesOfFreedom: degreesOfFreedom, regularization: regularization)
        }
    }

    /// The JSON text, pretty-printed with sorted keys, ending in a newline.
    public func encoded() throws -> [UInt8] { try ModelFileDecoding.encode(self) }

    /// Reads a model file.
    ///
    /// - Throws: `DataError.unreadable`, `DataError.invalidModelFile`.
    public static func read(path: String) throws -> StudentTMixtureFile {
        try ModelFileDecoding.decode(StudentTMixtureFile.self, path: path)
    }
}
