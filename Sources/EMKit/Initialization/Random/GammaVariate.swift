/// A Gamma(shape, 1) variate: Marsaglia & Tsang's squeeze method for shape ≥ 1, and the boost
/// Gamma(a) = Gamma(a + 1) · U^(1/a) below.
func gammaVariate(shape: Double, using generator: inout some RandomNumberGenerator) -> Double {
    if shape < 1 {
        let u = max(generator.nextUnitInterval(), .leastNormalMagnitude)
        return gammaVariate(shape: shape + 1, using: &generator) * _exp(_log(u) / shape)
    }
    let d = shape - 1.0 / 3
    let c = 1 / (9 * d).squareRoot()
    while true {
        var x = 0.0
        var v = 0.0
        repeat {
            x = generator.nextStandardNormal()
            v = 1 + c * x
        } while v <= 0
        v = v * v * v
        let u = generator.nextUnitInterval()
        if u < 1 - 0.0331 * x * x * x * x { return d * v }
        if _log(max(u, .leastNormalMagnitude)) < 0.5 * x * x + d * (1 - v + _log(v)) { return d * v }
    }
}
