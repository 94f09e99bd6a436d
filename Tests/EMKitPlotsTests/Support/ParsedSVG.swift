import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG document parsed by Foundation's `XMLParser`: every element in document order with its
/// attributes, text and the classes of the groups around it. Parsing fails on XML that is not
/// well-formed, which is the first thing every plot test checks.
struct ParsedSVG {
    /// One element of the document.
    struct Element {
        /// The element name (`circle`, `text`, …).
        let name: String
        /// The attributes.
        let attributes: [String: String]
        /// The character data directly inside the element, entities resolved.
        var text: String
        /// The `class` attributes of the enclosing `<g>` elements, outermost first.
        let groupClasses: [String]
    }

    /// The elements in document order.
    let elements: [Element]

    /// Parses `markup`; `nil` (with the parser's error) when it is not well-formed XML.
    /// FoundationXML's parser (libxml2 underneath) is not safe to use from several threads at
    /// once on Linux, and Swift Testing runs suites in parallel: parses take turns.
    private static let parserLock = NSLock()

    static func parse(_ markup: String) -> Result<ParsedSVG, ParseFailure> {
        parserLock.lock()
        defer { parserLock.unlock() }
        let collector = ElementCollector()
        let parser = XMLParser(data: Data(markup.utf8))
        parser.delegate = collector
        guard parser.parse() else {
            return .failure(ParseFailure(description: parser.parserError.map { "\($0)" } ?? "unknown XML error"))
        }
        return .success(ParsedSVG(elements: collector.elements))
    }

    /// Why a document did not parse.
    struct ParseFailure: Error, CustomStringConvertible {
        /// The parser's error.
        let description: String
    }

    /// The elements named `name`, optionally only those inside a group of class `groupClass`.
    func elements(named name: String, inGroup groupClass: String? = nil) -> [Element] {
        elements.filter { $0.name == name && (groupClass.map($0.groupClasses.contains) ?? true) }
    }

    /// The text of every `<text>` element, optionally only inside a group of class `groupClass`.
    func texts(inGroup groupClass: String? = nil) -> [String] {
        elements(named: "text", inGroup: groupClass).map(\.text)
    }

    /// The root element's attributes.
    var rootAttributes: [String: String] { elements.first?.attributes ?? [:] }
}

/// The `XMLParserDelegate` that records elements for `ParsedSVG`.
private final class ElementCollector: NSObject, XMLParserDelegate {
    var elements: [ParsedSVG.Element] = []
    private var openElements: [(index: Int, groupClass: String?)] = []

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        let classes = openElements.compactMap(\.groupClass)
        elements.append(ParsedSVG.Element(name: elementName, attributes: attributes, text: "", groupClasses: classes))
        openElements.append((elements.count - 1, elementName == "g" ? attributes["class"] : nil))
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        openElements.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard let index = openElements.last?.index else { return }
        elements[index].text += string
    }
}
