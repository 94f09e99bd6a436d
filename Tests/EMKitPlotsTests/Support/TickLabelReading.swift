/// The number a tick label shows (typographic minus signs read as ASCII ones), or `nil`.
func numericValue(ofTickLabel label: String) -> Double? {
    Double(label.replacingOccurrences(of: "\u{2212}", with: "-"))
}
