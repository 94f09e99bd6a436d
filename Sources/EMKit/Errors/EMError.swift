/// Errors of fitting and using models. The wording of every case is in `ErrorDescriptions.swift`.
public enum EMError: Error, Sendable, Equatable {
    /// An option or argument is out of range: `name` is the parameter, `value` what was given,
    /// `expected` what is accepted.
    case invalidParameter(name: String, value: String, expected: String)
    /// There is no data to fit or score.
    case noSamples
    /// More components were asked for than the data has (distinct) samples.
    case tooManyComponents(components: Int, samples: Int)
    /// A data value is NaN or infinite: `row` and `column` are 0-based positions in the matrix.
    case nonFiniteValue(row: Int, column: Int, value: Double)
    /// A data value's magnitude exceeds `RowDataset.largestMagnitude` (1e100), beyond which sums of
    /// squares can overflow: `row` and `column` are 0-based positions in the matrix.
    case valueTooLarge(row: Int, column: Int, value: Double)
    /// Data row `row` (0-based) has density 0 under every component of a model (or a density too
    /// large to represent), so its log-likelihood and probabilities are not numbers.
    case zeroDensity(row: Int)
    /// Every value of a column is missing (0-based column).
    case columnAllMissing(column: Int)
    /// A sample weight is negative, NaN or infinite, or all weights are zero (`row` is nil then).
    case invalidWeight(row: Int?, value: Double)
    /// The data's dimension does not match the model's.
    case dimensionMismatch(expected: Int, actual: Int)
    /// Component `component` (0-based) could not be estimated in the M-step of `iteration`
    /// (1-based; 0 means the initial parameters).
    case degenerateComponent(component: Int, iteration: Int, reason: DegeneracyReason)
    /// Parameters given by the user (or a model file) are not a valid model.
    case invalidModel(reason: String)
    /// A sample has probability zero under every component (0-based row).
    case impossibleSample(row: Int)
    /// A row is not a valid observation of the model's family (0-based row).
    case invalidObservation(row: Int, reason: String)
    /// The best restart's parameters are not finite: the fit diverged.
    case nonFiniteResult(iteration: Int)
    /// An EM-gradient M-step (one Newton step on Q) could not be taken: `reason` says whether
    /// −∇²Q was not positive definite or no shortened step gave valid parameters.
    case gradientStepFailed(reason: String)
}

/// Why a component could not be estimated.
public enum DegeneracyReason: Sendable, Equatable {
    /// The component's total responsibility is (numerically) zero: no sample belongs to it.
    case emptyComponent
    /// The component's covariance is not positive definite even after regularisation
    /// (for instance a component sitting on a single point, or a constant column).
    case singularCovariance
}
