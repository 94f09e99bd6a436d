// The wording of every error EMKit reports, in one place: what happened, where, and what to try.
//
// What to try names settings (`ErrorSetting`); `description` names them as the library's
// parameters, and `emkit` passes its own naming (its flags) to `description(naming:)`, so that the
// wording exists once for both.

/// A setting a message suggests changing, named by whoever shows the message: the library by
/// its parameter (`ErrorSetting.parameterName`), a command-line tool by its flag.
public enum ErrorSetting: Sendable, Hashable {
    /// The columns read from a data file (`CSVFormat.columns`).
    case columns
    /// Re-seeding degenerate components (`FitSettings.degeneracyPolicy = .reseed`).
    case reseedDegenerate
    /// The covariance regularisation (`FitSettings.regularization`).
    case regularization
    /// Pseudo-counts of a conjugate prior on discrete parameters (`componentPrior`).
    case pseudoCounts
    /// Filling missing values first (`GaussianMixture.imputed(_:)`).
    case imputation
    /// A parameter of a fit's options, by its name (`componentCount`, `covarianceType`, …).
    case parameter(String)

    /// The library's name for the setting: the parameter or method to change.
    public var parameterName: String {
        switch self {
        case .columns: return "CSVFormat.columns"
        case .reseedDegenerate: return "degeneracyPolicy = .reseed"
        case .regularization: return "regularization"
        case .pseudoCounts: return "componentPrior"
        case .imputation: return "GaussianMixture.imputed(_:)"
        case .parameter(let name): return name
        }
    }
}

extension EMError: CustomStringConvertible {
    /// The message, naming settings by their library parameters.
    public var description: String { description(naming: \.parameterName) }

    /// The message, naming the settings it suggests changing with `name`.
    public func description(naming name: (ErrorSetting) -> String) -> String {
        switch self {
        case .invalidParameter(let parameter, let value, let expected):
            return "invalid \(name(.parameter(parameter))) '\(value)': expected \(expected)"
        case .noSamples:
            return "there are no samples to fit: the data has no rows (or every weight is zero)"
        case .tooManyComponents(let components, let samples):
            return "cannot fit \(components) components to \(samples) distinct samples: "
                + "use at most \(samples) components, or add data"
        case .nonFiniteValue(let row, let column, let value):
            return "data row \(row + 1), column \(column + 1) is \(value): "
                + "remove or impute missing values before fitting"
        case .valueTooLarge(let row, let column, let value):
            return "data row \(row + 1), column \(column + 1) is \(value): values beyond ±1e100 overflow when squared "
                + "and summed; rescale the column (divide it by a power of ten)"
        case .zeroDensity(let row):
            return "data row \(row + 1) has density 0 under every component of the model (or one too large to represent), "
                + "so its log-likelihood is not a number: check that the data have the model's columns and units"
        case .columnAllMissing(let column):
            return "column \(column + 1) has no observed value: drop it (\(name(.columns))) before fitting"
        case .invalidWeight(let row, let value):
            if let row {
                return "sample weight in row \(row + 1) is \(value): weights must be finite and ≥ 0"
            }
            return "all sample weights are zero: at least one must be positive"
        case .dimensionMismatch(let expected, let actual):
            return "the data has \(actual) columns but the model has dimension \(expected): "
                + "choose the columns the model was fitted on (\(name(.columns)))"
        case .degenerateComponent(let component, let iteration, let reason):
            let when = iteration == 0 ? "in the initial parameters" : "at iteration \(iteration)"
            switch reason {
            case .emptyComponent:
                return "component \(component + 1) lost all its samples \(when): "
                    + "decrease the number of components, use more restarts, "
                    + "or re-seed empty components (\(name(.reseedDegenerate)))"
            case .singularCovariance:
                return "component \(component + 1) has a singular covariance \(when) "
                    + "(it collapsed onto too few points, or a column is constant): "
                    + "increase the regularization (\(name(.regularization))), decrease the number of components, "
                    + "scale the data, or re-seed collapsed components (\(name(.reseedDegenerate)))"
            }
        case .gradientStepFailed(let reason):
            return "the EM-gradient step failed: \(reason); use plain EM for this model, or start nearer the optimum"
        case .invalidModel(let reason):
            return "invalid model: \(reason)"
        case .impossibleSample(let row):
            return "row \(row + 1) has probability zero under every component (a probability reached 0 or 1): "
                + "use a prior (\(name(.pseudoCounts))) or fewer components"
        case .invalidObservation(let row, let reason):
            return "row \(row + 1): \(reason)"
        case .nonFiniteResult(let iteration):
            return "the fit diverged at iteration \(iteration) (parameters are no longer finite): "
                + "scale the data or increase the regularization (\(name(.regularization)))"
        }
    }
}

extension DataError: CustomStringConvertible {
    /// The message, naming settings by their library parameters.
    public var description: String { description(naming: \.parameterName) }

    /// The message, naming the settings it suggests changing with `name`.
    public func description(naming name: (ErrorSetting) -> String) -> String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .unwritable(let path, let reason):
            return "\(path): cannot write: \(reason)"
        case .empty(let path):
            return "\(path): no data rows"
        case .notANumber(let path, let line, let column, let field):
            return "\(path):\(line): column \(column): '\(field)' is not a number"
        case .raggedRow(let path, let line, let expected, let found):
            return "\(path):\(line): expected \(expected) fields, found \(found)"
        case .invalidRound(let path, let line, let text, let reason):
            return "\(path):\(line): '\(text)' is not a round: \(reason)"
        case .missingValue(let path, let line, let column, let field):
            return "\(path):\(line): column \(column): missing value '\(field)'; "
                + "this command needs complete rows here (only Gaussian fits marginalise missing values): "
                + "remove the row, or fill it first (with \(name(.imputation)))"
        case .invalidWeight(let path, let line, let column, let value):
            return "\(path):\(line): column \(column): weight \(value) is negative; weights must be ≥ 0"
        case .nonFinite(let path, let line, let column, let field):
            return "\(path):\(line): column \(column): '\(field)' is not a finite number; "
                + "remove or impute missing values first"
        case .unknownColumn(let path, let column, let available):
            let shown = available.count > 20 ? available.prefix(20).joined(separator: ", ") + ", … (\(available.count - 20) more)" : available.joined(separator: ", ")
            return "\(path): no column '\(column)'; the columns are: \(shown)"
        case .invalidField(let path, let line, let column, let field, let expected):
            return "\(path):\(line): column \(column): '\(field)' is not \(expected)"
        case .outputIsInput(let path):
            return "\(path) is also an input of this command: writing it would destroy the input; choose another output path"
        case .duplicateColumn(let path, let columnName, let first, let second):
            return "\(path): columns \(first) and \(second) are both named '\(columnName)': rename one in the header, "
                + "or leave one out (\(name(.columns)))"
        case .tooManyColumns(let path, let count, let limit, let reason):
            return "\(path): \(count) columns chosen, but at most \(limit) can be used: \(reason); "
                + "choose fewer (\(name(.columns)))"
        case .unsupportedNumpy(let path, let reason):
            return "\(path): not a readable .npy file: \(reason)"
        case .invalidModelFile(let path, let reason):
            return "\(path): invalid model file: \(reason)"
        }
    }
}
