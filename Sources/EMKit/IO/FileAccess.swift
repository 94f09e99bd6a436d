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
        // Foundation's Data(contentsOf:) leaks a buffer on an empty file (found by fuzz/run.sh).
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size == 0 { return [] }
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe))
        } catch {
            throw DataError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    /// Writes `bytes` to `path` so that readers see either the old file or the whole new one,
    /// never a half-written file: the bytes go to a temporary file in the same directory, which
    /// is then renamed over `path` (an `OutputBatch` of one file).
    ///
    /// - Throws: `DataError.unwritable` with the system's reason.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let batch = OutputBatch()
        try batch.stage(bytes, to: path)
        try batch.commit()
    }

    /// Refuses to let an output overwrite an input: throws when any of `outputs` names the same
    /// file as any of `inputs` (the same device and inode, so links and different spellings of a
    /// path are caught). Outputs that do not exist yet, and `-`, pass.
    ///
    /// - Throws: `DataError.outputIsInput` naming the path.
    public static func refuseOverwriting(inputs: [String], outputs: [String?]) throws {
        func identity(_ path: String) -> (UInt64, UInt64)? {
            guard path != "-" else { return nil }
            var status = stat()
            guard stat(path, &status) == 0 else { return nil }
            return (UInt64(status.st_dev), UInt64(status.st_ino))
        }
        let inputIdentities = inputs.compactMap(identity)
        for case let output? in outputs {
            guard let target = identity(output) else { continue }
            if inputIdentities.contains(where: { $0 == target }) { throw DataError.outputIsInput(path: output) }
        }
    }

    /// Checks, before any work, that each of `outputs` can be written: its folder exists and is
    /// writable, and it is not a folder itself; so that a run does not fail half-way through
    /// its outputs, leaving some written and others not.
    ///
    /// - Throws: `DataError.unwritable` naming the first path that cannot be written.
    public static func checkWritable(_ outputs: [String?]) throws {
        for case let path? in outputs where path != "-" {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw DataError.unwritable(path: path, reason: "it is a directory")
            }
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw DataError.unwritable(path: path, reason: "the folder \(folder) does not exist")
            }
            guard access(folder, W_OK) == 0 else {
                throw DataError.unwritable(path: path, reason: "the folder \(folder) is not writable")
            }
        }
    }

    /// Calls `body` with each line of the file at `path` (without its line break) and its
    /// 1-based number, reading the file in blocks of 4 MiB: memory stays bounded whatever the
    /// file's size. `-` reads standard input.
    ///
    /// - Throws: `DataError.unreadable`, or what `body` throws.
    public static func forEachLine(ofFile path: String, _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw DataError.unreadable(path: path, reason: "it is a directory")
            }
            guard let opened = FileHandle(forReadingAtPath: path) else {
                throw DataError.unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
            }
            handle = opened
        }
        defer { if path != "-" { try? handle.close() } }
        // `pending` holds the unfinished line; `searched` bytes of it are known to hold no line
        // break, so a line longer than a block is searched once, not once per block.
        var pending: [UInt8] = []
        var searched = 0
        var lineNumber = 0
        while true {
            let block: Data
            do {
                block = try handle.read(upToCount: 4 << 20) ?? Data()
            } catch {
                throw DataError.unreadable(path: path, reason: (error as NSError).localizedDescription)
            }
            let atEnd = block.isEmpty
            pending.append(contentsOf: block)
            var consumed = 0
            try pending.withUnsafeBufferPointer { buffer in
                var start = 0
                var end = searched
                while true {
                    while end < buffer.count && buffer[end] != 0x0A { end += 1 }
                    if end == buffer.count && !atEnd { break }  // an unfinished line: wait for more
                    if start == buffer.count { break }
                    lineNumber += 1
                    try body(lineNumber, UnsafeBufferPointer(rebasing: buffer[start..<end]))
                    start = min(end + 1, buffer.count)
                    end = start
                }
                consumed = start
                searched = end - start
            }
            pending.removeFirst(consumed)
            if atEnd { break }
        }
    }
}

/// The outputs of one run, written all or none: each is written to a temporary file beside its
/// destination, and only when every one is complete are they renamed into place. A write that
/// fails (a full disk), an error before `commit()`, or an interrupt leaves none of them, and no
/// temporary file.
public final class OutputBatch {
    private var staged: [(temporary: String, path: String)] = []

    /// An empty batch.
    public init() {}

    /// Writes one output through `write`, which gets the temporary path to create and throws
    /// if it cannot; the output appears at `path` on `commit()`.
    ///
    /// - Throws: what `write` throws; the temporary file is removed first.
    public func stage(_ path: String, _ write: (_ temporaryPath: String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
        TemporaryFiles.track(temporary)
        do {
            try write(temporary)
        } catch {
            unlink(temporary)
            TemporaryFiles.untrack(temporary)
            throw error
        }
        staged.append((temporary, path))
    }

    /// Writes `bytes` as one output.
    ///
    /// - Throws: `DataError.unwritable` with the system's reason.
    public func stage(_ bytes: [UInt8], to path: String) throws {
        try stage(path) { temporary in
            do {
                try Data(bytes).write(to: URL(fileURLWithPath: temporary))
            } catch {
                throw DataError.unwritable(path: path, reason: (error as NSError).localizedDescription)
            }
        }
    }

    /// Renames every staged file into place.
    ///
    /// - Throws: `DataError.unwritable` when a rename fails (the files not yet renamed are removed).
    public func commit() throws {
        defer { discard() }
        while !staged.isEmpty {
            let (temporary, path) = staged.removeFirst()
            guard rename(temporary, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                TemporaryFiles.untrack(temporary)
                throw DataError.unwritable(path: path, reason: reason)
            }
            TemporaryFiles.untrack(temporary)
        }
    }

    /// Removes the staged files that were not committed.
    private func discard() {
        for (temporary, _) in staged {
            unlink(temporary)
            TemporaryFiles.untrack(temporary)
        }
        staged = []
    }

    deinit { discard() }
}

/// The temporary files this process is writing right now, so that an interrupted run (SIGINT,
/// SIGTERM) can remove them before it exits: `emkit` calls `removeAll()` from its signal handler.
public enum TemporaryFiles {
    nonisolated(unsafe) private static var paths: Set<String> = []
    private static let lock = NSLock()

    /// Registers `path` for removal on interruption.
    public static func track(_ path: String) {
        lock.lock()
        paths.insert(path)
        lock.unlock()
    }

    /// Forgets `path` (it was renamed into place or removed).
    public static func untrack(_ path: String) {
        lock.lock()
        paths.remove(path)
        lock.unlock()
    }

    /// Removes every registered file. Safe to call from a signal-handling queue.
    public static func removeAll() {
        lock.lock()
        let current = paths
        paths = []
        lock.unlock()
        for path in current { unlink(path) }
    }
}
