import ArgumentParser
import EMKit

/// The EM options every fitting subcommand shares.
struct EMOptionGroup: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Stop when the objective's estimated remaining rise is at most this, relative (absolute in nats per sample below 1 nat); 0 runs every iteration.",
            discussion: "The objective is the log-likelihood (plus the log-prior with --prior, the lower bound for vb-gaussian), per sample. With --stopping-rule objective-change the tolerance bounds the last change per sample instead, as scikit-learn's tol does."))
    var tolerance: Double = EMOptions.defaultTolerance

    @Option(name: .long, help: "estimated-gap (Aitken's estimate of the distance to the optimum) or objective-change (scikit-learn's rule).")
    var stoppingRule: StoppingRule = .estimatedGap

    @Option(name: .long, help: "The largest number of EM iterations per restart (SQUAREM: cycles).")
    var maxIterations: Int = EMOptions.defaultMaxIterations

    @Option(
        name: .long,
        help: ArgumentHelp(
            "auto (SQUAREM wherever it applies), squarem, or none (plain EM).",
            discussion: "SQUAREM (Varadhan & Roland 2008) extrapolates two EM steps, with a safeguard that keeps the objective from falling; it reaches the same optimum with several times fewer E-steps. auto uses it except for hard EM, stepwise EM and vb-gaussian, which run plain EM."))
    var accelerate: Acceleration = .auto

    @Option(name: .long, help: "Independent starts; the best objective (log-likelihood, log-posterior or lower bound) is kept.")
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
            tolerance: tolerance, maxIterations: maxIterations, restarts: restarts, seed: seed, threadCount: threads,
            stoppingRule: stoppingRule)
        if !quiet && Terminal.standardErrorIsTerminal {
            let restarts = restarts
            options.observer = { progress in
                Terminal.progress(
                    "restart \(progress.restart + 1)/\(restarts)  iteration \(progress.iteration)  "
                        + "objective \(Format.number(progress.logLikelihood))")
            }
        }
        return options
    }
}

extension StoppingRule: ExpressibleByArgument {}

/// `--accelerate auto|none|squarem`, shared by every fitting command.
enum Acceleration: String, ExpressibleByArgument, CaseIterable {
    case auto, none, squarem
}

extension EMOptionGroup {
    /// Whether to run SQUAREM: asked for, or `auto` where the model allows it (`available`).
    func usesSQUAREM(available: Bool = true) -> Bool {
        accelerate == .squarem || (accelerate == .auto && available)
    }
}
