import ArgumentParser
import EMKit

/// The `emkit` command: fit, apply and explore latent-variable models by EM.
@main
struct EMKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emkit",
        abstract: "Fit latent-variable models by Expectation–Maximization.",
        discussion: """
            Data files are CSV (comma, semicolon or tab separated; header optional) or NumPy .npy \
            (float64 or float32, C order). Results go to standard output, messages to standard error.
            """,
        version: "0.1.0",
        subcommands: [Fit.self, Predict.self, Score.self, Sample.self, Impute.self, HMM.self, Coins.self, Segment.self, Select.self, Plot.self, Demo.self, Bench.self]
    )
}
