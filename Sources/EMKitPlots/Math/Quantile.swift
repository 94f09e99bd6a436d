/// The `probability` quantile of `sortedValues` (ascending), interpolating linearly between
/// order statistics (the "type 7" definition of R and NumPy's default).
///
/// - Precondition: `sortedValues` is not empty and `probability` is in [0, 1].
func quantile(ofSorted sortedValues: [Double], probability: Double) -> Double {
    precondition(!sortedValues.isEmpty, "the quantile of no values is undefined")
    precondition((0...1).contains(probability), "a quantile's probability must be in [0, 1]")
    let position = probability * Double(sortedValues.count - 1)
    let lower = Int(position.rounded(.down))
    let upper = min(lower + 1, sortedValues.count - 1)
    let fraction = position - Double(lower)
    return sortedValues[lower] + fraction * (sortedValues[upper] - sortedValues[lower])
}
