import EMKit
import Foundation

/// Messages and progress on standard error.
enum Terminal {
    /// Whether standard error is a terminal (progress is shown only then).
    static let standardErrorIsTerminal = isatty(2) == 1

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Writes a line to standard error.
    static func message(_ text: String) {
        clearProgress()
        write(text + "\n")
    }

    /// A warning line on standard error.
    static func warning(_ text: String) { message("warning: " + text) }

    /// The fit's warnings, and a note when it stopped at the iteration limit saying how far it
    /// may still be from its optimum and what to do (`hint`).
    static func warnings<Model>(of fit: EMResult<Model>, hint: String) {
        for problem in fit.warnings { warning(problem.description) }
        for part in fit.degenerateParts { warning("degenerate optimum: \(part)") }
        if case .reachedIterationLimit = fit.stopReason {
            warning("not converged after \(fit.iterations) iterations: \(Summary.remainingGap(fit)); \(hint)")
        }
    }

    nonisolated(unsafe) private static var progressShown = false

    /// Overwrites the progress line on standard error (terminals only).
    static func progress(_ text: String) {
        guard standardErrorIsTerminal else { return }
        write("\r\u{1B}[K" + text)
        progressShown = true
    }

    /// Removes the progress line.
    static func clearProgress() {
        guard progressShown else { return }
        write("\r\u{1B}[K")
        progressShown = false
    }

    /// The `--report-timing` line: wall-clock seconds since `started`, EM iterations, peak memory
    /// and threads, as one JSON object on standard error.
    static func reportTiming(since started: ContinuousClock.Instant, clock: ContinuousClock, iterations: Int, threads: Int?) {
        let seconds = (clock.now - started).seconds
        message(
            "{\"fitSeconds\": \(seconds), \"iterations\": \(iterations), "
                + "\"peakResidentBytes\": \(ProcessStatus.peakResidentBytes), \"threads\": \(threads ?? ExpectationMaximization.defaultThreadCount)}")
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
