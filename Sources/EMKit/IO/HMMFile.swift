import Foundation

/// The on-disk form of a hidden Markov model (`"kind": "hmm"`): versioned JSON, documented in
/// `docs/model-format.md`. The emission's parameters sit under `means`/`covariances` (Gaussian),
/// `emissionProbabilities` (categorical), `rates` (Poisson) or, for other families of
/// `FamilyEmission` (negative binomial), `emissionParameters`.
public struct HMMFile: Codable, Sendable, Equatable {
    /// Always `"emkit-model"`.
    public var format = "emkit-model"
    /// This build reads version 1.
    public var formatVersion = 1
    /// Always `"hmm"`.
    public var kind = "hmm"
    /// `"gaussian"`, `"gmm"`, `"categorical"`, `"poisson"` or `"negative-binomial"`.
    public var emission: String
    /// Gaussian emissions only.
    public var covarianceType: CovarianceType?
    /// S.
    public var stateCount: Int
    /// Values per observation.
    public var dimension: Int
    /// The data columns the model was fitted on, when known.
    public var columns: [String]?
    /// π, `[S]`.
    public var startProbabilities: [Double]
    /// A, `[S][S]`.
    public var transitionMatrix: [[Double]]
    /// Gaussian means, `[S][d]`.
    public var means: [[Double]]?
    /// Gaussian covariances, always full, `[S][d][d]`.
    public var covariances: [[[Double]]]?
    /// Gaussian regularisation.
    public var regularization: Double?
    /// Categorical emission probabilities, `[S][M]`.
    public var emissionProbabilities: [[Double]]?
    /// Poisson rates, `[S][d]`.
    public var rates: [[Double]]?
    /// Other families' emissions: each state's component parameters (`parameterVector`; negative
    /// binomial: d means, then d sizes), `[S][P]`.
    public var emissionParameters: [[Double]]?
    /// Gaussian-mixture emissions: each state's mixing weights, `[S][M]`.
    public var mixtureWeights: [[Double]]?
    /// Gaussian-mixture emissions: each state's component means, `[S][M][d]`.
    public var mixtureMeans: [[[Double]]]?
    /// Gaussian-mixture emissions: each state's component covariances, always full, `[S][M][d][d]`.
    public var mixtureCovariances: [[[[Double]]]]?
    /// How the model was fitted; `logLikelihood` is per observation.
    public var fit: GaussianMixtureFile.FitRecord?

    private init<E: HMMEmission>(common model: HiddenMarkovModel<E>, columns: [String]?, fit: GaussianMixtureFile.FitRecord?) {
        emission = E.familyName
        stateCount = model.stateCount
        dimension = model.emission.dimension
        self.columns = columns
        startProbabilities = model.startProbabilities
        transitionMatrix = model.transitionMatrix.rows
        self.fit = fit
    }

    /// The file form of a Gaussian HMM.
    public init(_ model: GaussianHMM, columns: [String]? = nil, fit: GaussianMixtureFile.FitRecord? = nil) {
        self.init(common: model, columns: columns, fit: fit)
        covarianceType = model.emission.covarianceType
        means = model.emission.means.rows
        covariances = model.emission.covariances.map(\.rows)
        regularization = model.emission.gaussians.fitSettings.regularization
    }

    /// The file form of a Gaussian-mixture HMM.
    public init(_ model: GaussianMixtureHMM, columns: [String]? = nil, fit: GaussianMixtureFile.FitRecord? = nil) {
        self.init(common: model, columns: columns, fit: fit)
        covarianceType = model.emission.mixtures[0].covarianceType
        regularization = model.emission.mixtures[0].fitSettings.regularization
        mixtureWeights = model.emission.mixtures.map(\.weights)
        mixtureMeans = model.emission.mixtures.map(\.means.rows)
        mixtureCovariances = model.emission.mixtures.map { $0.covariances.map(\.rows) }
    }

    /// The file form of a categorical HMM.
    public init(_ model: CategoricalHMM, columns: [String]? = nil, fit: GaussianMixtureFile.FitRecord? = nil) {
        self.init(common: model, columns: columns, fit: fit)
        emissionProbabilities = model.emission.probabilities.rows
    }

    /// The file form of a Poisson HMM.
    public init(_ model: PoissonHMM, columns: [String]? = nil, fit: GaussianMixtureFile.FitRecord? = nil) {
        self.init(common: model, columns: columns, fit: fit)
        rates = model.emission.rates.rows
    }

    /// The file form of an HMM whose emissions are a mixture family's components (negative binomial).
    public init<Component: MixtureComponent>(
        _ model: HiddenMarkovModel<FamilyEmission<RowObservations<Component>>>, columns: [String]? = nil,
        fit: GaussianMixtureFile.FitRecord? = nil
    ) {
        self.init(common: model, columns: columns, fit: fit)
        emissionParameters = model.emission.parameters.rows
    }

    private func check(_ path: String, family: String) throws {
        func fail(_ reason: String) -> DataError { .invalidModelFile(path: path, reason: reason) }
        guard format == "emkit-model" else { throw fail("'format' is '\(format)', expected 'emkit-model'") }
        guard formatVersion == 1 else { throw fail("format version \(formatVersion) is newer than this emkit reads (1): upgrade emkit") }
        guard kind == "hmm" else { throw fail("'kind' is '\(kind)', expected 'hmm'") }
        guard emission == family else { throw fail("'emission' is '\(emission)', expected '\(family)'") }
        guard startProbabilities.count == stateCount, transitionMatrix.count == stateCount,
            transitionMatrix.allSatisfy({ $0.count == stateCount })
        else { throw fail("'startProbabilities' and 'transitionMatrix' must have \(stateCount) states") }
    }

