import ArgumentParser
import EMKit
import EMKitImaging
import Foundation

extension ImageSegmentation.Features: ExpressibleByArgument {}
extension ImageSegmentation.Palette: ExpressibleByArgument {}

extension EMKitCommand {
    /// `emkit segment`: unsupervised image segmentation by a Gaussian mixture on the pixels.
    struct Segment: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Segment a PNG or JPEG image by fitting a Gaussian mixture to its pixels.",
            discussion: """
                Every pixel becomes a row of features (rgb, rgbxy or lab); a K-component mixture is \
                fitted by EM and each pixel takes its most probable component. --components auto \
                tries K = 1…--max-components and keeps the lowest BIC.
                """)

        @Argument(help: ArgumentHelp("A PNG or JPEG image.", valueName: "image"))
        var image: String

        @Option(name: [.customShort("k"), .long], help: ArgumentHelp("The number of segments, or 'auto' to choose it by BIC.", valueName: "K|auto"))
        var components: String

        @Option(name: .long, help: "The largest K tried by --components auto.")
        var maxComponents: Int = 8

        @Option(name: .long, help: "Refuse images that declare more pixels than this, before decoding them.")
        var maxPixels: Int = RGBImage.defaultMaximumPixels

        @Option(name: .long, help: "The features of a pixel.")
        var features: ImageSegmentation.Features = .rgb

        @Option(name: .long, help: "The covariance structure.")
        var covariance: CovarianceType = .full

        @Option(name: .long, help: "How segments are coloured in the output.")
        var palette: ImageSegmentation.Palette = .means

        @Option(name: [.short, .long], help: ArgumentHelp("The segmented image (PNG).", valueName: "segmented.png"))
        var output: String

        @Option(name: .long, help: ArgumentHelp("Also write one grey PNG per component with its responsibility per pixel.", valueName: "directory"))
        var probabilities: String?

        @Option(name: .long, help: ArgumentHelp("Also write the fitted mixture as a model file.", valueName: "model.json"))
        var model: String?

        @OptionGroup var em: EMOptionGroup

        func validate() throws {
            guard components == "auto" || (Int(components) ?? 0) >= 1 else {
                throw ValidationError("--components must be a whole number ≥ 1 or 'auto', got '\(components)'")
            }
            guard maxComponents >= 1, maxComponents <= 1000 else { throw ValidationError("--max-components must be from 1 to 1000, got \(maxComponents)") }
        }

        func run() throws {
            try FileAccess.refuseOverwriting(inputs: [image], outputs: [output, model])
            try FileAccess.checkWritable([output, model])
            let picture = try RGBImage.read(path: image, maximumPixels: maxPixels)
            guard picture.pixelCount > 0 else { throw ValidationError("\(image) has no pixels") }
            let samples = ImageSegmentation.features(of: picture, features)
            let data = try RowDataset(samples)
            var options = GaussianMixture.FitOptions(componentCount: 1, covarianceType: covariance)
            options.em = em.emOptions
            options.squarem = em.usesSQUAREM()
            let fit: EMResult<GaussianMixture>
            var note = ""
            if components == "auto" {
                let quiet = em.quiet
                let (candidates, best) = ModelSelection.compare(
                    data, componentCounts: Array(1...maxComponents), covarianceTypes: [covariance], criterion: .bic, options: options,
                    progress: { index, total in if !quiet { Terminal.progress("fitting K = \(index + 1) of \(total)") } })
                Terminal.clearProgress()
                for caution in ModelSelection.cautions(candidates: candidates, best: best) { Terminal.warning(caution) }
                guard let best, let chosen = candidates[best].fit else {
                    throw ValidationError("no K from 1 to \(maxComponents) could be fitted: \(candidates.compactMap(\.failure).first ?? "")")
                }
                fit = chosen
                note = "; K = \(candidates[best].componentCount) chosen by BIC among 1…\(maxComponents) ("
                    + candidates.map { "\($0.componentCount): \($0.score.map { Format.number($0, digits: 7) } ?? "failed")" }.joined(separator: ", ") + ")"
            } else {
                options.componentCount = Int(components) ?? 1
                fit = try GaussianMixture.fit(data, options: options)
                Terminal.clearProgress()
            }
            Terminal.warnings(of: fit, hint: "raise --max-iterations")
            let labels = try fit.model.predict(samples)
            let segmented = ImageSegmentation.colouredSegments(
                of: picture, labels: labels, componentCount: fit.model.componentCount, palette: palette)
            // Every output is written before any appears: a failure leaves none of them.
            let outputs = OutputBatch()
            try segmented.writePNG(to: output, in: outputs)
            if let directory = probabilities {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                let posterior = try fit.model.predictProbabilities(samples)
                for c in 0..<fit.model.componentCount {
                    let levels = (0..<picture.pixelCount).map { UInt8((posterior[$0, c] * 255).rounded()) }
                    try RGBImage.writeGreyPNG(
                        levels, width: picture.width, height: picture.height,
                        to: URL(fileURLWithPath: directory).appendingPathComponent("component-\(c + 1).png").path, in: outputs)
                }
            }
            if let model {
                let file = ModelRecord.file(
                    for: fit, columns: features == .rgbxy ? ["r", "g", "b", "x", "y"] : (features == .lab ? ["L", "a", "b"] : ["r", "g", "b"]),
                    samples: picture.pixelCount, seed: em.seed, restarts: em.restarts)
                try outputs.stage(try file.encoded(), to: model)
            }
            try outputs.commit()
            let sizes = (0..<fit.model.componentCount).map { c in labels.filter { $0 == c }.count }
            print(
                "\(image): \(picture.width)×\(picture.height) pixels, \(fit.model.componentCount) segments "
                    + "(\(features.rawValue) features, \(covariance.rawValue) covariance), \(fit.stopReason)\(note)")
            print("mean log-likelihood per pixel \(Format.number(fit.logLikelihood, digits: 8)); segment sizes "
                + sizes.enumerated().map { "\($0.offset + 1): \($0.element)" }.joined(separator: ", "))
            print("wrote \(output)" + (probabilities.map { " and \(fit.model.componentCount) probability maps in \($0)" } ?? ""))
        }
    }
}
