extension HiddenMarkovModel: EMModel {
    public typealias Dataset = SequenceDataset

    public func emptyStatistics() -> HMMStatistics<Emission> {
        HMMStatistics(
            startCounts: Array(repeating: 0, count: stateCount),
            transitionCounts: Array(repeating: 0, count: stateCount * stateCount), emission: emission.emptyStatistics())
    }

    /// Checks every observation once, before the iterations.
    ///
    /// - Throws: `EMError.invalidObservation` naming the row, `EMError.dimensionMismatch`.
    func validate(_ data: SequenceDataset) throws {
        let d = emission.dimension
        guard data.dimension == d else { throw EMError.dimensionMismatch(expected: d, actual: data.dimension) }
        try data.rows.forEachChunk { start, count, rows, _ in
            for t in 0..<count {
                if let problem = emission.problem(with: rows + t * d) {
                    throw EMError.invalidObservation(row: start + t, reason: problem)
                }
            }
        }
    }

    /// The log-densities of every observation of a sequence under every state, `T × S` (the
    /// observations were checked by `validate(_:)`).
    func logDensities(_ rows: UnsafePointer<Double>, length: Int, firstRow: Int) throws -> [Double] {
        var values = [Double](repeating: 0, count: length * stateCount)
        values.withUnsafeMutableBufferPointer { emission.logDensities(rows, count: length, into: $0.baseAddress.unsafelyUnwrapped) }
        return values
    }

    /// The E-step on a chunk of whole sequences: forward–backward on each.
    ///
    /// - Returns: Σ log p(sequence) and the number of observations.
    public func accumulate(_ chunk: SequenceDataset.Chunk, into statistics: inout HMMStatistics<Emission>) throws -> ChunkLikelihood {
        guard chunk.dataset.dimension == emission.dimension else {
            throw EMError.dimensionMismatch(expected: emission.dimension, actual: chunk.dataset.dimension)
        }
        let s = stateCount
        var logLikelihood = 0.0
        var observations = 0.0
        for sequence in chunk.sequences {
            try chunk.dataset.withSequence(sequence) { rows, length in
                let logB = try logDensities(rows, length: length, firstRow: chunk.dataset.starts[sequence])
                let pass = ForwardBackward(
                    logDensities: logB, length: length, start: startProbabilities, transitions: transitionMatrix.elements,
                    stateCount: s)
                guard pass.logLikelihood > -.infinity else {
                    throw EMError.impossibleSample(row: chunk.dataset.starts[sequence])
                }
                logLikelihood += pass.logLikelihood
                observations += Double(length)
                for c in 0..<s { statistics.startCounts[c] += pass.posteriors[c] }
                for i in 0..<(s * s) { statistics.transitionCounts[i] += pass.transitionCounts[i] }
                pass.posteriors.withUnsafeBufferPointer {
                    emission.accumulate(rows, count: length, posteriors: $0.baseAddress.unsafelyUnwrapped, into: &statistics.emission)
                }
            }
        }
        return ChunkLikelihood(logLikelihood: logLikelihood, sampleWeight: observations)
    }

    /// The M-step: normalised expected counts (plus pseudo-counts) for π and A, the emission's own
    /// M-step; parts that are not learned keep their values, transitions at zero stay zero.
    public func maximized(from statistics: HMMStatistics<Emission>) throws -> HiddenMarkovModel {
        var result = self
        let s = stateCount
        let learned = fitSettings.learned
        if learned.contains(.start) {
            let counts = statistics.startCounts.map { $0 + fitSettings.startPseudoCount }
            let total = counts.reduce(0, +)
            if total > 0 { result.startProbabilities = counts.map { $0 / total } }
        }
        if learned.contains(.transitions) {
            for i in 0..<s {
                let counts = (0..<s).map { j in
                    transitionMatrix[i, j] > 0 ? statistics.transitionCounts[i * s + j] + fitSettings.transitionPseudoCount : 0
                }
                let total = counts.reduce(0, +)
                // A state never left (or never reached) keeps its row.
                if total > 0 { for j in 0..<s { result.transitionMatrix[i, j] = counts[j] / total } }
            }
        }
        if learned.contains(.emissions) {
            result.emission = try emission.maximized(from: statistics.emission)
        }
        return result
    }

    /// The Dirichlet pseudo-counts as a log-prior (so MAP Baum–Welch is monotone in the engine's objective).
    public func logPrior() -> Double {
        var value = 0.0
        if fitSettings.startPseudoCount > 0 && fitSettings.learned.contains(.start) {
            value += startProbabilities.reduce(0) { $0 + xLogP(fitSettings.startPseudoCount, $1) }
        }
        if fitSettings.transitionPseudoCount > 0 && fitSettings.learned.contains(.transitions) {
            value += transitionMatrix.elements.filter { $0 > 0 }.reduce(0) { $0 + xLogP(fitSettings.transitionPseudoCount, $1) }
        }
        if fitSettings.learned.contains(.emissions) { value += emission.logPrior() }
        return value
    }
}

extension HiddenMarkovModel: ParameterVectorConvertible {
    /// The start probabilities, the transition matrix (row after row), then the emissions'.
    public var parameterVector: [Double] { startProbabilities + transitionMatrix.elements + emission.parameterVector }

    public func replacingParameters(with vector: [Double]) -> HiddenMarkovModel? {
        let s = stateCount
        guard vector.count > s + s * s, vector.allSatisfy(\.isFinite),
            let newEmission = emission.replacingParameters(with: Array(vector[(s + s * s)...]))
        else { return nil }
        return try? HiddenMarkovModel(
            startProbabilities: Array(vector[0..<s]),
            transitionMatrix: Matrix(rowCount: s, columnCount: s, elements: Array(vector[s..<(s + s * s)])),
            emission: newEmission, fitSettings: fitSettings)
    }
}
