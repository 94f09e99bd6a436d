import ArgumentParser
import EMKit
import Foundation

extension EMKitCommand {
    /// `emkit hmm`: hidden Markov models fitted by Baum–Welch.
    struct HMM: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hmm",
            abstract: "Fit, decode, score and sample hidden Markov models (Baum–Welch).",
            subcommands: [Fit.self, Decode.self, Score.self, Sample.self])

        enum Emission: String, ExpressibleByArgument, CaseIterable {
            case gaussian, gmm, categorical, poisson
            case negativeBinomial = "negative-binomial"

            /// Count or symbol emissions, whose prior is a pseudo-count rather than a Gaussian prior.
            var isDiscrete: Bool { self == .categorical || self == .poisson || self == .negativeBinomial }
        }

        enum Algorithm: String, ExpressibleByArgument, CaseIterable {
            case viterbi, map
        }
    }
}

/// How observations are cut into sequences.
struct SequenceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A CSV column whose value changes where a new sequence starts.", valueName: "name"))
    var sequenceColumn: String?

    @Option(name: .long, help: ArgumentHelp("A file of sequence lengths, one per line, in row order.", valueName: "file"))
    var lengths: String?

    func validate() throws {
        if sequenceColumn != nil && lengths != nil {
            throw ValidationError("give either --sequence-column or --lengths, not both")
        }
    }

    /// The observations and their sequences. Without options, all rows are one sequence.
    func read(_ path: String, dataOptions: DataOptions) throws -> (SequenceDataset, [String]) {
        var options = dataOptions
        var lengths: [Int]? = nil
        if let column = sequenceColumn {
            let ids = try CSVReader.read(
                path: path, delimiter: dataOptions.delimiter?.byte, hasHeader: dataOptions.header, columns: [.name(column)])
            var runs: [Int] = []
            var previous: Double? = nil
            for value in ids.samples.elements {
                if value == previous { runs[runs.count - 1] += 1 } else { runs.append(1) }
                previous = value
            }
            lengths = runs
            if options.columns == nil {
                let all = try CSVReader.read(path: path, delimiter: dataOptions.delimiter?.byte, hasHeader: dataOptions.header)
                options.columns = all.columnNames.filter { $0 != column }.joined(separator: ",")
            }
        } else if let file = self.lengths {
            lengths = try SequenceLengths.parse(String(decoding: try FileAccess.readAll(file), as: UTF8.self), path: file)
        }
        let table = try options.read(path)
        return (try SequenceDataset(try RowDataset(table.samples), lengths: lengths), table.columnNames)
    }
}

/// A loaded HMM of any emission, with what the subcommands need.
private struct LoadedHMM {
    var decode: (SequenceDataset, EMKitCommand.HMM.Algorithm) throws -> [Int]
    var totalLogLikelihood: (SequenceDataset) throws -> Double
    var sample: (Int, UInt64) -> (Matrix, [Int])
    var columns: [String]?
    var countValued: Bool

    static func read(_ path: String) throws -> LoadedHMM {
        let file = try HMMFile.read(path: path)
        switch file.emission {
        case "gaussian": return make(try file.gaussianHMM(path: path), columns: file.columns, counts: false)
        case "gmm": return make(try file.gaussianMixtureHMM(path: path), columns: file.columns, counts: false)
        case "categorical": return make(try file.categoricalHMM(path: path), columns: file.columns, counts: true)
        case "poisson": return make(try file.poissonHMM(path: path), columns: file.columns, counts: true)
        case NegativeBinomial.familyName:
            return make(try file.familyHMM(NegativeBinomial.self, path: path), columns: file.columns, counts: true)
        default:
            throw DataError.invalidModelFile(
                path: path, reason: "unknown emission '\(file.emission)'; expected gaussian, gmm, categorical, poisson or negative-binomial")
        }
    }

    static func make<E: HMMEmission>(_ model: HiddenMarkovModel<E>, columns: [String]?, counts: Bool) -> LoadedHMM {
        LoadedHMM(
            decode: { data, algorithm in
                algorithm == .viterbi ? try model.viterbi(data).states : try model.posteriorStates(data)
            },
            totalLogLikelihood: { try model.totalLogLikelihood($0) },
            sample: { length, seed in
                var generator = SeededGenerator(seed: seed)
                let (observations, states) = model.sample(length: length, using: &generator)
                return (observations, states)
            }, columns: columns, countValued: counts)
    }
}

