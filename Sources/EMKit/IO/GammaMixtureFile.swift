/// The on-disk form of a gamma mixture (`"kind": "gamma-mixture"`), documented in
/// `docs/model-format.md`: weights, shapes and rates, one per component.
public struct GammaMixtureFile: Codable, Sendable, Equatable {
    /// Always `"emkit-model"`.
    public var format = "emkit-model"
    /// This build reads version 1.
    public var formatVersion = 1
    /// Always `"gamma-mixture"`.
    public var kind = "gamma-mixture"
    /// K.
    public var componentCount: Int
    /// The data column the model was fitted on, when known (one name).
    public var columns: [String]?
    /// πₖ, `[K]`.
    public var weights: [Double]
    /// αₖ, `[K]`.
    public var shapes: [Double]
    /// βₖ, `[K]`, in 1/(data units).
    public var rates: [Double]
    /// How the model was fitted.
    public var fit: GaussianMixtureFile.FitRecord?

    /// The file form of `mixture`.
    public init(_ mixture: GammaMixture, columns: [String]? = nil, fit: GaussianMixtureFile.FitRecord? = nil) {
        componentCount = mixture.componentCount
        self.columns = columns
        weights = mixture.weights
        shapes = mixture.shapes
        rates = mixture.rates
        self.fit = fit
    }

    /// The mixture this file describes.
    ///
    /// - Throws: `DataError.invalidModelFile` naming the problem.
    public func mixture(path: String) throws -> GammaMixture {
        func fail(_ reason: String) -> DataError { .invalidModelFile(path: path, reason: reason) }
        guard format == "emkit-model", formatVersion == 1, kind == "gamma-mixture" else {
            throw fail("expected an emkit-model of format version 1 and kind 'gamma-mixture'")
        }
        guard weights.count == componentCount, shapes.count == componentCount, rates.count == componentCount else {
            throw fail("'weights', 'shapes' and 'rates' must have \(componentCount) entries")
        }
        return try ModelFileDecoding.validating(path: path) {
            try GammaMixture(weights: weights, shapes: shapes, rates: rates)
        }
    }

    /// The JSON text, pretty-printed with sorted keys, ending in a newline.
    public func encoded() throws -> [UInt8] { try ModelFileDecoding.encode(self) }

    /// Reads a model file.
    ///
    /// - Throws: `DataError.unreadable`, `DataError.invalidModelFile`.
    public static func read(path: String) throws -> GammaMixtureFile {
        try ModelFileDecoding.decode(GammaMixtureFile.self, path: path)
    }
}
