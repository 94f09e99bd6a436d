import EMKit
import FuzzSupport

/// CSV in every dialect: the first byte picks the delimiter, the header rule, missing markers and
/// column choices; the rest is the file.
@_cdecl("FuzzCSV_main")
public func fuzzCSVMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzCSV(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard size >= 1 else { return 0 }
    let control = data[0]
    let bytes = FuzzInput.bytes(data + 1, size - 1)
    let delimiters: [UInt8?] = [nil, UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")]
    let headers: [Bool?] = [nil, true, false, nil]
    let columns: [[ColumnSelector]?] = [nil, [.position(1)], [.name("x"), .position(2)], [.position(2), .position(1)]]
    do {
        let table = try CSVReader.parse(
            bytes, path: "fuzz.csv", delimiter: delimiters[Int(control & 3)], hasHeader: headers[Int((control >> 2) & 3)],
            columns: columns[Int((control >> 4) & 3)],
            weightColumn: control & 0x40 != 0 ? .position(3) : nil,
            missingMarkers: control & 0x80 != 0 ? ["", "NA", "?"] : nil)
        FuzzInput.exercise(table.samples)
        _ = try? CSVReader.substituteFields(bytes, path: "fuzz.csv", format: CSVFormat(missingMarkers: ["", "NA"])) { _, _, _ in "0" }
    } catch {}
    return 0
}
