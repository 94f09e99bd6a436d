import EMKit
import EMKitImaging

/// The library's errors in the command line's words: the settings a message suggests changing
/// are named by the flags that change them. The wording itself is the library's
/// (`ErrorDescriptions.swift`); only the names differ.
enum ErrorMessages {
    /// `error` as `emkit` reports it: EMKit's errors reworded with flags (exit status 1), every
    /// other error (ArgumentParser's, `ValidationError`) unchanged.
    static func translated(_ error: any Error) -> any Error {
        switch error {
        case let error as EMError: return Failure(description: error.description(naming: flag))
        case let error as DataError: return Failure(description: error.description(naming: flag))
        case let error as ImageError: return Failure(description: error.description(naming: flag))
        default: return error
        }
    }

    /// A failure reported with the message given (ArgumentParser exits 1 for it).
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The flag (or command) that changes `setting`; a parameter without a flag keeps its name.
    static func flag(_ setting: ErrorSetting) -> String {
        switch setting {
        case .columns: return "--columns"
        case .reseedDegenerate: return "--on-degenerate reseed"
        case .regularization: return "--regularization"
        case .pseudoCounts: return "--prior-count"
        case .imputation: return "'emkit impute'"
        case .parameter(let name):
            switch name {
            case "componentCount", "clusterCount": return "--components"
            case "covarianceType": return "--covariance"
            case "regularization": return "--regularization"
            case "tolerance": return "--tolerance"
            case "maxIterations": return "--max-iterations"
            case "restarts": return "--restarts"
            case "threadCount": return "--threads"
            case "degeneracyPolicy": return "--on-degenerate"
            case "prior", "mean": return "--prior"
            case "weightPseudoCount", "pseudoCount": return "--prior-count"
            case "stateCount": return "--states"
            case "mixtureComponents": return "--mixture-components"
            case "lengths": return "--lengths"
            case "sampleWeights": return "--weights"
            case "maximumPixels": return "--max-pixels"
            case "initialization", "start": return "--init"
            case "chunksPerBatch": return "--batch-size"
            case "decay": return "--step-decay"
            case "offset": return "--step-offset"
            case "dimension": return "the data's column count"
            default: return name
            }
        }
    }
}
