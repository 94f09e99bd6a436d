import Foundation

/// `rsvg-convert` (librsvg's command-line renderer), when it is installed, for checking that
/// real renderers accept the plots.
enum RasterRenderer {
    /// The path of `rsvg-convert` on `PATH`, or `nil`.
    static let executable: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("rsvg-convert")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }()

    /// Whether `rsvg-convert` is available.
    static var isAvailable: Bool { executable != nil }

    /// Renders the SVG file at `svg` to the PNG file `png`; throws when the renderer fails.
    static func render(_ svg: URL, to png: URL) throws {
        guard let executable else { throw RenderFailure(message: "rsvg-convert is not installed") }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--format", "png", "--output", png.path, svg.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw RenderFailure(message: "rsvg-convert exited with \(process.terminationStatus): \(message)")
        }
    }

    /// A failed rendering.
    struct RenderFailure: Error, CustomStringConvertible {
        /// What went wrong.
        let message: String
        var description: String { message }
    }
}
