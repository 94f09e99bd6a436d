import ArgumentParser
import EMKit
import Foundation

extension EMKitCommand {
    /// `emkit coins`: the two-coin problem of seeds 001 and 002, iteration by iteration.
    struct Coins: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Estimate the biases of coins whose identity per round is hidden (a binomial mixture).",
            discussion: """
                FILE has one round per line: a string of H and T, or 'heads,tosses'. Without FILE, \
                seed 001's five rounds (Do & Batzoglou) are used; '-' reads standard input. The text \
                output shows every iteration as the seeds tabulate it: per round, the probability of \
                each coin and the heads and tails credited to it; then the M-step's new estimates.
                """)

        @Argument(help: ArgumentHelp("Rounds of tosses (default: seed 001's rounds; - for standard input).", valueName: "file"))
        var file: String?

        @Option(name: .long, help: "The number of coins.")
        var coins: Int = 2

        @Option(name: .customLong("init"), help: ArgumentHelp("Initial head probabilities, one per coin, e.g. 0.6,0.5 (default: k-means++ seeding).", valueName: "list"))
        var initialText: String?

        @Option(name: .long, help: "The largest number of EM iterations.")
        var iterations: Int = 100

        @Option(name: .long, help: "Stop when the mean log-likelihood per round changes by less than this (0: run every iteration).")
        var tolerance: Double = 1e-9

        @Flag(name: .long, help: "Hard EM: each round goes wholly to its most probable coin.")
        var hard = false

        @Flag(name: .long, help: "Hold the coins' mixing weights fixed and equal, as the classic example does.")
        var fixWeights = false

        @Option(name: .long, help: "Seed of the k-means++ seeding when --init is not given.")
        var seed: UInt64 = 0

        @Option(name: .long, help: "text: every iteration's table; json: the final estimates.")
        var format: OutputFormat = .text

        func validate() throws {
            guard coins >= 1 else { throw ValidationError("--coins must be ≥ 1, got \(coins)") }
            guard iterations >= 0 else { throw ValidationError("--iterations must be ≥ 0, got \(iterations)") }
            guard tolerance >= 0, tolerance.isFinite else { throw ValidationError("--tolerance must be ≥ 0, got \(tolerance)") }
            if let values = initialProbabilities {
                guard values.count == coins else {
                    throw ValidationError("--init has \(values.count) probabilities but --coins is \(coins)")
                }
                guard values.allSatisfy({ $0 > 0 && $0 < 1 }) else {
                    throw ValidationError("--init probabilities must be strictly between 0 and 1, got \(initialText ?? "")")
                }
            } else if initialText != nil {
                throw ValidationError("--init must be numbers separated by commas, e.g. 0.6,0.5; got '\(initialText ?? "")'")
            }
        }

        private var initialProbabilities: [Double]? {
            guard let text = initialText else { return nil }
            let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            return values.contains(where: { $0 == nil }) ? nil : values.compactMap { $0 }
        }

        func run() throws {
            let path = file ?? "seed 001"
            let text = try file.map { String(decoding: try FileAccess.readAll($0), as: UTF8.self) }
                ?? Datasets.seed001Rounds.joined(separator: "\n")
            let (rounds, sequences) = try CoinRounds.parse(text, path: path)
            let data = try RowDataset(rounds)
            var options = BinomialMixture.FitOptions(componentCount: coins)
            options.fixWeights = fixWeights
            options.settings.assignment = hard ? .hard : .soft
            options.em = EMOptions(tolerance: tolerance, maxIterations: iterations, seed: seed, stoppingRule: .objectiveChange)
            let start: BinomialMixture
            if let probabilities = initialProbabilities {
                start = try BinomialMixture(
                    weights: Array(repeating: 1 / Double(coins), count: coins),
                    components: probabilities.map { try Binomial(probability: $0) })
            } else {
                var seeding = options
                seeding.em.maxIterations = 0
                start = try BinomialMixture.fit(data, options: seeding).model
            }
            options.initialization = .parameters(start)
            // Every iteration's parameters and E-step statistics, as the engine reports them.
            let iterations = IterationLog()
            options.em.observer = { progress in
                if let model = progress.model as? BinomialMixture,
                    let statistics = progress.statistics as? FiniteMixtureStatistics<WeightedSums>
                {
                    iterations.append((model, statistics))
                }
            }
            let fit = try BinomialMixture.fit(data, options: options)
            switch format {
            case .json:
                let history = fit.history.map { "\($0)" }.joined(separator: ", ")
                print(
                    "{\"probabilities\": [\(fit.model.components.map { "\($0.probability)" }.joined(separator: ", "))], "
                        + "\"weights\": [\(fit.model.weights.map { "\($0)" }.joined(separator: ", "))], "
                        + "\"iterations\": \(fit.iterations), \"logLikelihood\": \(fit.logLikelihood), "
                        + "\"converged\": \(fit.converged), \"history\": [\(history)]}")
            case .text:
                try printIterations(iterations.entries, rounds: rounds, sequences: sequences, fit: fit)
            }
        }

        /// Prints each iteration of the fit from the engine's reports: the E-step's table under
        /// iteration t − 1's parameters (per-round probabilities from the model, totals from its
        /// statistics) and the M-step's estimates, iteration t's parameters.
        private func printIterations(
            _ log: [(model: BinomialMixture, statistics: FiniteMixtureStatistics<WeightedSums>)], rounds: Matrix,
            sequences: [String?], fit: EMResult<BinomialMixture>
        ) throws {
            let names = (0..<coins).map { coins <= 26 ? String(UnicodeScalar(UInt8(65 + $0))) : "\($0 + 1)" }
            guard var model = log.first?.model else { return }
            var lines: [String] = [
                "\(hard ? "Hard" : "Soft") EM for \(coins) coins over \(rounds.rowCount) rounds"
                    + (fixWeights ? ", mixing weights fixed" : "") + ".",
                "Start: " + estimates(model, names: names),
            ]
            let width = max(12, sequences.compactMap { $0?.count }.max() ?? 0)
            for iteration in 1...max(fit.iterations, 1) where fit.iterations > 0 && iteration < log.count {
                let statistics = log[iteration - 1].statistics
                lines.append("")
                lines.append("Iteration \(iteration), E-step:")
                var header = "round  " + "tosses".padding(toLength: width, withPad: " ", startingAt: 0) + "  H/n   "
                for name in names { header += Format.left("P(\(name))", 7) + "  " }
                for name in names { header += "  " + Format.left("\(name): heads", 11) + "  tails" }
                lines.append(header)
                var heads = [Double](repeating: 0, count: coins)
                var tails = [Double](repeating: 0, count: coins)
                let probabilities = try model.predictProbabilities(rounds)
                let labels = try model.predict(rounds)
                for n in 0..<rounds.rowCount {
                    let h = rounds[n, 0]
                    let total = rounds[n, 1]
                    let tosses = (sequences[n] ?? "").padding(toLength: width, withPad: " ", startingAt: 0)
                    // "%2d/%-3d" without converting the counts to Int.
                    let totalText = Format.count(total)
                    let counts = Format.left(Format.count(h), 2) + "/" + totalText + String(repeating: " ", count: max(0, 3 - totalText.count))
                    var line = String(format: "%5d  %@  ", n + 1, tosses) + counts
                    var credited: [Double] = []
                    for c in 0..<coins {
                        let p = probabilities[n, c]
                        line += String(format: " %6.3f  ", p)
                        credited.append(hard ? (labels[n] == c ? 1 : 0) : p)
                    }
                    for c in 0..<coins {
                        line += String(format: "  %11.2f  %5.2f", credited[c] * h, credited[c] * (total - h))
                    }
                    lines.append(line)
                }
                // The totals are the E-step's statistics: Σ r·heads and Σ r·tosses per coin.
                for c in 0..<coins {
                    heads[c] = statistics.components[c].sums[0]
                    tails[c] = statistics.components[c].sums[1] - heads[c]
                }
                var totals = "total" + String(repeating: " ", count: 2 + width + 8 + 9 * coins)
                for c in 0..<coins { totals += String(format: "  %11.2f  %5.2f", heads[c], tails[c]) }
                lines.append(totals)
                model = log[iteration].model
                lines.append(
                    "M-step: " + (0..<coins).map { c in
                        String(format: "θ%@ = %.2f / %.2f = %.4f", names[c], heads[c], heads[c] + tails[c], model.components[c].probability)
                    }.joined(separator: ",  "))
                if !fixWeights { lines.append("        weights " + model.weights.map { String(format: "%.4f", $0) }.joined(separator: ", ")) }
            }
            lines.append("")
            lines.append("\(fit.stopReason.description.prefix(1).uppercased() + fit.stopReason.description.dropFirst()).")
            lines.append("Estimate: " + estimates(fit.model, names: names))
            lines.append("Mean log-likelihood per round: \(Format.number(fit.logLikelihood, digits: 10))")
            print(lines.joined(separator: "\n"))
        }

        private func estimates(_ model: BinomialMixture, names: [String]) -> String {
            (0..<model.componentCount).map {
                "θ\(names[$0]) = \(Format.number(model.components[$0].probability, digits: 4))"
                    + (fixWeights ? "" : " (weight \(Format.number(model.weights[$0], digits: 4)))")
            }.joined(separator: ", ")
        }
    }
}

/// The iterations the engine reports to the observer of `emkit coins`, in order.
private final class IterationLog: @unchecked Sendable {
    // The observer runs on the fitting thread only, and the log is read after the fit returns.
    private(set) var entries: [(model: BinomialMixture, statistics: FiniteMixtureStatistics<WeightedSums>)] = []

    func append(_ entry: (model: BinomialMixture, statistics: FiniteMixtureStatistics<WeightedSums>)) { entries.append(entry) }
}
