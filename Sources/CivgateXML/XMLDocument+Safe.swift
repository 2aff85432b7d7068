internal import CXML2
import Foundation

/// An XML document parsed by libxml2 with network access off and entity substitution off, so a hostile
/// message cannot read files or reach the network (XXE) nor expand entities without bound.
public final class SafeXMLDocument: @unchecked Sendable {
    // @unchecked: the document is never mutated after parsing and is only read.
    let pointer: xmlDocPtr

    /// Why a document could not be parsed.
    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses `bytes`; throws `ParseError` with libxml2's first message when it is not well-formed.
    public init(bytes: [UInt8]) throws {
        LibXML.initialize()
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { base in
                xmlReadMemory(base, Int32(buffer.count), "message.xml", "UTF-8", options)
            }
        }
        guard let parsed else {
            // libxml2's parse messages can quote the document (entity names, undecodable bytes): keep
            // only where it failed.
            throw ParseError(
                description: "not well-formed XML" + (LibXML.lastErrorLine().map { " (line \($0))" } ?? ""))
        }
        if parsed.pointee.intSubset != nil {
            xmlFreeDoc(parsed)
            throw ParseError(description: "document type declarations are not accepted")
        }
        pointer = parsed
    }

    deinit {
        xmlFreeDoc(pointer)
    }

    /// The text of the first element matching `xpath` (namespace prefixes bound by `namespaces`).
    public func text(_ xpath: String, namespaces: [String: String]) -> String? {
        texts(xpath, namespaces: namespaces).first
    }

    /// The text of every node matching `xpath`, in document order.
    public func texts(_ xpath: String, namespaces: [String: String]) -> [String] {
        if let path = XMLElementPath(xpath, namespaces: namespaces) {
            return path.elements(in: pointer).compactMap(Self.content)
        }
        return xpathTexts(xpath, namespaces: namespaces)
    }

    /// `texts` through libxml2's XPath, whatever the expression.
    func xpathTexts(_ xpath: String, namespaces: [String: String]) -> [String] {
        guard let context = xmlXPathNewContext(pointer) else { return [] }
        defer { xmlXPathFreeContext(context) }
        for (prefix, uri) in namespaces {
            xmlXPathRegisterNs(context, prefix, uri)
        }
        guard let result = xmlXPathEvalExpression(xpath, context) else { return [] }
        defer { xmlXPathFreeObject(result) }
        guard let nodes = result.pointee.nodesetval, nodes.pointee.nodeNr > 0 else { return [] }
        return (0..<Int(nodes.pointee.nodeNr)).compactMap { index in
            nodes.pointee.nodeTab[index].flatMap(Self.content)
        }
    }

    /// The text content of `node` (of every text node under it, for an element).
    private static func content(_ node: xmlNodePtr) -> String? {
        guard let content = xmlNodeGetContent(node) else { return nil }
        defer { civgate_xml_free(content) }
        return String(cString: content)
    }
}
