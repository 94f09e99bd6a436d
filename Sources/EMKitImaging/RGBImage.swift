import EMKit
import EMKitImageCodecs
import Foundation

/// An 8-bit RGB image, row-major, three bytes per pixel.
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// The pixels, `height × width × 3` bytes: red, green, blue, row after row.
    public var pixels: [UInt8]

    /// An image of the given size and pixels.
    ///
    /// - Precondition: `pixels.count == width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3, "pixel count does not match the size")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The number of pixels.
    public var pixelCount: Int { width * height }

    /// The most pixels `read(path:maximumPixels:)` decodes by default: 40 megapixels, about 1 GB
    /// once segmentation turns each pixel into three doubles.
    public static let defaultMaximumPixels = 40_000_000

    /// Reads a PNG or JPEG file (recognised by its first bytes, not its name). An image that
    /// declares more than `maximumPixels` pixels is refused from its header, before anything is
    /// decoded or allocated.
    ///
    /// - Throws: `ImageError.unreadable` for a missing file, `ImageError.unsupportedFormat` for
    ///   anything but PNG or JPEG, `ImageError.corrupt` for a corrupt or truncated image,
    ///   `ImageError.tooManyPixels` beyond the limit.
    public static func read(path: String, maximumPixels: Int = RGBImage.defaultMaximumPixels) throws -> RGBImage {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImageError.unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        let magic = [UInt8]((try? handle.read(upToCount: 8)) ?? Data())
        try? handle.close()
        var pixels: UnsafeMutablePointer<UInt8>? = nil
        var width: Int32 = 0
        var height: Int32 = 0
        var message = [CChar](repeating: 0, count: 256)
        let status: Int32
        if magic.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            status = emk_png_read(path, max(0, maximumPixels), &pixels, &width, &height, &message, message.count)
        } else if magic.starts(with: [0xFF, 0xD8, 0xFF]) {
            status = emk_jpeg_read(path, max(0, maximumPixels), &pixels, &width, &height, &message, message.count)
        } else {
            throw ImageError.unsupportedFormat(path: path)
        }
        if status == 2 {
            throw ImageError.tooManyPixels(path: path, width: Int(width), height: Int(height), limit: maximumPixels)
        }
        guard status == 0, let pixels else {
            throw ImageError.corrupt(path: path, reason: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        defer { emk_image_free(pixels) }
        let count = Int(width) * Int(height) * 3
        return RGBImage(width: Int(width), height: Int(height), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }

    /// Writes the image as a PNG file, atomically (a temporary file renamed into place), or
    /// into `batch`, to appear with the run's other outputs when it commits.
    ///
    /// - Throws: `ImageError.unwritable`.
    public func writePNG(to path: String, in batch: OutputBatch? = nil) throws {
        try Self.write(to: path, in: batch) { temporary, message in
            emk_png_write(temporary, pixels, Int32(width), Int32(height), 3, &message, message.count)
        }
    }

    /// Writes the image as a JPEG file of the given quality (1–100), atomically or into `batch`.
    ///
    /// - Throws: `ImageError.unwritable`.
    public func writeJPEG(to path: String, quality: Int = 95, in batch: OutputBatch? = nil) throws {
        try Self.write(to: path, in: batch) { temporary, message in
            emk_jpeg_write(temporary, pixels, Int32(width), Int32(height), Int32(max(1, min(100, quality))), &message, message.count)
        }
    }

    /// Writes one grey level per pixel (`width × height` bytes) as a PNG file, atomically or
    /// into `batch`.
    ///
    /// - Throws: `ImageError.unwritable`.
    public static func writeGreyPNG(_ levels: [UInt8], width: Int, height: Int, to path: String, in batch: OutputBatch? = nil) throws {
        precondition(levels.count == width * height, "one grey level per pixel")
        try write(to: path, in: batch) { temporary, message in
            emk_png_write(temporary, levels, Int32(width), Int32(height), 1, &message, message.count)
        }
    }

    /// Writes through a C encoder into `batch` (the file appears when the batch commits), or,
    /// without one, atomically at once.
    private static func write(to path: String, in batch: OutputBatch?, _ encode: (String, inout [CChar]) -> Int32) throws {
        let target = batch ?? OutputBatch()
        try target.stage(path) { temporary in
            var message = [CChar](repeating: 0, count: 256)
            guard encode(temporary, &message) == 0 else {
                throw ImageError.unwritable(path: path, reason: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
        }
        if batch == nil { try target.commit() }
    }
}

/// Errors of reading and writing images.
public enum ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened.
    case unreadable(path: String, reason: String)
    /// The file is neither PNG nor JPEG.
    case unsupportedFormat(path: String)
    /// The decoder rejected the file.
    case corrupt(path: String, reason: String)
    /// The file could not be written.
    case unwritable(path: String, reason: String)
    /// The image declares more pixels than the reader was allowed (a decompression bomb, or a
    /// photograph larger than the limit); nothing was decoded.
    case tooManyPixels(path: String, width: Int, height: Int, limit: Int)

    /// The message, naming the pixel limit by its parameter (`maximumPixels`).
    public var description: String { description(naming: { $0.parameterName }) }

    /// The message, naming the settings it suggests changing with `name`.
    public func description(naming name: (ErrorSetting) -> String) -> String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .unsupportedFormat(let path): return "\(path): not a PNG or JPEG image"
        case .corrupt(let path, let reason): return "\(path): corrupt or truncated image: \(reason)"
        case .unwritable(let path, let reason): return "\(path): cannot write: \(reason)"
        case .tooManyPixels(let path, let width, let height, let limit):
            return "\(path): the image declares \(width)×\(height) pixels, more than the limit of \(limit); "
                + "raise it (\(name(.parameter("maximumPixels")))) if the image is real"
        }
    }
}
