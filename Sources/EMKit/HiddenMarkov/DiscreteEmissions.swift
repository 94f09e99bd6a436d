/// Categorical (discrete-symbol) emissions: an observation is one symbol, `0 ..< M`, in a
/// single column; state s emits symbol m with probability `probabilities[s][m]`.
public struct CategoricalEmission: HMMEmission {
    /// `S × M` emission probabilities, each row summing to 1.
    public internal(set) var probabilities: Matrix
    /// a ≥ 0, added to every expected symbol count in the M-step: a Dirichlet(1 + a) prior on
    /// each state's probabilities (MAP; 1 is Laplace smoothing). Default 0.
    public var pseudoCount: Double = 0

    /// Emissions with the given `S × M` probabilities.
    ///
    /// - Throws: `EMError.invalidModel` unless every row is a probability vector.
    public init(probabilities: Matrix) throws {
        guard probabilities.rowCount >= 1, probabilities.columnCount >= 1 else {
            throw EMError.invalidModel(reason: "categorical emissions need at least one state and one symbol")
        }
        for s in 0..<probabilities.rowCount {
            let row = probabilities.row(s)
            guard row.allSatisfy({ $0 >= 0 && $0 <= 1 }), abs(row.reduce(0, +) - 1) < 1e-9 else {
                throw EMError.invalidModel(reason: "emission probabilities of state \(s + 1) must be in [0, 1] and sum to 1")
            }
        }
        self.probabilities = probabilities
    }

    public static var familyName: String { "categorical" }
    public var stateCount: Int { probabilities.rowCount }
    public var dimension: Int { 1 }
    /// The number of symbols M.
    public var symbolCount: Int { probabilities.columnCount }
    /// The most symbols a fit takes, 65 536: the emission matrix holds states × symbols values, so
    /// a stray large symbol must not size it.
    public static let maximumSymbolCount = 1 << 16
    public var parameterCount: Int { stateCount * (symbolCount - 1) }

    public func emptyStatistics() -> [Double] { Array(repeating: 0, count: stateCount * symbolCount) }

    public static func merge(_ statistics: inout [Double], _ other: [Double]) {
        for i in statistics.indices { statistics[i] += other[i] }
    }

    public func logDensities(_ rows: UnsafePointer<Double>, count: Int, into logDensities: UnsafeMutablePointer<Double>) {
        let s = stateCount
        for t in 0..<count {
            let m = Int(rows[t])
            for c in 0..<s { logDensities[t * s + c] = _log(probabilities[c, m]) }
        }
    }

    public func accumulate(
        _ rows: UnsafePointer<Double>, count: Int, posteriors: UnsafePointer<Double>, into statistics: inout [Double]
    ) {
        let s = stateCount
        for t in 0..<count {
            let m = Int(rows[t])
            for c in 0..<s { statistics[c * symbolCount + m] += posteriors[t * s + c] }
        }
    }

    public func maximized(from statistics: [Double]) throws -> CategoricalEmission {
        var result = self
        let a = pseudoCount
        for c in 0..<stateCount {
            let total = (0..<symbolCount).reduce(0) { $0 + statistics[c * symbolCount + $1] } + Double(symbolCount) * a
            guard total > 0 else { throw EMError.degenerateComponent(component: c, iteration: 0, reason: .emptyComponent) }
            for m in 0..<symbolCount { result.probabilities[c, m] = (statistics[c * symbolCount + m] + a) / total }
        }
        return result
    }

    public func sample(state: Int, using generator: inout some RandomNumberGenerator) -> [Double] {
        [Double(generator.nextIndex(weights: probabilities.row(state)))]
    }

    public func problem(with row: UnsafePointer<Double>) -> String? {
        let m = row[0]
        guard isCount(m), m < Double(symbolCount) else {
            return "symbols must be whole numbers from 0 to \(symbolCount - 1), got \(m)"
        }
        return nil
    }
}

/// Poisson emissions: an observation is `d` counts, independent Poisson given the state.
public struct PoissonEmission: HMMEmission {
    /// `S × d` rates.
    public internal(set) var rates: Matrix
    /// a ≥ 0, added to every expected count sum in the M-step: a Gamma(1 + a, 0) prior on each
    /// rate (MAP; keeps rates above 0). Default 0.
    public var pseudoCount: Double = 0

