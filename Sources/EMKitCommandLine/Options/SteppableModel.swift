import EMKit

/// A model file whose E-step can run elsewhere, with what `estep` and `mstep` do with it:
/// Gaussian, Student-t, gamma and the discrete-family mixtures, and hidden Markov models of
/// every emission family (whose parts hold whole sequences).
struct SteppableModel {
    /// The columns the model was fitted on, when recorded.
    var columns: [String]?
    /// The values per row.
    var dimension: Int
    /// Whether rows may have missing values (Gaussian mixtures marginalise them).
    var marginalisesMissingValues: Bool
    /// Whether the rows are observations in sequences (an HMM).
    var isSequenceModel = false
    /// The E-step on every chunk of `data` (cut into sequences of `lengths` for an HMM; `nil`:
    /// one sequence): the archive's bytes.
    var expectation: (_ data: RowDataset, _ lengths: [Int]?) throws -> [UInt8]
    /// The parts' archives (bytes, in data order) merged and maximised: the next model file's
    /// bytes and the current model's log-likelihood over all parts.
    var maximization: (_ parts: [(path: String, bytes: [UInt8])]) throws -> (model: [UInt8], likelihood: ChunkLikelihood)

    /// Loads the model file at `path`.
    ///
    /// - Throws: `DataError.invalidModelFile` for a bad file or a kind without a row E-step.
    static func read(path: String) throws -> SteppableModel {
        let kind = try ModelFileDecoding.kind(path: path)
        switch kind {
        case "gaussian-mixture":
            let file = try GaussianMixtureFile.read(path: path)
            var model = make(try file.mixture(path: path), columns: file.columns) { try GaussianMixtureFile($0, columns: file.columns).encoded() }
            model.marginalisesMissingValues = true
            return model
        case "student-t-mixture":
            let file = try StudentTMixtureFile.read(path: path)
            return make(try file.mixture(path: path), columns: file.columns) { try StudentTMixtureFile($0, columns: file.columns).encoded() }
        case "gamma-mixture":
            let file = try GammaMixtureFile.read(path: path)
            return make(try file.mixture(path: path), columns: file.columns) { try GammaMixtureFile($0, columns: file.columns).encoded() }
        case BinomialMixture.kind: return try finite(Binomial.self, path: path)
        case BernoulliMixture.kind: return try finite(Bernoulli.self, path: path)
        case CategoricalMixture.kind: return try finite(Categorical.self, path: path)
        case PoissonMixture.kind: return try finite(Poisson.self, path: path)
        case NegativeBinomialMixture.kind: return try finite(NegativeBinomial.self, path: path)
        case "hmm": return try hiddenMarkov(path: path)
        default:
            throw DataError.invalidModelFile(
                path: path,
                reason: "'\(kind)' models have no distributed E-step here; estep and mstep take gaussian-mixture, student-t-mixture, "
                    + "gamma-mixture, the binomial, bernoulli, categorical, poisson and negative-binomial mixtures, and hmm")
        }
    }

    private static func finite<Component: MixtureComponent>(_ type: Component.Type, path: String) throws -> SteppableModel {
        let file = try FiniteMixtureFile<Component>.read(path: path)
        return make(try file.mixture(path: path), columns: file.columns) { try FiniteMixtureFile($0, columns: file.columns).encoded() }
    }

    private static func hiddenMarkov(path: String) throws -> SteppableModel {
        let file = try HMMFile.read(path: path)
        func make<Emission: HMMEmission>(
            _ model: HiddenMarkovModel<Emission>, encode: @escaping (HiddenMarkovModel<Emission>) -> HMMFile
        ) -> SteppableModel {
            var steppable = SteppableModel.make(
                model, columns: file.columns, dimension: model.emission.dimension,
                dataset: { rows, lengths in try SequenceDataset(rows, lengths: lengths) }) { try encode($0).encoded() }
            steppable.isSequenceModel = true
            return steppable
        }
        switch file.emission {
        case "gaussian": return make(try file.gaussianHMM(path: path)) { HMMFile($0, columns: file.columns) }
        case "gmm": return make(try file.gaussianMixtureHMM(path: path)) { HMMFile($0, columns: file.columns) }
        case "categorical": return make(try file.categoricalHMM(path: path)) { HMMFile($0, columns: file.columns) }
        case "poisson": return make(try file.poissonHMM(path: path)) { HMMFile($0, columns: file.columns) }
        case NegativeBinomial.familyName:
            return make(try file.familyHMM(NegativeBinomial.self, path: path)) { HMMFile($0, columns: file.columns) }
        default:
            throw DataError.invalidModelFile(
                path: path, reason: "unknown emission '\(file.emission)'; expected gaussian, gmm, categorical, poisson or negative-binomial")
        }
    }

    private static func make<Model: EMModel & Mixture>(
        _ model: Model, columns: [String]?, encode: @escaping (Model) throws -> [UInt8]
    ) -> SteppableModel where Model.Dataset == RowDataset, Model.Statistics: PortableStatistics {
        make(model, columns: columns, dimension: model.dimension, dataset: { rows, _ in rows }, encode: encode)
    }

    private static func make<Model: EMModel>(
        _ model: Model, columns: [String]?, dimension: Int, dataset: @escaping (RowDataset, [Int]?) throws -> Model.Dataset,
        encode: @escaping (Model) throws -> [UInt8]
    ) -> SteppableModel where Model.Statistics: PortableStatistics {
        SteppableModel(
            columns: columns, dimension: dimension, marginalisesMissingValues: false,
            expectation: { rows, lengths in try ChunkStatisticsArchive(expectationOf: model, on: try dataset(rows, lengths)).encoded() },
            maximization: { parts in
                var chunks: [ChunkStatisticsArchive<Model.Statistics>.Chunk] = []
                let empty = model.emptyStatistics()
                for part in parts {
                    do {
                        let archive = try ChunkStatisticsArchive<Model.Statistics>(decoding: part.bytes)
                        try archive.requireShape(of: empty)
                        chunks += archive.chunks
                    } catch let error as StatisticsArchiveError {
                        throw DataError.unreadable(path: part.path, reason: error.description)
                    }
                }
                let (statistics, likelihood) = ChunkStatisticsArchive(chunks: chunks).merged(into: empty)
                guard likelihood.sampleWeight > 0 else { throw EMError.noSamples }
                return (try encode(try model.maximized(from: statistics)), likelihood)
            })
    }
}