    private func model<E: HMMEmission>(_ emission: () throws -> E, path: String) throws -> HiddenMarkovModel<E> {
        try ModelFileDecoding.validating(path: path) {
            try check(path, family: E.familyName)
            return try HiddenMarkovModel(
                startProbabilities: startProbabilities,
                transitionMatrix: Matrix(checkedRows: transitionMatrix, columns: stateCount, what: "transitionMatrix"),
                emission: emission())
        }
    }

    /// The Gaussian HMM this file describes.
    ///
    /// - Throws: `DataError.invalidModelFile` naming the problem.
    public func gaussianHMM(path: String) throws -> GaussianHMM {
        try model({
            guard let means, let covariances, let covarianceType, means.count == stateCount, covariances.count == stateCount else {
                throw EMError.invalidModel(reason: "a Gaussian HMM needs 'covarianceType', and 'means' and 'covariances' for \(stateCount) states")
            }
            return try GaussianEmission(
                means: Matrix(checkedRows: means, columns: dimension, what: "means"),
                covariances: covariances.map { try Matrix(checkedRows: $0, columns: dimension, what: "covariances") },
                covarianceType: covarianceType, regularization: regularization ?? 0)
        }, path: path)
    }

    /// The Gaussian-mixture HMM this file describes.
    ///
    /// - Throws: `DataError.invalidModelFile` naming the problem.
    public func gaussianMixtureHMM(path: String) throws -> GaussianMixtureHMM {
        try model({
            guard let covarianceType, let mixtureWeights, let mixtureMeans, let mixtureCovariances,
                mixtureWeights.count == stateCount, mixtureMeans.count == stateCount, mixtureCovariances.count == stateCount
            else {
                throw EMError.invalidModel(
                    reason: "a Gaussian-mixture HMM needs 'covarianceType', and 'mixtureWeights', 'mixtureMeans' and 'mixtureCovariances' for \(stateCount) states")
            }
            let mixtures = try (0..<stateCount).map { s in
                try GaussianMixture(
                    weights: mixtureWeights[s], means: Matrix(checkedRows: mixtureMeans[s], columns: dimension, what: "mixtureMeans"),
                    covariances: try mixtureCovariances[s].prefix(covarianceType.structure.componentStride(dimension: dimension) == nil ? 1 : mixtureCovariances[s].count).map {
                        try Matrix(checkedRows: $0, columns: dimension, what: "mixtureCovariances")
                    },
                    covarianceType: covarianceType, fitSettings: .init(regularization: regularization ?? 0))
            }
            return try GaussianMixtureEmission(mixtures: mixtures)
        }, path: path)
    }

    /// The categorical HMM this file describes.
    ///
    /// - Throws: `DataError.invalidModelFile` naming the problem.
    public func categoricalHMM(path: String) throws -> CategoricalHMM {
        try model({
            guard let emissionProbabilities, emissionProbabilities.count == stateCount else {
                throw EMError.invalidModel(reason: "a categorical HMM needs 'emissionProbabilities' for \(stateCount) states")
            }
            return try CategoricalEmission(probabilities: Matrix(checkedRows: emissionProbabilities, what: "emissionProbabilities"))
        }, path: path)
    }

    /// The Poisson HMM this file describes.
    ///
    /// - Throws: `DataError.invalidModelFile` naming the problem.
    public func poissonHMM(path: String) throws -> PoissonHMM {
        try model({
            guard let rates, rates.count == stateCount else {
                throw EMError.invalidModel(reason: "a Poisson HMM needs 'rates' for \(stateCount) states")
            }
            return try PoissonEmission(rates: Matrix(checkedRows: rates, columns: dimension, what: "rates"))
        }, path: path)
    }

    /// The HMM this file describes, whose emissions are components of `Component` (negative binomial).
    ///
    /// - Throws: `DataError.invalidModelFile` naming the problem.
    public func familyHMM<Component: MixtureComponent>(
        _ family: Component.Type, path: String
    ) throws -> HiddenMarkovModel<FamilyEmission<RowObservations<Component>>> {
        try model({
            guard let emissionParameters, emissionParameters.count == stateCount else {
                throw EMError.invalidModel(reason: "a \(Component.familyName) HMM needs 'emissionParameters' for \(stateCount) states")
            }
            let emission = try FamilyEmission<RowObservations<Component>>(
                parameters: Matrix(checkedRows: emissionParameters, what: "emissionParameters"))
            guard emission.dimension == dimension else {
                throw EMError.invalidModel(reason: "'emissionParameters' describe \(emission.dimension) columns, not 'dimension' \(dimension)")
            }
            return emission
        }, path: path)
    }

    /// The JSON text, pretty-printed with sorted keys, ending in a newline.
    public func encoded() throws -> [UInt8] { try ModelFileDecoding.encode(self) }

    /// Reads a model file.
    ///
    /// - Throws: `DataError.unreadable`, `DataError.invalidModelFile`.
    public static func read(path: String) throws -> HMMFile {
        try ModelFileDecoding.decode(HMMFile.self, path: path)
    }
}
