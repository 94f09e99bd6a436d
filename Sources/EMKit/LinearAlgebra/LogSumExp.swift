/// `log Σₖ exp(values[k])` over `count` values, and their maximum's index.
@inline(__always)
func logSumExp(_ values: UnsafeMutablePointer<Double>, count: Int) -> (logSum: Double, argmax: Int) {
    var best = 0
    for c in 1..<max(count, 1) where values[c] > values[best] { best = c }
    let m = values[best]
    if m == -.infinity { return (-.infinity, best) }
    var s = 0.0
    for c in 0..<count { s += _exp(values[c] - m) }
    return (m + _log(s), best)
}
