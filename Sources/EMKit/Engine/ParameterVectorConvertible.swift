/// Models whose parameters can be read and written as one vector of numbers, so that schemes like
/// SQUAREM can extrapolate them.
public protocol ParameterVectorConvertible {
    /// The parameters as numbers (for a mixture: weights, means, covariance parameters).
    var parameterVector: [Double] { get }
    /// The same model with the parameters `vector`, or `nil` when they are not a valid model (a
    /// weight ≤ 0, a covariance that is not positive definite).
    func replacingParameters(with vector: [Double]) -> Self?
}
