import EMKit

/// A model file of any kind, loaded: what `predict`, `score` and `sample` need.
struct LoadedModel {
    /// The mixture, for predictions and scores.
    var mixture: any Mixture
    /// The columns the model was fitted on, when recorded.
    var columns: [String]?
    /// Whether samples are counts (printed as integers).
    var countValued: Bool
    /// Draws `count` rows (and their components); `trials` is for count families.
    var sample: (_ count: Int, _ trials: Int, _ seed: UInt64) -> (Matrix, [Int])
    /// Whether rows may have missing values (Gaussian mixtures marginalise them).
    var marginalisesMissingValues = false

    /// Loads the model file at `path`, whatever its kind.
    ///
    /// - Throws: `DataError.invalidModelFile` for an unknown kind or a bad file.
    static func read(path: String) throws -> LoadedModel {
        let kind = try ModelFileDecoding.kind(path: path)
        switch kind {
        case "gaussian-mixture":
            let file = try GaussianMixtureFile.read(path: path)
            let model = try file.mixture(path: path)
            var loaded = LoadedModel(mixture: model, columns: file.columns, countValued: false) { count, _, seed in
                var generator = SeededGenerator(seed: seed)
                return model.sample(count: count, using: &generator)
            }
            loaded.marginalisesMissingValues = true
            return loaded
        case "student-t-mixture":
            let file = try StudentTMixtureFile.read(path: path)
            let model = try file.mixture(path: path)
            return LoadedModel(mixture: model, columns: file.columns, countValued: false) { count, _, seed in
                var generator = SeededGenerator(seed: seed)
                return model.sample(count: count, using: &generator)
            }
        case "gamma-mixture":
            let file = try GammaMixtureFile.read(path: path)
            let model = try file.mixture(path: path)
            return LoadedModel(mixture: model, columns: file.columns, countValued: false) { count, _, seed in
                var generator = SeededGenerator(seed: seed)
                return model.sample(count: count, using: &generator)
            }
        case BinomialMixture.kind: return try finite(Binomial.self, path: path)
        case BernoulliMixture.kind: return try finite(Bernoulli.self, path: path)
        case CategoricalMixture.kind: return try finite(Categorical.self, path: path)
        case PoissonMixture.kind: return try finite(Poisson.self, path: path)
        case NegativeBinomialMixture.kind: return try finite(NegativeBinomial.self, path: path)
        default:
            throw DataError.invalidModelFile(
                path: path,
                reason: "unknown kind '\(kind)'; this emkit reads gaussian-mixture, student-t-mixture, gamma-mixture, binomial-mixture, "
                    + "bernoulli-mixture, categorical-mixture, poisson-mixture and negative-binomial-mixture")
        }
    }

    private static func finite<Component: MixtureComponent>(_ type: Component.Type, path: String) throws -> LoadedModel {
        let file = try FiniteMixtureFile<Component>.read(path: path)
        let model = try file.mixture(path: path)
        return LoadedModel(mixture: model, columns: file.columns, countValued: true) { count, trials, seed in
            var generator = SeededGenerator(seed: seed)
            return model.sample(count: count, trials: trials, using: &generator)
        }
    }
}

