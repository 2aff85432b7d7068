internal import CXML2
public import Foundation

/// Validates XML documents against an XSD with libxml2.
public final class XMLSchemaValidator: @unchecked Sendable {
    // @unchecked: libxml2 schemas are read-only after parsing; each validation uses its own context,
    // and a lock serialises validations because libxml2's error callbacks are process-global.
    private let schema: xmlSchemaPtr
    private let lock = NSLock()

    /// Why a schema or a document was refused.
    public struct ValidationError: Error, CustomStringConvertible, Sendable {
        /// libxml2's messages, one per problem (they name elements, never values from the document).
        public var messages: [String]
        public var description: String { messages.joined(separator: "; ") }
    }

    /// Loads the XSD at `url`.
    public init(schemaAt url: URL) throws {
        LibXML.initialize()
        guard let context = xmlSchemaNewParserCtxt(url.path) else {
            throw ValidationError(messages: ["cannot read schema \(url.lastPathComponent)"])
        }
        defer { xmlSchemaFreeParserCtxt(context) }
        guard let parsed = xmlSchemaParse(context) else {
            throw ValidationError(messages: ["schema \(url.lastPathComponent) is not a valid XSD"])
        }
        schema = parsed
    }

    deinit {
        xmlSchemaFree(schema)
    }

    /// Parses `bytes` safely and validates them; throws `ValidationError` listing each problem.
    @discardableResult
    public func validate(_ bytes: [UInt8]) throws -> SafeXMLDocument {
        let document: SafeXMLDocument
        do {
            document = try SafeXMLDocument(bytes: bytes)
        } catch {
            throw ValidationError(messages: ["\(error)"])
        }
        lock.lock()
        defer { lock.unlock() }
        guard let context = xmlSchemaNewValidCtxt(schema) else {
            throw ValidationError(messages: ["cannot create a validation context"])
        }
        defer { xmlSchemaFreeValidCtxt(context) }
        let collector = ErrorCollector()
        let box = Unmanaged.passUnretained(collector).toOpaque()
        xmlSchemaSetValidStructuredErrors(
            context,
            { userData, error in
                guard let userData, let error else { return }
                let collector = Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
                let message = error.pointee.message.map { String(cString: $0) } ?? "invalid"
                collector.messages.append("line \(error.pointee.line): \(redactValues(message))")
            }, box)
        let status = xmlSchemaValidateDoc(context, document.pointer)
        if status != 0 {
            throw ValidationError(
                messages: collector.messages.isEmpty ? ["invalid (code \(status))"] : collector.messages)
        }
        return document
    }
}

private final class ErrorCollector {
    var messages: [String] = []
}

/// libxml2 quotes offending values ("The value 'NGUYỄN…' is not accepted…", "'x' is not a valid value
/// of the atomic type…"); values may be personal data and may themselves contain quotes (H'HEN). Such
/// messages keep only the part naming the element and the rule; the others (an element not expected,
/// a missing child) name elements only and are kept whole.
func redactValues(_ message: String) -> String {
    let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
    if let value = text.range(of: "The value '") {
        return text[..<value.lowerBound] + "The value is not accepted."
    }
    if text.contains("is not a valid value of"), let elementEnd = text.range(of: "': ") {
        let type =
            text.range(of: "of the atomic type ").map {
                " (" + text[$0.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: ". ")) + ")"
            } ?? ""
        return text[..<elementEnd.upperBound] + "the value is not valid for its type" + type + "."
    }
    if text.contains("is not an element of the set"), let elementEnd = text.range(of: "': ") {
        return text[..<elementEnd.upperBound] + "the value is not one of the allowed values."
    }
    return text
}
