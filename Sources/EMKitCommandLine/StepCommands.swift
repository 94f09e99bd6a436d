import ArgumentParser
import EMKit

extension EMKitCommand {
    /// `emkit estep`: one E-step of a model on a part of the data, written as statistics.
    struct EStep: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "estep",
            abstract: "Compute the E-step statistics of a Gaussian mixture on one part of the data (for distributed fits).",
            discussion: """
                Writes the statistics of every chunk of the data, exactly (a binary EMKSTATS file). \
                Parts cut at multiples of --rows-per-chunk rows, given in order to 'emkit mstep', \
                give the same next model, bit for bit, as one process on the whole data.
                """)

        @OptionGroup var arguments: ModelDataArguments

        @Option(name: .long, help: "Rows per chunk; every part of one fit must use the same.")
        var rowsPerChunk = 512

        @Option(name: [.short, .long], help: "Where to write the statistics.")
        var output: String

        func validate() throws {
            guard rowsPerChunk >= 1, rowsPerChunk <= 1 << 24 else {
                throw ValidationError("--rows-per-chunk must be from 1 to \(1 << 24), got \(rowsPerChunk)")
            }
        }

        func run() throws {
            try FileAccess.refuseOverwriting(inputs: [arguments.model, arguments.data], outputs: [output])
            let file = try GaussianMixtureFile.read(path: arguments.model)
            let model = try file.mixture(path: arguments.model)
            let table = try arguments.dataOptions.read(arguments.data, columns: file.columns)
            let data = try RowDataset(table.samples, sampleWeights: table.sampleWeights, rowsPerChunk: rowsPerChunk)
            guard data.dimension == model.dimension else {
                throw EMError.dimensionMismatch(expected: model.dimension, actual: data.dimension)
            }
            let archive = try ChunkStatisticsArchive(expectationOf: model, on: data)
            try FileAccess.writeAtomically(archive.encoded(), to: output)
        }
    }

    /// `emkit mstep`: merges the statistics of every part and writes the next model.
    struct MStep: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mstep",
            abstract: "Merge E-step statistics from 'emkit estep' (in data order) and write the next Gaussian mixture.",
            discussion: "Prints the mean log-likelihood of the model the statistics were computed under.")

        @Argument(help: ArgumentHelp("The model the statistics were computed under.", valueName: "model.json"))
        var model: String

        @Argument(help: ArgumentHelp("Statistics files, in the order of the data's parts.", valueName: "part"))
        var parts: [String]

        @Option(name: [.short, .long], help: "Where to write the next model.")
        var output: String

        func run() throws {
            try FileAccess.refuseOverwriting(inputs: [model] + parts, outputs: [output])
            let file = try GaussianMixtureFile.read(path: model)
            let current = try file.mixture(path: model)
            var chunks: [ChunkStatisticsArchive<GaussianMixtureStatistics>.Chunk] = []
            for part in parts {
                do {
                    chunks += try ChunkStatisticsArchive<GaussianMixtureStatistics>(decoding: FileAccess.readAll(part)).chunks
                } catch let error as StatisticsArchiveError {
                    throw DataError.unreadable(path: part, reason: error.description)
                }
            }
            let empty = current.emptyStatistics()
            for chunk in chunks {
                let moments = chunk.statistics.moments
                guard moments.groupCount == current.componentCount, moments.dimension == current.dimension,
                    moments.scatterShape == empty.moments.scatterShape
                else {
                    throw ValidationError("the statistics are for another model than \(model): compute them with it")
                }
            }
            let (statistics, likelihood) = ChunkStatisticsArchive(chunks: chunks).merged(into: empty)
            guard likelihood.sampleWeight > 0 else { throw EMError.noSamples }
            let next = try current.maximized(from: statistics)
            try FileAccess.writeAtomically(try GaussianMixtureFile(next, columns: file.columns).encoded(), to: output)
            print("mean log-likelihood \(likelihood.logLikelihood / likelihood.sampleWeight) nats per sample over \(Format.count(likelihood.sampleWeight)) samples")
        }
    }
}
