#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The layout of a `.npy` file: its element type, shape and where the data start.
public struct NumpyHeader: Sendable, Equatable {
    /// The element type.
    public enum Scalar: Sendable, Equatable {
        /// Little-endian IEEE 754 binary64 (`<f8`).
        case float64
        /// Little-endian IEEE 754 binary32 (`<f4`).
        case float32

        /// Bytes per element.
        public var size: Int { self == .float64 ? 8 : 4 }
    }

    /// The element type.
    public var scalar: Scalar
    /// The number of rows (the first dimension).
    public var rowCount: Int
    /// The number of columns (1 for a one-dimensional array).
    public var columnCount: Int
    /// The byte offset of the first element.
    public var dataOffset: Int

    /// The number of bytes of data the header announces.
    public var dataByteCount: Int { rowCount * columnCount * scalar.size }
}

/// A `.npy` file as a `RowSource`, either memory-mapped (the kernel pages it in and out; float64
/// rows are used in place, without a copy) or streamed (each chunk is read with `pread` into a
/// buffer that lives only while the chunk is processed, so memory stays bounded by the chunk size
/// whatever the file's size).
public final class NumpyFile: RowSource, @unchecked Sendable {
    // Unchecked-sendable: every stored property is immutable after init; `pread` on a shared
    // descriptor with explicit offsets is safe from several threads.

    /// How the rows are read.
    public enum Access: Sendable, Equatable {
        /// `mmap` the file.
        case mapped
        /// `pread` each chunk.
        case streamed
    }

    /// The file's path.
    public let path: String
    /// Its layout.
    public let header: NumpyHeader
    /// How it is read.
    public let access: Access
    private let descriptor: Int32
    private let mapping: UnsafeMutableRawPointer?
    private let mappingLength: Int

    /// Opens `path` and reads its header.
    ///
    /// - Throws: `DataError.unreadable`, `DataError.unsupportedNumpy` (not a float64/float32
    ///   C-order array of one or two dimensions, or truncated), `DataError.empty`.
    public init(path: String, access: Access) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw DataError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            close(fd)
            throw DataError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        let size = Int(status.st_size)
        var prefix = [UInt8](repeating: 0, count: min(size, 1 << 16))
        let read = prefix.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard read == prefix.count else {
            close(fd)
            throw DataError.unreadable(path: path, reason: "short read")
        }
        let header: NumpyHeader
        do {
            header = try NumpyReader.header(prefix, path: path)
        } catch {
            close(fd)
            throw error
        }
        guard size - header.dataOffset >= header.dataByteCount else {
            close(fd)
            throw DataError.unsupportedNumpy(
                path: path,
                reason: "the file is truncated: \(header.rowCount)×\(header.columnCount) values need "
                    + "\(header.dataByteCount) bytes, \(size - header.dataOffset) are there")
        }
        guard header.rowCount > 0, header.columnCount > 0 else {
            close(fd)
            throw DataError.empty(path: path)
        }
        var mapping: UnsafeMutableRawPointer? = nil
        if access == .mapped {
            let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
            guard let pointer, pointer != MAP_FAILED else {
                close(fd)
                throw DataError.unreadable(path: path, reason: "cannot map the file: \(String(cString: strerror(errno)))")
            }
            mapping = pointer
        }
        self.path = path
        self.header = header
        self.access = access
        self.descriptor = fd
        self.mapping = mapping
        self.mappingLength = size
    }

    deinit {
        if let mapping { munmap(mapping, mappingLength) }
        close(descriptor)
    }

    public var rowCount: Int { header.rowCount }
    public var columnCount: Int { header.columnCount }
    public var residentBytes: Int { access == .mapped ? header.dataByteCount : 0 }

    public func withRows<R>(_ range: Range<Int>, _ body: (UnsafePointer<Double>) throws -> R) throws -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount, "row range out of bounds")
        let count = range.count * columnCount
        let offset = header.dataOffset + range.lowerBound * columnCount * header.scalar.size
        if let mapping, header.scalar == .float64, offset % MemoryLayout<Double>.alignment == 0 {
            return try body(UnsafePointer((mapping + offset).assumingMemoryBound(to: Double.self)))
        }
        return try withUnsafeTemporaryAllocation(of: Double.self, capacity: max(count, 1)) { buffer in
            let target = buffer.baseAddress.unsafelyUnwrapped
            let byteCount = count * header.scalar.size
            let source: UnsafeRawPointer
            var staging: UnsafeMutableRawPointer? = nil
            defer { staging?.deallocate() }
            if let mapping {
                source = UnsafeRawPointer(mapping + offset)
            } else if header.scalar == .float64 {
                try readFully(into: UnsafeMutableRawPointer(target), count: byteCount, at: offset)
                return try body(UnsafePointer(target))
            } else {
                let bytes = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: 8)
                staging = bytes
                try readFully(into: bytes, count: byteCount, at: offset)
                source = UnsafeRawPointer(bytes)
            }
            for i in 0..<count {
                if header.scalar == .float64 {
                    target[i] = Double(bitPattern: UInt64(littleEndian: source.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
                } else {
                    target[i] = Double(Float(bitPattern: UInt32(littleEndian: source.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))))
                }
            }
            return try body(UnsafePointer(target))
        }
    }

    private func readFully(into pointer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws {
        var done = 0
        while done < count {
            let n = pread(descriptor, pointer + done, count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw DataError.unreadable(path: path, reason: n == 0 ? "the file shrank while it was read" : String(cString: strerror(errno)))
            }
            done += n
        }
    }
}

/// Writes a float64 `.npy` file row by row, in blocks, then fills in the shape: for converting
/// data too large for memory.
final class NumpyWriter {
    private let path: String
    private let handle: UnsafeMutablePointer<FILE>
    private var buffer: [Double] = []
    private static let headerSize = 128

    init(path: String) throws {
        guard let handle = fopen(path, "wb") else {
            throw DataError.unwritable(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.handle = handle
        // Room for the header, written last when the shape is known.
        let blank = [UInt8](repeating: 0x20, count: Self.headerSize)
        guard fwrite(blank, 1, blank.count, handle) == blank.count else {
            throw DataError.unwritable(path: path, reason: String(cString: strerror(errno)))
        }
        buffer.reserveCapacity(1 << 16)
    }

    deinit { fclose(handle) }

    func append(_ row: [Double]) throws {
        buffer.append(contentsOf: row)
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func flush() throws {
        let written = buffer.withUnsafeBufferPointer { fwrite($0.baseAddress, 8, $0.count, handle) }
        guard written == buffer.count else { throw DataError.unwritable(path: path, reason: String(cString: strerror(errno))) }
        buffer.removeAll(keepingCapacity: true)
    }

    func finish(rowCount: Int, columnCount: Int) throws {
        try flush()
        var text = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(rowCount), \(columnCount)), }"
        while 10 + text.utf8.count + 1 < Self.headerSize { text += " " }
        text += "\n"
        let length = text.utf8.count
        var header: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(length & 0xFF), UInt8(length >> 8)]
        header += Array(text.utf8)
        guard header.count == Self.headerSize, fseek(handle, 0, SEEK_SET) == 0,
            fwrite(header, 1, header.count, handle) == header.count, fflush(handle) == 0
        else {
            throw DataError.unwritable(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