    /// Emissions with the given `S × d` rates.
    ///
    /// - Throws: `EMError.invalidModel` for a negative or non-finite rate.
    public init(rates: Matrix) throws {
        guard rates.rowCount >= 1, rates.columnCount >= 1, rates.elements.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw EMError.invalidModel(reason: "Poisson rates must be finite and ≥ 0")
        }
        self.rates = rates
    }

    public static var familyName: String { "poisson" }
    public var stateCount: Int { rates.rowCount }
    public var dimension: Int { rates.columnCount }
    public var parameterCount: Int { rates.elements.count }

    public func emptyStatistics() -> [Double] { Array(repeating: 0, count: stateCount * (dimension + 1)) }

    public static func merge(_ statistics: inout [Double], _ other: [Double]) {
        for i in statistics.indices { statistics[i] += other[i] }
    }

    public func logDensities(_ rows: UnsafePointer<Double>, count: Int, into logDensities: UnsafeMutablePointer<Double>) {
        let s = stateCount
        let d = dimension
        for t in 0..<count {
            let x = rows + t * d
            var factorials = 0.0
            for j in 0..<d { factorials += logFactorial(x[j]) }
            for c in 0..<s {
                var value = -factorials
                for j in 0..<d { value += xLogP(x[j], rates[c, j]) - rates[c, j] }
                logDensities[t * s + c] = value
            }
        }
    }

    public func accumulate(
        _ rows: UnsafePointer<Double>, count: Int, posteriors: UnsafePointer<Double>, into statistics: inout [Double]
    ) {
        let s = stateCount
        let d = dimension
        for t in 0..<count {
            for c in 0..<s {
                let g = posteriors[t * s + c]
                statistics[c * (d + 1)] += g
                for j in 0..<d { statistics[c * (d + 1) + 1 + j] += g * rows[t * d + j] }
            }
        }
    }

    public func maximized(from statistics: [Double]) throws -> PoissonEmission {
        var result = self
        let d = dimension
        for c in 0..<stateCount {
            let total = statistics[c * (d + 1)]
            guard total > 0 else { throw EMError.degenerateComponent(component: c, iteration: 0, reason: .emptyComponent) }
            for j in 0..<d { result.rates[c, j] = (statistics[c * (d + 1) + 1 + j] + pseudoCount) / total }
        }
        return result
    }

    public func sample(state: Int, using generator: inout some RandomNumberGenerator) -> [Double] {
        // A Poisson component of the same rates draws the counts.
        (try? Poisson(rates: rates.row(state)))?.sample(trials: 0, using: &generator) ?? Array(repeating: 0, count: dimension)
    }

    public func problem(with row: UnsafePointer<Double>) -> String? {
        for j in 0..<dimension where !isCount(row[j]) { return "counts must be whole numbers ≥ 0; column \(j + 1) is \(row[j])" }
        return nil
    }
}

extension CategoricalEmission: PseudoCountedEmission {
    /// The emission probabilities, row after row.
    public var parameterVector: [Double] { probabilities.elements }

    public func replacingParameters(with vector: [Double]) -> CategoricalEmission? {
        guard vector.count == probabilities.elements.count,
            var result = try? CategoricalEmission(
                probabilities: Matrix(rowCount: probabilities.rowCount, columnCount: probabilities.columnCount, elements: vector))
        else { return nil }
        result.pseudoCount = pseudoCount
        return result
    }
}

extension PoissonEmission: PseudoCountedEmission {
    /// The rates, row after row.
    public var parameterVector: [Double] { rates.elements }

    public func replacingParameters(with vector: [Double]) -> PoissonEmission? {
        guard vector.count == rates.elements.count,
            var result = try? PoissonEmission(rates: Matrix(rowCount: rates.rowCount, columnCount: rates.columnCount, elements: vector))
        else { return nil }
        result.pseudoCount = pseudoCount
        return result
    }
}

/// Emissions whose M-step adds a pseudo-count to every expected count: categorical (a
/// Dirichlet(1 + a) prior per state) and Poisson (a Gamma(1 + a, 0) prior per rate). Their
/// parameters are probabilities or rates, so the log-prior is `a Σ log θ` up to a constant.
public protocol PseudoCountedEmission: HMMEmission {
    /// a ≥ 0; 0: maximum likelihood.
    var pseudoCount: Double { get set }
}

extension PseudoCountedEmission {
    /// The same emissions with pseudo-count `count`.
    ///
    /// - Throws: `EMError.invalidParameter` for a negative or non-finite count.
    public func withPseudoCount(_ count: Double) throws -> Self {
        guard count >= 0, count.isFinite else {
            throw EMError.invalidParameter(name: "emission pseudo-count", value: "\(count)", expected: "a finite number ≥ 0")
        }
        var result = self
        result.pseudoCount = count
        return result
    }

    /// `a Σ log θ` over every probability or rate θ: the prior's log-density up to its constant.
    public func logPrior() -> Double {
        pseudoCount > 0 ? parameterVector.reduce(0) { $0 + xLogP(pseudoCount, $1) } : 0
    }
}
