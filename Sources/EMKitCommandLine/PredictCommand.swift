import ArgumentParser
import EMKit

extension EMKitCommand {
    /// `emkit predict`: the component of each row.
    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assign each row of a data file to its most probable component (CSV on standard output).",
            discussion: """
                Prints a 'component' column (0-based, the components ordered as in the model file); \
                with --probabilities, also one 'probability_K' column per component (the responsibilities). \
                Works with every model kind 'emkit fit' writes.
                """)

        @OptionGroup var arguments: ModelDataArguments

        @Flag(name: .long, help: "Also print each component's posterior probability.")
        var probabilities = false

        func run() throws {
            let (model, table) = try arguments.load()
            let mixture = model.mixture
            let labels = try mixture.predict(table.samples)
            var output = "component"
            if probabilities {
                output += (1...mixture.componentCount).map { ",probability_\($0 - 1)" }.joined()
            }
            output += "\n"
            let posterior = probabilities ? try mixture.predictProbabilities(table.samples) : nil
            for n in 0..<labels.count {
                output += "\(labels[n])"
                if let posterior {
                    for c in 0..<mixture.componentCount { output += ",\(posterior[n, c])" }
                }
                output += "\n"
            }
            print(output, terminator: "")
        }
    }

    /// `emkit score`: the mean log-likelihood of data under a model.
    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the mean log-likelihood per sample of a data file under a model.")

        @OptionGroup var arguments: ModelDataArguments

        @Option(name: .long, help: "text, or json: {\"logLikelihood\": …, \"samples\": …}.")
        var format: OutputFormat = .text

        func run() throws {
            let (model, table) = try arguments.load()
            let score = try model.mixture.score(table.samples)
            switch format {
            case .json: print("{\"logLikelihood\": \(score), \"samples\": \(table.samples.rowCount)}")
            case .text: print("mean log-likelihood \(score) nats per sample over \(table.samples.rowCount) samples")
            }
        }
    }

    /// `emkit sample`: draws from a model.
    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw samples from a model (CSV on standard output).")

        @Argument(help: ArgumentHelp("A model file written by 'emkit fit'.", valueName: "model.json"))
        var model: String

        @Option(name: [.short, .long], help: "How many samples to draw.")
        var count: Int

        @Option(name: .long, help: "Seed of the generator; the same seed gives the same samples.")
        var seed: UInt64 = 0

        @Option(name: .long, help: "Draws per row for binomial and categorical models (tosses per round).")
        var trials: Int = 10

        @Flag(name: .long, help: "Add a last column with the component each sample came from (0-based).")
        var withComponent = false

        func validate() throws {
            guard count >= 0 else { throw ValidationError("--count must be ≥ 0, got \(count)") }
            // The sample is held in memory before it is printed.
            guard count <= 100_000_000 else {
                throw ValidationError("--count must be at most 100000000, got \(count): draw larger samples in parts, with different --seed values")
            }
            guard trials >= 0 else { throw ValidationError("--trials must be ≥ 0, got \(trials)") }
        }

        func run() throws {
            let loaded = try LoadedModel.read(path: model)
            let (samples, components) = loaded.sample(count, trials, seed)
            var header = loaded.columns ?? (1...loaded.mixture.dimension).map { "column\($0)" }
            if withComponent { header.append("component") }
            var output = header.joined(separator: ",") + "\n"
            for n in 0..<samples.rowCount {
                output += samples.row(n).map { loaded.countValued ? Format.count($0) : "\($0)" }
                    .joined(separator: ",")
                if withComponent { output += ",\(components[n])" }
                output += "\n"
            }
            print(output, terminator: "")
        }
    }
}
