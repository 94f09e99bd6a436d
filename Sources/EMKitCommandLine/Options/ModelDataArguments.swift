import ArgumentParser
import EMKit

/// A model file and a data file to apply it to: shared by `predict` and `score`.
struct ModelDataArguments: ParsableArguments {
    @Argument(help: ArgumentHelp("A model file written by 'emkit fit'.", valueName: "model.json"))
    var model: String

    @Argument(help: ArgumentHelp("The data: a CSV or .npy file, or - for CSV on standard input.", valueName: "data"))
    var data: String

    @OptionGroup var dataOptions: DataOptions

    /// Gaussian mixtures marginalise missing values out of each row, as `fit` does.
    @OptionGroup var missing: MissingValueOptions

    /// The checked model and the data's columns it applies to; for a Gaussian mixture, missing
    /// values are read as NaN (the other families need complete rows).
    func load() throws -> (model: LoadedModel, table: NumericTable) {
        let loaded = try LoadedModel.read(path: model)
        let markers = loaded.marginalisesMissingValues ? missing.markers : nil
        return (loaded, try dataOptions.read(data, columns: loaded.columns, missingMarkers: markers))
    }
}
