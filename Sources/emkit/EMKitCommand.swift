import ArgumentParser
import Dispatch
import EMKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `emkit` command: fit, apply and explore latent-variable models by EM.
@main
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
            exit(withError: error)
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
        subcommands: [Fit.self, Predict.self, Score.self, Sample.self, Impute.self, HMM.self, Coins.self, Segment.self, Select.self, Plot.self, Demo.self, Bench.self]
    )
}
