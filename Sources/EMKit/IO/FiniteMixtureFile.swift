import Foundation

/// The on-disk form of a binomial, Bernoulli, categorical or Poisson mixture: versioned JSON,
/// documented in `docs/model-format.md`.
///
/// ```json
/// { "format": "emkit-model", "formatVersion": 1, "kind": "binomial-mixture", "componentCount": 2,
///   "dimension": 2, "weights": [0.5, 0.5], "fixedWeights": true, "probabilities": [[0.8], [0.52]], … }
/// ```
/// Each component's parameters sit under the family's `parameterName`: `probabilities` (binomial:
/// one per component, as a one-element list; Bernoulli and categorical: one per column) or `rates`
/// (Poisson: one per column).
public struct FiniteMixtureFile<Component: MixtureComponent>: Codable, Sendable, Equatable {
    /// Always `"emkit-model"`.
    public var format = "emkit-model"
    /// This build reads version 1.
    public var formatVersion = 1
    /// `"<family>-mixture"`.
    public var kind: String
    /// K.
    public var componentCount: Int
    /// Values per row.
    public var dimension: Int
    /// The data columns the model was fitted on, when known.
    public var columns: [String]?
    /// Mixing weights, `[K]`.
    public var weights: [Double]
    /// Whether the weights were held fixed in fitting.
    public var fixedWeights: Bool
    /// The components' parameters, `[K][…]`.
    public var parameters: [[Double]]
    /// How the model was fitted, when it was.
    public var fit: GaussianMixtureFile.FitRecord?

    /// The file form of `mixture`.
    public init(_ mixture: FiniteMixture<Component>, columns: [String]? = nil, fit: GaussianMixtureFile.FitRecord? = nil) {
        kind = FiniteMixture<Component>.kind
        componentCount = mixture.componentCount
        dimension = mixture.dimension
        self.columns = columns
        weights = mixture.weights
        fixedWeights = mixture.fitSettings.fixWeights
        parameters = mixture.components.map(\.parameterVector)
        self.fit = fit
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        format = try container.decode(String.self, forKey: Key("format"))
        formatVersion = try container.decode(Int.self, forKey: Key("formatVersion"))
        kind = try container.decode(String.self, forKey: Key("kind"))
        componentCount = try container.decode(Int.self, forKey: Key("componentCount"))
        dimension = try container.decode(Int.self, forKey: Key("dimension"))
        columns = try container.decodeIfPresent([String].self, forKey: Key("columns"))
        weights = try container.decode([Double].self, forKey: Key("weights"))
        fixedWeights = try container.decodeIfPresent(Bool.self, forKey: Key("fixedWeights")) ?? false
        parameters = try container.decode([[Double]].self, forKey: Key(Component.parameterName))
        fit = try container.decodeIfPresent(GaussianMixtureFile.FitRecord.self, forKey: Key("fit"))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(format, forKey: Key("format"))
        try container.encode(formatVersion, forKey: Key("formatVersion"))
        try container.encode(kind, forKey: Key("kind"))
        try container.encode(componentCount, forKey: Key("componentCount"))
        try container.encode(dimension, forKey: Key("dimension"))
        try container.encodeIfPresent(columns, forKey: Key("columns"))
        try container.encode(weights, forKey: Key("weights"))
        try container.encode(fixedWeights, forKey: Key("fixedWeights"))
        try container.encode(parameters, forKey: Key(Component.parameterName))
        try container.encodeIfPresent(fit, forKey: Key("fit"))
    }

    /// The mixture this file describes, after checking it.
    ///
    /// - Throws: `DataError.invalidModelFile` naming `path` and the problem.
    public func mixture(path: String) throws -> FiniteMixture<Component> {
        func fail(_ reason: String) -> DataError { .invalidModelFile(path: path, reason: reason) }
        guard format == "emkit-model" else { throw fail("'format' is '\(format)', expected 'emkit-model'") }
        guard formatVersion == 1 else {
            throw fail("format version \(formatVersion) is newer than this emkit reads (1): upgrade emkit")
        }
        guard kind == FiniteMixture<Component>.kind else {
            throw fail("'kind' is '\(kind)', expected '\(FiniteMixture<Component>.kind)'")
        }
        guard weights.count == componentCount, parameters.count == componentCount else {
            throw fail("'weights' and '\(Component.parameterName)' must have \(componentCount) entries")
        }
        return try ModelFileDecoding.validating(path: path) {
            let components = try parameters.map { try Component(parameterVector: $0) }
            guard components.allSatisfy({ $0.dimension == dimension }) else {
                throw fail("the components do not have dimension \(dimension)")
            }
            var settings = FiniteMixture<Component>.FitSettings()
            settings.fixWeights = fixedWeights
            return try FiniteMixture(weights: weights, components: components, fitSettings: settings)
        }
    }

    /// The JSON text, pretty-printed with sorted keys, ending in a newline.
    public func encoded() throws -> [UInt8] { try ModelFileDecoding.encode(self) }

    /// Reads and checks a model file.
    ///
    /// - Throws: `DataError.unreadable`, or `DataError.invalidModelFile` saying which field is wrong.
    public static func read(path: String) throws -> FiniteMixtureFile {
        try ModelFileDecoding.decode(FiniteMixtureFile.self, path: path)
    }
}

/// JSON decoding of model files with errors that name the file and the field.
public enum ModelFileDecoding {
    /// Decodes a model file.
    ///
    /// - Throws: `DataError.unreadable`, `DataError.invalidModelFile`.
    public static func decode<T: Decodable>(_ type: T.Type, path: String) throws -> T {
        let bytes = try FileAccess.readAll(path)
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw DataError.invalidModelFile(path: path, reason: describe(error))
        } catch {
            throw DataError.invalidModelFile(path: path, reason: "\(error)")
        }
    }

    /// A model file's JSON text: pretty-printed with sorted keys (stable diffs), ending in a
    /// newline; NaN or infinite numbers are refused rather than written.
    ///
    /// - Throws: `EncodingError` for a non-finite number.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .throw
        return Array(try encoder.encode(value)) + [0x0A]
    }

    /// Runs `body`, turning an `EMError` (a model the file describes that is not valid) into
    /// `DataError.invalidModelFile` naming `path`.
    static func validating<T>(path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as EMError {
            if case .invalidModel(let reason) = error { throw DataError.invalidModelFile(path: path, reason: reason) }
            throw DataError.invalidModelFile(path: path, reason: error.description)
        }
    }

    /// The kind named in a model file, without decoding the rest.
    ///
    /// - Throws: `DataError.unreadable`, `DataError.invalidModelFile`.
    public static func kind(path: String) throws -> String {
        struct Kind: Decodable { var kind: String }
        return try decode(Kind.self, path: path).kind
    }

    static func describe(_ error: DecodingError) -> String {
        func location(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "the top level" : "'" + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") + "'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing field '\(key.stringValue)' in \(location(context.codingPath))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong type at \(location(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not valid JSON (\(context.debugDescription))" }
            return "bad value at \(location(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
