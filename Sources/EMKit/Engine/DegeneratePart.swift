/// A part of a fitted model that the data cannot support: the sign of a degenerate optimum,
/// which EM reaches and reports as converged like any other.
///
/// `EMResult.degenerateParts` lists them for the kept model (`EMModel.degenerateParts(sampleWeight:)`);
/// `emkit` prints them as warnings, records them in the model file, and `emkit select` will not
/// choose such a candidate without saying so.
public enum DegeneratePart: Sendable, Equatable, CustomStringConvertible {
    /// The component's smallest variance (the smallest eigenvalue of its covariance) is at the
    /// regularisation floor `floor`: the component has collapsed onto a point, a line or a plane.
    case varianceAtFloor(component: Int, variance: Double, floor: Double)
    /// The component's expected count (weight × sample weight) is below one sample.
    case weightBelowOneSample(component: Int, expectedCount: Double)
    /// The component's expected count is below its number of free parameters.
    case fewerPointsThanParameters(component: Int, expectedCount: Double, parameters: Int)

    /// The component concerned, from 0.
    public var component: Int {
        switch self {
        case .varianceAtFloor(let c, _, _), .weightBelowOneSample(let c, _), .fewerPointsThanParameters(let c, _, _): return c
        }
    }

    public var description: String {
        func number(_ x: Double) -> String { "\(Float(x))" }
        switch self {
        case .varianceAtFloor(let c, let variance, let floor):
            return "component \(c + 1) has a variance of \(number(variance)), at the regularisation floor \(number(floor)): "
                + "it has collapsed onto too few distinct points"
        case .weightBelowOneSample(let c, let count):
            return "component \(c + 1) holds \(number(count)) samples' worth of weight, less than one sample"
        case .fewerPointsThanParameters(let c, let count, let parameters):
            return "component \(c + 1) holds \(number(count)) samples' worth of weight for its \(parameters) free parameters"
        }
    }

    /// The checks every mixture shares: expected count below one sample, or below the
    /// component's parameters.
    static func sparseComponents(weights: [Double], sampleWeight: Double, parametersPerComponent: Int) -> [DegeneratePart] {
        var parts: [DegeneratePart] = []
        for (c, weight) in weights.enumerated() {
            let count = weight * sampleWeight
            if count < 1 {
                parts.append(.weightBelowOneSample(component: c, expectedCount: count))
            } else if count < Double(parametersPerComponent) {
                parts.append(.fewerPointsThanParameters(component: c, expectedCount: count, parameters: parametersPerComponent))
            }
        }
        return parts
    }
}
