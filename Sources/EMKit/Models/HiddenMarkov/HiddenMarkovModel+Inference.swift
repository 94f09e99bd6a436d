extension HiddenMarkovModel {
    /// The most probable state path of every sequence (Viterbi), concatenated, and the sum of the
    /// paths' joint log-probabilities log p(x, z*).
    ///
    /// - Throws: `EMError.invalidObservation`, `EMError.dimensionMismatch`.
    public func viterbi(_ data: SequenceDataset) throws -> (states: [Int], logProbability: Double) {
        try validate(data)
        let s = stateCount
        let logStart = startProbabilities.map { _log($0) }
        let logTransitions = transitionMatrix.elements.map { _log($0) }
        var states: [Int] = []
        var total = 0.0
        for sequence in 0..<data.lengths.count {
            try data.withSequence(sequence) { rows, length in
                let logB = try logDensities(rows, length: length, firstRow: data.starts[sequence])
                let (path, logProbability) = viterbiPath(
                    logDensities: logB, length: length, logStart: logStart, logTransitions: logTransitions, stateCount: s)
                states += path
                total += logProbability
            }
        }
        return (states, total)
    }

    /// The posterior state probabilities P(zₜ = s | x), `N × S`, for every observation.
    ///
    /// - Throws: `EMError.invalidObservation`, `EMError.dimensionMismatch`.
    public func posteriors(_ data: SequenceDataset) throws -> Matrix {
        try validate(data)
        let s = stateCount
        var elements: [Double] = []
        elements.reserveCapacity(data.observationCount * s)
        for sequence in 0..<data.lengths.count {
            try data.withSequence(sequence) { rows, length in
                let logB = try logDensities(rows, length: length, firstRow: data.starts[sequence])
                elements += ForwardBackward(
                    logDensities: logB, length: length, start: startProbabilities, transitions: transitionMatrix.elements,
                    stateCount: s
                ).posteriors
            }
        }
        return Matrix(rowCount: data.observationCount, columnCount: s, elements: elements)
    }

    /// The most probable state of each observation on its own (posterior, or MAP, decoding).
    ///
    /// - Throws: as `posteriors(_:)`.
    public func posteriorStates(_ data: SequenceDataset) throws -> [Int] {
        let p = try posteriors(data)
        return (0..<p.rowCount).map { t in (0..<stateCount).max { p[t, $0] < p[t, $1] } ?? 0 }
    }

    /// log p(x) summed over the sequences (nats): the total, as `hmmlearn`'s `score` reports it.
    ///
    /// - Throws: as `posteriors(_:)`.
    public func totalLogLikelihood(_ data: SequenceDataset) throws -> Double {
        try validate(data)
        var scoring = self
        scoring.fitSettings = FitSettings()
        return try ExpectationMaximization.expectation(scoring, on: data).likelihood.logLikelihood
    }

    /// The mean log-likelihood per observation (nats), `totalLogLikelihood / observationCount`: the
    /// same scale as `Mixture.score` and `EMResult.logLikelihood`.
    ///
    /// - Throws: as `posteriors(_:)`.
    public func score(_ data: SequenceDataset) throws -> Double {
        try totalLogLikelihood(data) / Double(max(data.observationCount, 1))
    }

    /// A sequence of `length` observations and the states that emitted them.
    public func sample(length: Int, using generator: inout some RandomNumberGenerator) -> (observations: Matrix, states: [Int]) {
        precondition(length >= 0, "length must be non-negative")
        func draw(_ probabilities: [Double]) -> Int { generator.nextIndex(weights: probabilities) }
        var states: [Int] = []
        var rows: [Double] = []
        var state = draw(startProbabilities)
        for t in 0..<length {
            if t > 0 { state = draw(transitionMatrix.row(state)) }
            states.append(state)
            rows += emission.sample(state: state, using: &generator)
        }
        return (Matrix(rowCount: length, columnCount: emission.dimension, elements: rows), states)
    }
}
