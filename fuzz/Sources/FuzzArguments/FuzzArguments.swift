import EMKitCommandLine
import FuzzSupport

/// The argument layer of `emkit`: ArgumentParser's parsing of every subcommand's options, the
/// commands' `validate()`, and the messages and exit codes printed for what they refuse (help
/// text included). The input is the argument list, one argument per line (or NUL-separated);
/// the chosen command is not run.
@_cdecl("FuzzArguments_main")
public func fuzzArgumentsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzArguments(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArguments(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let arguments = FuzzInput.bytes(data, size)
        .split(separator: 0x0A, omittingEmptySubsequences: false)
        .flatMap { $0.split(separator: 0x00, omittingEmptySubsequences: false) }
        .prefix(64)
        .map { String(decoding: $0, as: UTF8.self) }
    do {
        try EMKitTool.parse(Array(arguments))
    } catch {
        let (text, exitCode) = EMKitTool.message(for: error)
        // The tool's rule: a refusal exits between 1 and 127; help and version requests exit 0.
        if !(0..<128).contains(exitCode) { fatalError("exit code \(exitCode) for \(text)") }
    }
    return 0
}
