import ArgumentParser
import EMKit
import EMKitPlots

extension EMKitCommand {
    /// `emkit plot`: pictures of fitted Gaussian mixtures, as SVG files a browser shows.
    struct Plot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw fitted Gaussian mixtures as SVG: densities over histograms, contours over points, fit histories.",
            discussion: "'emkit select --plot FILE' draws the criterion against K.",
            subcommands: [Histogram.self, Scatter.self, History.self])
    }
}

/// What every plot writes.
struct PlotOutput: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp("The SVG file to write (atomically).", valueName: "plot.svg"))
    var output: String

    @Option(name: .long, help: "The plot's title (default: from the files).")
    var title: String?

    func write(_ svg: String) throws {
        try FileAccess.writeAtomically(Array(svg.utf8), to: output)
        Terminal.message("wrote \(output)")
    }
}

/// Loads a Gaussian mixture model and the data columns it was fitted on.
private func loadGaussian(_ arguments: ModelDataArguments) throws -> (GaussianMixture, NumericTable, [String]) {
    let file = try GaussianMixtureFile.read(path: arguments.model)
    let mixture = try file.mixture(path: arguments.model)
    let table = try arguments.dataOptions.read(arguments.data, columns: file.columns)
    guard table.samples.columnCount == mixture.dimension else {
        throw EMError.dimensionMismatch(expected: mixture.dimension, actual: table.samples.columnCount)
    }
    return (mixture, table, file.columns ?? table.columnNames)
}

/// The position of `column` (a name or a 1-based position) among `names`.
private func columnIndex(_ column: String, in names: [String]) throws -> Int {
    if let position = Int(column), position >= 1, position <= names.count { return position - 1 }
    guard let index = names.firstIndex(of: column) else {
        throw ValidationError("no column '\(column)'; the model's columns are \(names.joined(separator: ", "))")
    }
    return index
}

extension EMKitCommand.Plot {
    struct Histogram: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A histogram of one column with each component's weighted density and the mixture's (seed 003's Iris petal widths).")

        @OptionGroup var arguments: ModelDataArguments

        @Option(name: .long, help: ArgumentHelp("The column to draw (name or 1-based position among the model's columns).", valueName: "column"))
        var column: String = "1"

        @OptionGroup var plot: PlotOutput

        func run() throws {
            let (mixture, table, names) = try loadGaussian(arguments)
            let index = try columnIndex(column, in: names)
            let values = (0..<table.samples.rowCount).map { table.samples[$0, index] }
            guard !values.isEmpty else { throw EMError.noSamples }
            try plot.write(MixturePlots.histogram(
                values: values, mixture: mixture,
                title: plot.title ?? "\(names[index]): \(mixture.componentCount)-component Gaussian mixture", xLabel: names[index],
                column: index))
        }
    }

    struct Scatter: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Points coloured by component with the mixture's density contours, on two columns (seed 004's picture).")

        @OptionGroup var arguments: ModelDataArguments

        @Option(name: .customLong("axes"), help: ArgumentHelp("The two columns to draw, e.g. 3,4 or petal_length,petal_width (default: the first two).", valueName: "x,y"))
        var axes: String?

        @OptionGroup var plot: PlotOutput

        func run() throws {
            let (mixture, table, names) = try loadGaussian(arguments)
            guard mixture.dimension >= 2 else { throw ValidationError("a scatter plot needs two columns; use 'emkit plot histogram'") }
            let chosen = try (axes ?? "1,2").split(separator: ",").map { try columnIndex(String($0).trimmingCharacters(in: .whitespaces), in: names) }
            guard chosen.count == 2, chosen[0] != chosen[1] else { throw ValidationError("--axes takes two different columns, e.g. 1,2") }
            let labels = try mixture.predict(table.samples)
            try plot.write(MixturePlots.scatter(
                points: table.samples, labels: labels, mixture: mixture,
                title: plot.title ?? "\(mixture.componentCount)-component Gaussian mixture", xLabel: names[chosen[0]],
                yLabel: names[chosen[1]], columns: (chosen[0], chosen[1])))
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The mean log-likelihood against iteration, from a model file's fit record.")

        @Argument(help: ArgumentHelp("A model file written by 'emkit fit' or 'emkit hmm fit'.", valueName: "model.json"))
        var model: String

        @OptionGroup var plot: PlotOutput

        func run() throws {
            struct Record: Decodable {
                struct Fit: Decodable { var history: [Double] }
                var fit: Fit?
            }
            let record = try ModelFileDecoding.decode(Record.self, path: model)
            guard let history = record.fit?.history, !history.isEmpty else {
                throw DataError.invalidModelFile(path: model, reason: "no fit history: the model was not written by a fit")
            }
            try plot.write(MixturePlots.logLikelihoodHistory(history: history, title: plot.title ?? "EM iterations of \(model)"))
        }
    }
}
