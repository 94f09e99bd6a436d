import ArgumentParser
import EMKit

/// The EM options every fitting subcommand shares.
struct EMOptionGroup: ParsableArguments {
    @Option(name: .long, help: "Stop when the mean log-likelihood per sample changes by less than this (0 runs every iteration).")
    var tolerance: Double = 1e-3

    @Option(name: .long, help: "The largest number of EM iterations per restart.")
    var maxIterations: Int = 100

    @Option(name: .long, help: "Independent starts; the best log-likelihood is kept.")
    var restarts: Int = 1

    @Option(name: .long, help: "Seed of every random choice; the same seed gives the same bits on any number of threads.")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Threads for the E-step (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "No progress display, even on a terminal.")
    var quiet = false

    func validate() throws {
        guard tolerance >= 0, tolerance.isFinite else { throw ValidationError("--tolerance must be a finite number ≥ 0, got \(tolerance)") }
        guard maxIterations >= 0 else { throw ValidationError("--max-iterations must be ≥ 0, got \(maxIterations)") }
        guard restarts >= 1 else { throw ValidationError("--restarts must be ≥ 1, got \(restarts)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be ≥ 1, got \(threads)") }
    }

    /// The engine options, with a progress display on standard error when it is a terminal.
    var emOptions: EMOptions {
        var options = EMOptions(
            tolerance: tolerance, maxIterations: maxIterations, restarts: restarts, seed: seed, threadCount: threads)
        if !quiet && Terminal.standardErrorIsTerminal {
            let restarts = restarts
            options.observer = { progress in
                Terminal.progress(
                    "restart \(progress.restart + 1)/\(restarts)  iteration \(progress.iteration)  "
                        + "log-likelihood \(Format.number(progress.logLikelihood))")
            }
        }
        return options
    }
}

/// `--accelerate none|squarem`, shared by `fit` and `hmm fit`.
enum Acceleration: String, ExpressibleByArgument, CaseIterable {
    case none, squarem
}
