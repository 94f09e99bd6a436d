import ArgumentParser
import Foundation
import EMKit

extension EMKitCommand {
    /// `emkit estep`: one E-step of a model on a part of the data, written as statistics.
    struct EStep: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "estep",
            abstract: "Compute the E-step statistics of a mixture on one part of the data (for distributed fits).",
            discussion: """
                Writes the statistics of every chunk of the data, exactly (a binary EMKSTATS file). \
                Parts cut at multiples of --rows-per-chunk rows, given in order to 'emkit mstep', \
                give the same next model, bit for bit, as one process on the whole data. Takes \
                Gaussian, Student-t, gamma, binomial, Bernoulli, categorical, Poisson and negative \
                binomial mixture files, and HMM files (each part holds whole sequences, given by \
                --sequence-column or --lengths; the next model then agrees to rounding).
                """)

        @OptionGroup var arguments: ModelDataArguments

        @Option(name: .long, help: "Rows per chunk; every part of one fit must use the same.")
        var rowsPerChunk = 512

        @Option(name: [.short, .long], help: "Where to write the statistics; - writes them to standard output.")
        var output: String

        @Option(
            name: .long,
            help: ArgumentHelp(
                "The data are raw little-endian float64 values, this many per row, with no header (what a Spark task sends); "
                    + "DATA may be - for standard input.", valueName: "columns"))
        var float64Columns: Int?

        @Flag(name: .long, help: "With --float64-columns: each row carries one more value, its sample weight, last.")
        var weightLast = false

        /// Hidden Markov models: the part's sequences (each whole within the part).
        @OptionGroup var sequences: SequenceOptions

        func validate() throws {
            guard rowsPerChunk >= 1, rowsPerChunk <= 1 << 24 else {
                throw ValidationError("--rows-per-chunk must be from 1 to \(1 << 24), got \(rowsPerChunk)")
            }
            if let float64Columns, !(1...(1 << 20)).contains(float64Columns) {
                throw ValidationError("--float64-columns must be from 1 to \(1 << 20), got \(float64Columns)")
            }
            if weightLast && float64Columns == nil { throw ValidationError("--weight-last needs --float64-columns") }
        }

        func run() throws {
            try FileAccess.refuseOverwriting(
                inputs: [arguments.model, arguments.data, sequences.lengths].compactMap { $0 }, outputs: output == "-" ? [] : [output])
            let model = try SteppableModel.read(path: arguments.model)
            let data: RowDataset
            var lengths: [Int]? = nil
            if let float64Columns {
                let width = float64Columns + (weightLast ? 1 : 0)
                let rows = try Float64Blocks.matrix(from: FileAccess.readAll(arguments.data), columnCount: width, path: arguments.data)
                let samples = weightLast
                    ? Matrix(rowCount: rows.rowCount, columnCount: float64Columns,
                        elements: (0..<rows.rowCount).flatMap { n in (0..<float64Columns).map { rows[n, $0] } })
                    : rows
                let weights = weightLast ? (0..<rows.rowCount).map { rows[$0, float64Columns] } : nil
                data = try RowDataset(
                    samples, sampleWeights: weights, rowsPerChunk: rowsPerChunk,
                    missingValues: model.marginalisesMissingValues ? .allowed : .rejected)
                if let file = sequences.lengths {
                    lengths = try SequenceLengths.parse(String(decoding: try FileAccess.readAll(file), as: UTF8.self), path: file)
                }
            } else if model.isSequenceModel {
                let (sequenceData, _) = try sequences.read(arguments.data, dataOptions: arguments.dataOptions)
                data = sequenceData.rows
                lengths = sequenceData.lengths
            } else {
                let markers = model.marginalisesMissingValues ? arguments.missing.markers : nil
                let table = try arguments.dataOptions.read(arguments.data, columns: model.columns, missingMarkers: markers)
                data = try RowDataset(table.samples, sampleWeights: table.sampleWeights, rowsPerChunk: rowsPerChunk)
            }
            guard data.dimension == model.dimension else {
                throw EMError.dimensionMismatch(expected: model.dimension, actual: data.dimension)
            }
            let bytes = try model.expectation(data, lengths)
            if output == "-" {
                FileHandle.standardOutput.write(Data(bytes))
            } else {
                try FileAccess.writeAtomically(bytes, to: output)
            }
        }
    }

    /// `emkit mstep`: merges the statistics of every part and writes the next model.
    struct MStep: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mstep",
            abstract: "Merge E-step statistics from 'emkit estep' (in data order) and write the next model.",
            discussion: "Prints the mean log-likelihood of the model the statistics were computed under.")

        @Argument(help: ArgumentHelp("The model the statistics were computed under.", valueName: "model.json"))
        var model: String

        @Argument(help: ArgumentHelp("Statistics files, in the order of the data's parts.", valueName: "part"))
        var parts: [String]

        @Option(name: [.short, .long], help: "Where to write the next model.")
        var output: String

        func run() throws {
            try FileAccess.refuseOverwriting(inputs: [model] + parts, outputs: [output])
            let current = try SteppableModel.read(path: model)
            let (next, likelihood) = try current.maximization(try parts.map { ($0, try FileAccess.readAll($0)) })
            try FileAccess.writeAtomically(next, to: output)
            print("mean log-likelihood \(likelihood.logLikelihood / likelihood.sampleWeight) nats per sample over \(Format.count(likelihood.sampleWeight)) samples")
        }
    }
}
