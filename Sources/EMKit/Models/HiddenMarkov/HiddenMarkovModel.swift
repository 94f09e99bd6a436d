/// A hidden Markov model with S states: start probabilities π, transition matrix A and one
/// emission distribution per state, fitted by Baum–Welch on the one EM engine.
///
/// ```
/// p(x₁…x_T) = Σ_{z} π_{z₁} b_{z₁}(x₁) Πₜ A_{zₜ₋₁ zₜ} b_{zₜ}(xₜ)
/// ```
///
/// Transitions that start at zero stay zero (left–right models), which parts are learned is
/// selectable (`LearnedParameters`), and Dirichlet pseudo-counts keep probabilities off zero.
public struct HiddenMarkovModel<Emission: HMMEmission>: Sendable {
    /// π, `[S]`.
    public internal(set) var startProbabilities: [Double]
    /// A, `S × S`, rows summing to 1.
    public internal(set) var transitionMatrix: Matrix
    /// The emission distributions.
    public internal(set) var emission: Emission
    /// What the M-step re-estimates and with which pseudo-counts.
    public var fitSettings: FitSettings

    /// Which parameters Baum–Welch re-estimates.
    public typealias LearnedParameters = HMMLearnedParameters

    /// The M-step's settings.
    public struct FitSettings: Sendable, Equatable {
        /// Which parameters are learned. Default: all.
        public var learned: LearnedParameters = .all
        /// Pseudo-count added to every start count (a Dirichlet prior, α − 1). Default 0.
        public var startPseudoCount: Double = 0
        /// Pseudo-count added to every allowed transition count (transitions at zero stay zero). Default 0.
        public var transitionPseudoCount: Double = 0

        /// The defaults: learn everything, no pseudo-counts.
        public init() {}
    }

    /// A model from its parameters.
    ///
    /// - Throws: `EMError.invalidModel` when π or a row of A is not a probability vector, or the
    ///   shapes disagree with the emission's state count.
    public init(
        startProbabilities: [Double], transitionMatrix: Matrix, emission: Emission, fitSettings: FitSettings = FitSettings()
    ) throws {
        let s = emission.stateCount
        guard startProbabilities.count == s, transitionMatrix.rowCount == s, transitionMatrix.columnCount == s else {
            throw EMError.invalidModel(reason: "\(s) states need \(s) start probabilities and an \(s)×\(s) transition matrix")
        }
        func isDistribution(_ p: [Double]) -> Bool {
            p.allSatisfy { $0 >= 0 && $0 <= 1 } && abs(p.reduce(0, +) - 1) < 1e-8
        }
        guard isDistribution(startProbabilities) else {
            throw EMError.invalidModel(reason: "start probabilities must be in [0, 1] and sum to 1, got \(startProbabilities)")
        }
        for i in 0..<s where !isDistribution(transitionMatrix.row(i)) {
            throw EMError.invalidModel(reason: "row \(i + 1) of the transition matrix must be in [0, 1] and sum to 1")
        }
        self.startProbabilities = startProbabilities
        self.transitionMatrix = transitionMatrix
        self.emission = emission
        self.fitSettings = fitSettings
    }

    /// The number of states S.
    public var stateCount: Int { emission.stateCount }

    /// The free parameters: learned start and transition probabilities (allowed ones) and emissions.
    public var parameterCount: Int {
        let s = stateCount
        var count = 0
        if fitSettings.learned.contains(.start) { count += s - 1 }
        if fitSettings.learned.contains(.transitions) {
            for i in 0..<s { count += max(0, transitionMatrix.row(i).filter { $0 > 0 }.count - 1) }
        }
        if fitSettings.learned.contains(.emissions) { count += emission.parameterCount }
        return count
    }
}

/// The statistics of Baum–Welch: expected start and transition counts and the emission's
/// state-weighted statistics.
public struct HMMStatistics<Emission: HMMEmission>: ModelStatistics {
    /// Σ over sequences of P(z₁ = s | x), `[S]`.
    public internal(set) var startCounts: [Double]
    /// Σ over sequences and t of P(zₜ = i, zₜ₊₁ = j | x), `S × S` row-major.
    public internal(set) var transitionCounts: [Double]
    /// The emission's statistics.
    public internal(set) var emission: Emission.Statistics

    public mutating func merge(_ other: HMMStatistics) {
        for i in startCounts.indices { startCounts[i] += other.startCounts[i] }
        for i in transitionCounts.indices { transitionCounts[i] += other.transitionCounts[i] }
        Emission.merge(&emission, other.emission)
    }

    /// The number of observations: one start per sequence and one transition per later
    /// observation (the expected counts sum to those).
    public var sampleWeight: Double { startCounts.reduce(0, +) + transitionCounts.reduce(0, +) }

    public mutating func scale(by factor: Double) {
        for i in startCounts.indices { startCounts[i] *= factor }
        for i in transitionCounts.indices { transitionCounts[i] *= factor }
        Emission.scale(&emission, by: factor)
    }
}

extension HMMStatistics: StatisticsArchivable, PortableStatistics {
    public static var archiveKind: String { "hmm-" + Emission.familyName }

    /// As many states, and emission statistics of the same shape.
    public func hasShape(of other: HMMStatistics) -> Bool {
        startCounts.count == other.startCounts.count && transitionCounts.count == other.transitionCounts.count
            && emission.hasShape(of: other.emission)
    }

    public func write(to writer: inout StatisticsWriter) {
        writer.write(startCounts)
        writer.write(transitionCounts)
        emission.write(to: &writer)
    }

    public init(from reader: inout StatisticsReader) throws {
        startCounts = try reader.readDoubles()
        transitionCounts = try reader.readDoubles(count: startCounts.count * startCounts.count)
        emission = try Emission.Statistics(from: &reader)
    }
}

/// A Gaussian HMM.
public typealias GaussianHMM = HiddenMarkovModel<GaussianEmission>
/// A discrete-symbol HMM.
public typealias CategoricalHMM = HiddenMarkovModel<CategoricalEmission>
/// A Poisson HMM.
public typealias PoissonHMM = HiddenMarkovModel<PoissonEmission>

/// Which parameters Baum–Welch re-estimates (the rest are held at their initial values).
public struct HMMLearnedParameters: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// The start probabilities.
    public static let start = HMMLearnedParameters(rawValue: 1)
    /// The transition matrix.
    public static let transitions = HMMLearnedParameters(rawValue: 2)
    /// The emission parameters.
    public static let emissions = HMMLearnedParameters(rawValue: 4)
    /// Everything.
    public static let all: HMMLearnedParameters = [.start, .transitions, .emissions]
}

