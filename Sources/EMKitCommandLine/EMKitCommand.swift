import ArgumentParser
import Dispatch
import EMKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `emkit` tool as a library: the `emkit` executable calls `main()`, and the argument-layer
/// fuzz target (`fuzz/`) calls `parse(_:)` and `message(for:)`.
public enum EMKitTool {
    /// Runs `emkit` with the process's arguments and exits.
    public static func main() { EMKitCommand.main() }

    /// Parses and validates `arguments` (without the program name) as `emkit` would, without
    /// running the chosen command.
    ///
    /// - Throws: ArgumentParser's errors (a `--help` or `--version` request among them) or the
    ///   error a command's `validate()` throws.
    public static func parse(_ arguments: [String]) throws { _ = try EMKitCommand.parseAsRoot(arguments) }

    /// What `emkit` prints for `error` (help text for a help request), and the exit code it uses.
    public static func message(for error: any Error) -> (text: String, exitCode: Int32) {
        (EMKitCommand.fullMessage(for: error), EMKitCommand.exitCode(for: error).rawValue)
    }
}

/// The `emkit` command: fit, apply and explore latent-variable models by EM.
struct EMKitCommand: ParsableCommand {
    /// Runs the command; an interrupt (SIGINT, SIGTERM) first removes the temporary files being
    /// written (`TemporaryFiles`), then exits with 128 + the signal's number, as shells expect.
    static func main() {
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler(handler: interruptHandler(signalNumber))
            source.resume()
            interruptSources.append(source)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: ErrorMessages.translated(error))
        }
    }

    /// What an interrupt does, on a dispatch queue (so not isolated to the main actor, which is
    /// busy fitting): remove the temporary files, then exit with 128 + the signal's number.
    nonisolated private static func interruptHandler(_ signalNumber: Int32) -> @Sendable () -> Void {
        {
            TemporaryFiles.removeAll()
            _exit(128 + signalNumber)
        }
    }

    /// The signal sources, kept alive for the life of the process.
    nonisolated(unsafe) private static var interruptSources: [any DispatchSourceSignal] = []

    static let configuration = CommandConfiguration(
        commandName: "emkit",
        abstract: "Fit latent-variable models by Expectation–Maximization.",
        discussion: """
            Data files are CSV (comma, semicolon or tab separated; header optional) or NumPy .npy \
            (float64 or float32, C order). Results go to standard output, messages to standard error.
            """,
        version: "0.1.0",
        subcommands: [Fit.self, Predict.self, Score.self, Sample.self, Impute.self, HMM.self, Coins.self, Segment.self, Select.self, Plot.self, EStep.self, MStep.self, Demo.self, Bench.self]
    )
}
