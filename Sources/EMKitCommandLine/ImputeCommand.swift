import ArgumentParser
import EMKit
import Foundation

extension EMKitCommand {
    /// `emkit impute`: fills the holes of a CSV file from a Gaussian mixture fitted to it.
    struct Impute: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill missing values in a CSV file from a Gaussian mixture fitted by EM to its incomplete rows.",
            discussion: """
                Fits a K-component Gaussian mixture to the rows with their missing values marginalised \
                (missing at random), then replaces every missing field of the chosen columns by its \
                conditional expectation given the row's observed values (or, with --draws M, writes M \
                completed files drawn from the conditional distribution, for multiple imputation). \
                Everything else in the file — header, other columns, observed fields — is kept byte \
                for byte.
                """)

        @Argument(help: ArgumentHelp("A CSV file with missing values, or - for standard input.", valueName: "data"))
        var data: String

        @Option(name: [.customShort("k"), .long], help: "The number of mixture components (1: a single multivariate normal).")
        var components: Int = 1

        @Option(name: .long, help: "The covariance structure.")
        var covariance: CovarianceType = .full

        @OptionGroup var dataOptions: DataOptions

        @OptionGroup var missing: MissingValueOptions

        @Option(name: .long, help: "Added to every covariance diagonal (data units squared).")
        var regularization: Double = 1e-6

        @Option(name: .long, help: "Multiple imputation: write this many completed files drawn from the conditional distribution.")
        var draws: Int?

        @OptionGroup var em: EMOptionGroup

        @Option(name: [.short, .long], help: ArgumentHelp("Write the completed file here (with --draws M: NAME-1.csv … NAME-M.csv).", valueName: "completed.csv"))
        var output: String?

        func validate() throws {
            guard components >= 1 else { throw ValidationError("--components must be ≥ 1, got \(components)") }
            guard regularization >= 0, regularization.isFinite else {
                throw ValidationError("--regularization must be a finite number ≥ 0, got \(regularization)")
            }
            if let draws {
                guard draws >= 1 else { throw ValidationError("--draws must be ≥ 1, got \(draws)") }
                // Each draw is a whole file.
                guard draws <= 1000 else { throw ValidationError("--draws must be at most 1000, got \(draws)") }
                guard output != nil else { throw ValidationError("--draws writes several files: give --output NAME.csv") }
            }
        }

        func run() throws {
            try FileAccess.refuseOverwriting(inputs: [data], outputs: [output])
            try FileAccess.checkWritable([output])
            let bytes = try FileAccess.readAll(data)
            let markers = missing.markers
            let table = try CSVReader.parse(
                bytes, path: data, delimiter: dataOptions.delimiter?.byte, hasHeader: dataOptions.header,
                columns: dataOptions.columnSelectors, missingMarkers: markers)
            let dataset = try RowDataset(table.samples, missingValues: .allowed)
            let missingCount = table.samples.elements.filter(\.isNaN).count
            if dataset.emptyRowCount > 0 {
                Terminal.message(
                    "note: \(dataset.emptyRowCount) rows have no observed value in the chosen columns; "
                        + "they are left out of the fit and filled with the mixture's \(draws == nil ? "mean" : "draws")")
            }
            var options = GaussianMixture.FitOptions(componentCount: components, covarianceType: covariance)
            options.settings.regularization = regularization
            options.em = em.emOptions
            options.squarem = em.usesSQUAREM()
            let fit = try GaussianMixture.fit(dataset, options: options)
            Terminal.clearProgress()
            Terminal.warnings(of: fit, hint: "raise --max-iterations")
            // Which file columns the model's columns are.
            let columnOfFileColumn = Dictionary(
                table.columnPositions.enumerated().map { modelColumn, position in (position, modelColumn) },
                uniquingKeysWith: { first, _ in first })
            let format = CSVFormat(delimiter: dataOptions.delimiter?.byte, hasHeader: dataOptions.header, missingMarkers: markers)
            func completedFile(_ completed: Matrix) throws -> [UInt8] {
                try CSVReader.substituteFields(bytes, path: data, format: format) { row, column, field in
                    guard let modelColumn = columnOfFileColumn[column], table.samples[row, modelColumn].isNaN else { return nil }
                    return "\(completed[row, modelColumn])"
                }
            }
            if let draws, let output {
                var generator = SeededGenerator(seed: em.seed)
                let completions = try fit.model.imputations(table.samples, count: draws, using: &generator)
                let url = URL(fileURLWithPath: output)
                let stem = url.deletingPathExtension().path
                let suffix = url.pathExtension.isEmpty ? "" : "." + url.pathExtension
                // All draws or none: a failure part-way leaves no partial set.
                let outputs = OutputBatch()
                for (index, completed) in completions.enumerated() {
                    try outputs.stage(try completedFile(completed), to: "\(stem)-\(index + 1)\(suffix)")
                }
                try outputs.commit()
            } else {
                let completed = try completedFile(try fit.model.imputed(table.samples))
                if let output {
                    try FileAccess.writeAtomically(completed, to: output)
                } else {
                    FileHandle.standardOutput.write(Data(completed))
                }
            }
            Terminal.message(
                "filled \(missingCount) missing values (\(table.samples.rowCount) data rows) with a \(components)-component "
                    + "\(covariance.rawValue) Gaussian mixture (\(fit.stopReason); observed-data log-likelihood "
                    + "\(Format.number(fit.logLikelihood, digits: 8)) per row)")
        }
    }
}
