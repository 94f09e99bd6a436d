import ArgumentParser
import EMKit
import Foundation

/// `--prior default|none|FILE`: MAP-EM with a conjugate prior, shared by `fit` and `hmm fit`.
struct PriorOptionGroup: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "MAP-EM: 'default' (Gaussian: Fraley & Raftery's prior built from the data, as mclust's priorControl(); "
                + "discrete families and emissions: pseudo-count 1), 'none', or a Gaussian prior file (docs/variants/map-em.md).",
            valueName: "default|none|file"))
    var prior: String = "none"

    func validate() throws {
        if case .file(let path) = choice, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--prior takes default, none or the path of a gaussian-prior file; '\(path)' is none of them")
        }
    }

    /// What `--prior` asks for.
    enum Choice: Equatable {
        case none
        case fraleyRaftery
        case file(String)
    }

    var choice: Choice {
        switch prior {
        case "none": return .none
        case "default": return .fraleyRaftery
        default: return .file(prior)
        }
    }

    /// The Gaussian prior `--prior` names, for `componentCount` components on `data`.
    ///
    /// - Throws: errors reading the prior file, or a `ValidationError` when its dimension is not the data's.
    func gaussianPrior(
        for data: RowDataset, componentCount: Int, covarianceType: CovarianceType
    ) throws -> GaussianMixturePrior? {
        switch choice {
        case .none:
            return nil
        case .fraleyRaftery:
            return try GaussianMixturePrior.fraleyRaftery(for: data, componentCount: componentCount, covarianceType: covarianceType)
        case .file(let path):
            let prior = try GaussianPriorFile.read(path: path).prior(path: path)
            guard prior.dimension == data.dimension else {
                throw ValidationError(
                    "the prior in \(path) is for \(prior.dimension) columns but the data have \(data.dimension)")
            }
            return prior
        }
    }
}