extension EMKitCommand.HMM {
    struct Fit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit a hidden Markov model to one or more sequences by Baum–Welch.",
            discussion: """
                Gaussian emissions start from k-means, Gaussian-mixture ones from k-means within \
                k-means groups, categorical ones (one column of symbols 0…M−1) \
                from the symbol frequencies, Poisson and negative binomial ones as a mixture of \
                that family fitted to the counts starts (k-means); start and \
                transition probabilities start uniform. With --init-from, every part starts from the \
                model file, and transitions at zero there stay zero.
                """)

        @Argument(help: ArgumentHelp("The observations: a CSV or .npy file, or - for CSV on standard input.", valueName: "data"))
        var data: String

        @Option(name: [.customShort("s"), .long], help: "The number of hidden states.")
        var states: Int

        @Option(name: .long, help: "The emission family.")
        var emission: EMKitCommand.HMM.Emission = .gaussian

        @Option(name: .long, help: "The covariance structure of Gaussian and Gaussian-mixture emissions.")
        var covariance: CovarianceType = .full

        @Option(name: .long, help: "Gaussian components per state with --emission gmm.")
        var mixtureComponents: Int = 2

        @Option(name: .long, help: "Added to Gaussian covariance diagonals (0: pure maximum likelihood, as hmmlearn with its priors off). Default 1e-6; 0 with --prior; with --init-from, the model file's.")
        var regularization: Double?

        @OptionGroup var prior: PriorOptionGroup

        @OptionGroup var sequences: SequenceOptions

        @OptionGroup var dataOptions: DataOptions

        @Option(name: .long, help: ArgumentHelp("Start from this model file.", valueName: "model.json"))
        var initFrom: String?

        @Option(name: .long, help: "Pseudo-count added to start and allowed transition counts (a Dirichlet prior; 0: none).")
        var priorCount: Double = 0

        @Option(name: .long, help: ArgumentHelp("Which parameters to learn, comma-separated: start, transitions, emissions.", valueName: "list"))
        var learn: String = "start,transitions,emissions"

        @OptionGroup var em: EMOptionGroup

        @Flag(name: .long, help: "Print the fit's wall-clock seconds and peak memory to standard error as one JSON line.")
        var reportTiming = false

        @Option(name: [.short, .long], help: ArgumentHelp("Write the model file here (atomically).", valueName: "model.json"))
        var output: String?

        @Option(name: .long, help: "text: a summary; json: the model file.")
        var format: OutputFormat = .text

        func validate() throws {
            guard states >= 1 else { throw ValidationError("--states must be ≥ 1, got \(states)") }
            guard mixtureComponents >= 1 else { throw ValidationError("--mixture-components must be ≥ 1, got \(mixtureComponents)") }
            guard priorCount >= 0, priorCount.isFinite else { throw ValidationError("--prior-count must be ≥ 0, got \(priorCount)") }
            _ = try learned()
            if let regularization, !(regularization >= 0 && regularization.isFinite) {
                throw ValidationError("--regularization must be a finite number ≥ 0, got \(regularization)")
            }
            if case .file = prior.choice, emission.isDiscrete {
                throw ValidationError(
                    "a prior file describes a Gaussian prior; for \(emission.rawValue) emissions use --prior default "
                        + "(pseudo-count 1 on the emissions) and --prior-count (start and transitions)")
            }
        }

        private func learned() throws -> HMMLearnedParameters {
            var result: HMMLearnedParameters = []
            for item in learn.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                switch item {
                case "start": result.insert(.start)
                case "transitions": result.insert(.transitions)
                case "emissions": result.insert(.emissions)
                default: throw ValidationError("--learn takes start, transitions and emissions; got '\(item)'")
                }
            }
            return result
        }

        func run() throws {
            try FileAccess.refuseOverwriting(inputs: [data, initFrom, sequences.lengths].compactMap { $0 }, outputs: [output])
            let (dataset, columns) = try sequences.read(data, dataOptions: dataOptions)
            let componentCount = emission == .gmm ? states * mixtureComponents : states
            let gaussian = emission == .gaussian || emission == .gmm
            if gaussian { try GaussianMixtureFile.checkSize(matrixCount: componentCount, dimension: dataset.dimension) }
            let emissionPrior = gaussian
                ? try prior.gaussianPrior(for: dataset.rows, componentCount: componentCount, covarianceType: covariance) : nil
            // A prior keeps covariances positive definite by itself, so it needs no regularisation.
            let regularization = regularization ?? (emissionPrior == nil ? 1e-6 : 0)
            let clock = ContinuousClock()
            let started = clock.now
            switch emission {
            case .gaussian:
                try finish(fit(dataset, emissionPrior: emissionPrior) { try GaussianHMM.fit($0, options: $1, covarianceType: covariance, regularization: regularization) } start: {
                    try HMMFile.read(path: $0).gaussianHMM(path: $0)
                }, columns: columns, started: started, clock: clock) { HMMFile($0, columns: columns, fit: $1) }
            case .gmm:
                try finish(fit(dataset, emissionPrior: emissionPrior) {
                    try GaussianMixtureHMM.fit($0, options: $1, mixtureComponents: mixtureComponents, covarianceType: covariance, regularization: regularization)
                } start: {
                    try HMMFile.read(path: $0).gaussianMixtureHMM(path: $0)
                }, columns: columns, started: started, clock: clock) { HMMFile($0, columns: columns, fit: $1) }
            case .categorical:
                try finish(fit(dataset) { try CategoricalHMM.fit($0, options: $1) } start: {
                    try HMMFile.read(path: $0).categoricalHMM(path: $0)
                }, columns: columns, started: started, clock: clock) { HMMFile($0, columns: columns, fit: $1) }
            case .poisson:
                try finish(fit(dataset) { try PoissonHMM.fit($0, options: $1) } start: {
                    try HMMFile.read(path: $0).poissonHMM(path: $0)
                }, columns: columns, started: started, clock: clock) { HMMFile($0, columns: columns, fit: $1) }
            case .negativeBinomial:
                try finish(fit(dataset) { try NegativeBinomialHMM.fit($0, options: $1) } start: {
                    try HMMFile.read(path: $0).familyHMM(NegativeBinomial.self, path: $0)
                }, columns: columns, started: started, clock: clock) { HMMFile($0, columns: columns, fit: $1) }
            }
        }

        private func fit<E: HMMEmission>(
            _ dataset: SequenceDataset, emissionPrior: GaussianMixturePrior? = nil,
            automatic: (SequenceDataset, HiddenMarkovModel<E>.FitOptions) throws -> EMResult<HiddenMarkovModel<E>>,
            start: (String) throws -> HiddenMarkovModel<E>
        ) throws -> (EMResult<HiddenMarkovModel<E>>, SequenceDataset) {
            var options = HiddenMarkovModel<E>.FitOptions(stateCount: states)
            options.settings.learned = try learned()
            options.settings.startPseudoCount = priorCount
            options.settings.transitionPseudoCount = priorCount
            options.emissionPrior = emissionPrior
            // --prior default on discrete emissions: Laplace smoothing.
            options.emissionPseudoCount = prior.choice == .fraleyRaftery && emission.isDiscrete ? 1 : 0
            options.squarem = em.usesSQUAREM()
            options.em = em.emOptions
            if let initFrom {
                let model = try start(initFrom)
                guard model.stateCount == states else {
                    throw ValidationError("--states is \(states) but \(initFrom) has \(model.stateCount) states")
                }
                return (try HiddenMarkovModel<E>.fit(dataset, options: options, from: model), dataset)
            }
            return (try automatic(dataset, options), dataset)
        }

        private func finish<E: HMMEmission>(
            _ result: (EMResult<HiddenMarkovModel<E>>, SequenceDataset), columns: [String],
            started: ContinuousClock.Instant, clock: ContinuousClock,
            file: (HiddenMarkovModel<E>, GaussianMixtureFile.FitRecord) -> HMMFile
        ) throws {
            let (fit, dataset) = result
            Terminal.clearProgress()
            if reportTiming {
                Terminal.reportTiming(since: started, clock: clock, iterations: fit.restarts.map(\.iterations).reduce(0, +), threads: em.threads)
            }
            Terminal.warnings(of: fit, hint: em.usesSQUAREM() ? "raise --max-iterations" : "raise --max-iterations, or try --accelerate squarem")
            let record = ModelRecord.fitRecord(
                for: fit, parameterCount: fit.model.parameterCount, samples: dataset.observationCount, seed: em.seed, restarts: em.restarts)
            let modelFile = file(fit.model, record)
            if let output { try FileAccess.writeAtomically(try modelFile.encoded(), to: output) }
            switch format {
            case .json: print(String(decoding: try modelFile.encoded(), as: UTF8.self), terminator: "")
            case .text:
                var lines = [
                    "Hidden Markov model: \(states) states, \(E.familyName) emissions, fitted to \(dataset.observationCount) observations "
                        + "in \(dataset.lengths.count) sequences of \(data)",
                    Summary.stopLine(fit),
                ] + Summary.objectiveLines(fit, record: record, per: "observation") + [
                    "",
                    "Start probabilities  " + Format.vector(fit.model.startProbabilities, digits: 4),
                    "Transition matrix",
                ]
                for i in 0..<states {
                    lines.append("  " + (0..<states).map { Format.left(Format.number(fit.model.transitionMatrix[i, $0], digits: 4), 9) }.joined())
                }
                if let means = modelFile.means {
                    for (s, mean) in means.enumerated() { lines.append("State \(s + 1) mean " + Format.vector(mean, digits: 5)) }
                }
                if let probabilities = modelFile.emissionProbabilities {
                    for (s, row) in probabilities.enumerated() { lines.append("State \(s + 1) emissions " + Format.vector(row, digits: 4)) }
                }
                if let rates = modelFile.rates {
                    for (s, row) in rates.enumerated() { lines.append("State \(s + 1) rates " + Format.vector(row, digits: 5)) }
                }
                if modelFile.emissionParameters != nil, let emission = fit.model.emission as? any ComponentsByState {
                    for s in 0..<states {
                        let parts = emission.namedParameters(state: s).map { "\($0.name) " + Format.vector($0.values, digits: 5) }
                        lines.append("State \(s + 1) " + parts.joined(separator: "  "))
                    }
                }
                print(lines.joined(separator: "\n"))
            }
        }
    }

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The hidden state of every observation (CSV on standard output, one 'state' per row, 0-based).")

        @Argument(help: ArgumentHelp("A model file written by 'emkit hmm fit'.", valueName: "model.json"))
        var model: String

        @Argument(help: ArgumentHelp("The observations.", valueName: "data"))
        var data: String

        @Option(name: .long, help: "viterbi: the most probable path; map: each observation's most probable state.")
        var algorithm: EMKitCommand.HMM.Algorithm = .viterbi

        @OptionGroup var sequences: SequenceOptions

        @OptionGroup var dataOptions: DataOptions

        func run() throws {
            let loaded = try LoadedHMM.read(model)
            let (dataset, _) = try sequences.read(data, dataOptions: dataOptions)
            let states = try loaded.decode(dataset, algorithm)
            print("state\n" + states.map(String.init).joined(separator: "\n"))
        }
    }

    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The log-likelihood of the observations under a model, per observation.")

        @Argument(help: ArgumentHelp("A model file written by 'emkit hmm fit'.", valueName: "model.json"))
        var model: String

        @Argument(help: ArgumentHelp("The observations.", valueName: "data"))
        var data: String

        @OptionGroup var sequences: SequenceOptions

        @OptionGroup var dataOptions: DataOptions

        @Option(name: .long, help: "text, or json: {\"logLikelihood\": …, \"samples\": …} (per observation).")
        var format: OutputFormat = .text

        func run() throws {
            let loaded = try LoadedHMM.read(model)
            let (dataset, _) = try sequences.read(data, dataOptions: dataOptions)
            let total = try loaded.totalLogLikelihood(dataset)
            let mean = total / Double(dataset.observationCount)
            switch format {
            case .json: print("{\"logLikelihood\": \(mean), \"samples\": \(dataset.observationCount)}")
            case .text:
                print("mean log-likelihood \(mean) nats per observation over \(dataset.observationCount) observations "
                    + "(total \(total), \(dataset.lengths.count) sequences)")
            }
        }
    }

    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Draw a sequence from a model (CSV on standard output, with a 'state' column).")

        @Argument(help: ArgumentHelp("A model file written by 'emkit hmm fit'.", valueName: "model.json"))
        var model: String

        @Option(name: .long, help: "The sequence length.")
        var length: Int

        @Option(name: .long, help: "Seed of the generator.")
        var seed: UInt64 = 0

        func validate() throws {
            guard length >= 0 else { throw ValidationError("--length must be ≥ 0, got \(length)") }
            // The sequence is held in memory before it is printed.
            guard length <= 100_000_000 else {
                throw ValidationError("--length must be at most 100000000, got \(length): draw longer sequences in parts, with different --seed values")
            }
        }

        func run() throws {
            let loaded = try LoadedHMM.read(model)
            let (observations, states) = loaded.sample(length, seed)
            let header = (loaded.columns ?? (1...observations.columnCount).map { "column\($0)" }) + ["state"]
            var output = header.joined(separator: ",") + "\n"
            for t in 0..<observations.rowCount {
                output += observations.row(t).map { loaded.countValued ? Format.count($0) : "\($0)" }.joined(separator: ",")
                output += ",\(states[t])\n"
            }
            print(output, terminator: "")
        }
    }
}

/// Emissions whose states hold a family's components, described by name in summaries.
private protocol ComponentsByState {
    func namedParameters(state: Int) -> [(name: String, values: [Double])]
}

extension FamilyEmission: ComponentsByState {
    func namedParameters(state: Int) -> [(name: String, values: [Double])] { components[state].namedParameters }
}
