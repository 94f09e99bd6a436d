import EMKit
import EMKitImaging
import Foundation
import Testing

/// PNG and JPEG through libpng and libjpeg-turbo, and segmentation of a synthetic image.
@Suite("Images and segmentation")
struct ImagingTests {
    struct Expected: Decodable {
        let width: Int
        let height: Int
        let pixels: [String: [Int]]
        let jpegReference: [Int]
    }

    static let expected: Expected = Fixtures.decode(Expected.self, from: "image_fixtures.json")

    static func path(_ name: String) -> String { Fixtures.directory.appendingPathComponent("images/\(name)").path }

    @Test("PNG in every encoding decodes to the expected pixels", arguments: ["rgb.png", "grey.png", "palette.png", "rgba.png", "rgb16.png", "interlaced.png"])
    func png(_ name: String) throws {
        let image = try RGBImage.read(path: Self.path(name))
        #expect(image.width == Self.expected.width && image.height == Self.expected.height)
        #expect(image.pixels.map(Int.init) == Self.expected.pixels[name])
    }

    @Test("baseline and progressive JPEG decode close to the picture they encode", arguments: ["baseline.jpg", "progressive.jpg"])
    func jpeg(_ name: String) throws {
        let image = try RGBImage.read(path: Self.path(name))
        #expect(image.width == 12 && image.height == 8)
        var total = 0.0
        for (a, b) in zip(image.pixels, Self.expected.jpegReference) { total += abs(Double(a) - Double(b)) }
        let error = total / Double(image.pixels.count)
        #expect(error < 6, "mean absolute error \(error)")
    }

    @Test("round trips: PNG exactly, JPEG within compression error; writes are atomic")
    func roundTrips() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var generator = SeededGenerator(seed: 1)
        let image = RGBImage(width: 33, height: 17, pixels: (0..<(33 * 17 * 3)).map { _ in UInt8(generator.next() & 0xFF) })
        let png = directory.appendingPathComponent("a.png").path
        try image.writePNG(to: png)
        #expect(try RGBImage.read(path: png) == image)
        var gradient: [UInt8] = []
        for i in 0..<(40 * 30 * 3) {
            let column: Int = (i / 3) % 40
            let channel: Int = i % 3
            gradient.append(UInt8(column * 5 + channel * 20))
        }
        let smooth = RGBImage(width: 40, height: 30, pixels: gradient)
        let jpg = directory.appendingPathComponent("a.jpg").path
        try smooth.writeJPEG(to: jpg, quality: 98)
        let back = try RGBImage.read(path: jpg)
        var total = 0.0
        for (a, b) in zip(back.pixels, smooth.pixels) { total += abs(Double(a) - Double(b)) }
        let error = total / Double(smooth.pixels.count)
        #expect(error < 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["a.jpg", "a.png"])
    }

    @Test("corrupt, truncated and foreign files are clear errors", arguments: [
        ("truncated.png", "corrupt or truncated image"), ("truncated.jpg", "corrupt or truncated image"),
        ("../iris.csv", "not a PNG or JPEG image"), ("missing.png", "cannot read: no such file"),
    ])
    func hostile(_ name: String, _ message: String) {
        #expect { try RGBImage.read(path: Self.path(name)) } throws: { "\($0)".contains(message) }
    }

    @Test("a synthetic image with three noisy regions is segmented at ≥ 99% pixel accuracy", arguments: ImageSegmentation.Features.allCases)
    func segmentation(_ features: ImageSegmentation.Features) throws {
        let width = 60, height = 40
        var generator = SeededGenerator(seed: 4)
        var pixels: [UInt8] = []
        var truth: [Int] = []
        let colours: [[Double]] = [[200, 40, 40], [40, 180, 60], [50, 60, 200]]
        for y in 0..<height {
            for x in 0..<width {
                let region = x < 20 ? 0 : (y < 20 ? 1 : 2)
                truth.append(region)
                for c in 0..<3 { pixels.append(UInt8(max(0, min(255, colours[region][c] + 15 * generator.nextStandardNormal())))) }
            }
        }
        let image = RGBImage(width: width, height: height, pixels: pixels)
        let samples = ImageSegmentation.features(of: image, features)
        var options = GaussianMixture.FitOptions(componentCount: 3)
        options.em = EMOptions(restarts: 2, seed: 1)
        let fit = try GaussianMixture.fit(RowDataset(samples), options: options)
        let labels = try fit.model.predict(samples)
        let (accuracy, _) = ClusterAgreement.accuracy(predicted: labels, truth: truth)
        #expect(accuracy >= 0.99, "\(features): \(accuracy)")
        let coloured = ImageSegmentation.colouredSegments(of: image, labels: labels, componentCount: 3, palette: .means)
        // Mean colours land near the regions' colours.
        #expect(abs(Double(coloured.pixels[0]) - 200) < 5 && abs(Double(coloured.pixels[1]) - 40) < 5)
    }

    @Test("CIE L*a*b* of known colours")
    func lab() {
        let white = ImageSegmentation.features(of: RGBImage(width: 1, height: 1, pixels: [255, 255, 255]), .lab)
        #expect(abs(white[0, 0] - 100) < 0.01 && abs(white[0, 1]) < 0.01 && abs(white[0, 2]) < 0.01)
        let red = ImageSegmentation.features(of: RGBImage(width: 1, height: 1, pixels: [255, 0, 0]), .lab)
        // sRGB red is L* 53.24, a* 80.09, b* 67.20.
        #expect(abs(red[0, 0] - 53.24) < 0.05 && abs(red[0, 1] - 80.09) < 0.1 && abs(red[0, 2] - 67.20) < 0.1)
    }
}
