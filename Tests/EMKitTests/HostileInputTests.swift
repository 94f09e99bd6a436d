import Foundation
import Testing

@testable import EMKit

/// Input that used to trap or destroy files gets a clear message and an exit below 128.
@Suite("Hostile input", .serialized)
struct HostileInputTests {
    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("values too large to square are refused, naming the row and column")
    func hugeValues() throws {
        let input = "x,y\n1,2\n3,1e200\n2,2\n5,1\n"
        for command in [["fit", "-", "-k", "2"], ["fit", "-", "-k", "2", "--model", "poisson"], ["impute", "-"]] {
            let result = try CommandRunner.run(command, input: input)
            #expect(result.status == 1, "\(command): \(result.standardError)")
            #expect(result.standardError.contains("row 2, column 2 is 1e+200: values beyond ±1e100 overflow"), "\(command): \(result.standardError)")
        }
        #expect(throws: EMError.valueTooLarge(row: 0, column: 0, value: -1e101)) { try RowDataset(Matrix(rows: [[-1e101]])) }
        _ = try RowDataset(Matrix(rows: [[1e100]]))
    }

    @Test("chosen columns that share a name are refused")
    func duplicateColumns() throws {
        let input = "a,b,a\n1,2,3\n2,,4\n3,4,5\n4,5,6\n"
        let result = try CommandRunner.run(["impute", "-"], input: input)
        #expect(result.status == 1)
        #expect(result.standardError.contains("columns 1 and 3 are both named 'a'"), "\(result.standardError)")
        // Leaving one of them out works.
        let chosen = try CommandRunner.run(["impute", "-", "--columns", "1,2"], input: input)
        #expect(chosen.status == 0, "\(chosen.standardError)")
    }

    @Test("an output that is an input is refused, and the input survives")
    func outputIsInput() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data.csv").path
        let original = "x,y\n1,2\n2,\n3,4\n4,5\n5,7\n"
        try Data(original.utf8).write(to: URL(fileURLWithPath: data))
        let link = directory.appendingPathComponent("link.csv").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: data)
        for command in [["fit", data, "-k", "1", "-o", data], ["impute", data, "-o", link], ["select", data, "-k", "1...2", "-o", data]] {
            let result = try CommandRunner.run(command)
            #expect(result.status == 1, "\(command)")
            #expect(result.standardError.contains("is also an input of this command"), "\(command): \(result.standardError)")
            #expect(try String(contentsOfFile: data, encoding: .utf8) == original)
        }
    }

    @Test("a sequence length beyond the data is an error, not an overflow")
    func hugeLength() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lengths = directory.appendingPathComponent("lengths.txt").path
        try Data("9223372036854775807\n9223372036854775807\n".utf8).write(to: URL(fileURLWithPath: lengths))
        let result = try CommandRunner.run(["hmm", "fit", "-", "--states", "2", "--lengths", lengths], input: "x\n1\n2\n3\n4\n")
        #expect(result.status == 1, "\(result.standardError)")
        #expect(result.standardError.contains("lengths that add up to the 4 rows"), "\(result.standardError)")
    }
}
