import Foundation

/// Reading whole files and writing them atomically: the project's only file-system access.
public enum FileAccess {
    /// The bytes of the file at `path`; `-` reads standard input to its end.
    ///
    /// - Throws: `DataError.unreadable` with the system's reason.
    public static func readAll(_ path: String) throws -> [UInt8] {
        if path == "-" {
            return [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DataError.unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw DataError.unreadable(path: path, reason: "it is a directory") }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe))
        } catch {
            throw DataError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Writes `bytes` to `path` so that readers see either the old file or the whole new one,
    /// never a half-written file: the bytes go to a temporary file in the same directory, which
    /// is then renamed over `path`.
    ///
    /// - Throws: `DataError.unwritable` with the system's reason.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data(bytes).write(to: temporary)
        } catch {
            throw DataError.unwritable(path: path, reason: (error as NSError).localizedDescription)
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw DataError.unwritable(path: path, reason: reason)
        }
    }
}
