import ArgumentParser
import EMKit
import Foundation

/// The numeric precision the data are kept in while fitting.
enum Precision: String, ExpressibleByArgument, CaseIterable {
    case double, float
}

/// A byte count written as `1000000`, `512K`, `300M` or `2G` (powers of 1024).
struct ByteCount: ExpressibleByArgument {
    var bytes: Int

    init?(argument: String) {
        let text = argument.uppercased().replacingOccurrences(of: "IB", with: "").replacingOccurrences(of: "B", with: "")
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var multiplier = 1
        var digits = Substring(text)
        if let last = text.last, let unit = units[last] {
            multiplier = unit
            digits = digits.dropLast()
        }
        // At most 2⁶⁰ bytes (an exbibyte): larger values are typos, and would overflow Int.
        guard let value = Double(digits), value > 0, value * Double(multiplier) <= Double(1 << 60) else { return nil }
        bytes = Int(value * Double(multiplier))
    }
}

/// A data set opened for fitting, with what must be cleaned up afterwards.
struct OpenedData {
    var dataset: RowDataset
    var columnNames: [String]
    var description: String
    private var temporaryFile: String?

    init(dataset: RowDataset, columnNames: [String], description: String, temporaryFile: String? = nil) {
        self.dataset = dataset
        self.columnNames = columnNames
        self.description = description
        self.temporaryFile = temporaryFile
    }

    /// Removes the temporary copy of a streamed CSV file, if any.
    func close() {
        if let temporaryFile {
            try? FileManager.default.removeItem(atPath: temporaryFile)
            TemporaryFiles.untrack(temporaryFile)
        }
    }
}

extension DataOptions {
    /// Opens `path` for fitting: a `.npy` file is memory-mapped, or streamed when it is larger than
    /// `maxMemory`; a CSV file is read into memory, or, when larger than `maxMemory`, converted
    /// once into a temporary binary file that is streamed each iteration. `.float` keeps the rows
    /// as 32-bit floats.
    func open(
        _ path: String, weightColumn: String?, precision: Precision, maxMemory: Int?, missingMarkers: Set<String>? = nil,
        columnLimit: (count: Int, reason: String)? = nil
    ) throws -> OpenedData {
        let missing: RowDataset.MissingValues = missingMarkers == nil ? .rejected : .allowed
        if path.lowercased().hasSuffix(".npy") {
            if weightColumn != nil {
                throw ValidationError("--weights needs a CSV file with a weight column; .npy files hold only samples")
            }
            let probe = try NumpyFile(path: path, access: .streamed)
            let tooLarge = maxMemory.map { probe.header.dataByteCount > $0 } ?? false
            if columnSelectors != nil || (precision == .float && probe.header.scalar == .float64 && !tooLarge) {
                if tooLarge { throw ValidationError("--columns cannot be combined with a .npy file larger than --max-memory") }
                let table = try read(path, missingMarkers: missingMarkers)
                let source: any RowSource = precision == .float ? Float32Rows(table.samples) : table.samples
                return OpenedData(
                    dataset: try RowDataset(source: source, missingValues: missing), columnNames: table.columnNames, description: path)
            }
            let file = tooLarge ? probe : try NumpyFile(path: path, access: .mapped)
            return OpenedData(
                dataset: try RowDataset(source: file, missingValues: missing),
                columnNames: (1...file.columnCount).map { "column\($0)" },
                description: path + (tooLarge ? " (streamed)" : ""))
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if let maxMemory, let size, size > maxMemory, path != "-" {
            let temporary = FileManager.default.temporaryDirectory
                .appendingPathComponent("emkit-stream-\(UUID().uuidString).npy").path
            TemporaryFiles.track(temporary)
            do {
                let format = CSVFormat(
                    delimiter: delimiter?.byte, hasHeader: header, columns: columnSelectors,
                    weightColumn: weightColumn.map(ColumnSelector.init), missingMarkers: missingMarkers, columnLimit: columnLimit)
                let converted = try CSVReader.convertToNumpy(path: path, format: format, destination: temporary)
                let file = try NumpyFile(path: temporary, access: .streamed)
                return OpenedData(
                    dataset: try RowDataset(source: file, sampleWeights: converted.sampleWeights, missingValues: missing),
                    columnNames: converted.columnNames, description: path + " (streamed)", temporaryFile: temporary)
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                TemporaryFiles.untrack(temporary)
                throw error
            }
        }
        let table = try read(path, weightColumn: weightColumn, missingMarkers: missingMarkers, columnLimit: columnLimit)
        let source: any RowSource = precision == .float ? Float32Rows(table.samples) : table.samples
        return OpenedData(
            dataset: try RowDataset(source: source, sampleWeights: table.sampleWeights, missingValues: missing),
            columnNames: table.columnNames, description: path)
    }
}
