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
        xmlSchemaSetValidStructuredErrors(context, { userData, error in
            guard let userData, let error else { return }
            let collector = Unmanaged<ErrorCollector>.fromOpaque(userData).takeUnretainedValue()
            let message = error.pointee.message.map { String(cString: $0) } ?? "invalid"
            collector.messages.append("line \(error.pointee.line): \(redactValues(message))")
        }, box)
        let status = xmlSchemaValidateDoc(context, document.pointer)
        if status != 0 {
            throw ValidationError(messages: collector.messages.isEmpty ? ["invalid (code \(status))"] : collector.messages)
        }
        return document
    }
}

private final class ErrorCollector {
    var messages: [String] = []
}

/// libxml2 quotes offending values ("The value 'NGUYỄN…' is not accepted"); values may be personal data.
/// Quoted element names (`'{ns}Ten'`), types (`'xs:date'`) and facet names stay; every other quoted
/// run becomes `'…'`.
func redactValues(_ message: String) -> String {
    let parts = message.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "'", omittingEmptySubsequences: false)
    var output = ""
    for (index, part) in parts.enumerated() {
        if index > 0 { output.append("'") }
        let quoted = index % 2 == 1 && index < parts.count - 1
        let before = index > 0 ? parts[index - 1] : ""
        let safe = part.hasPrefix("{") || part.hasPrefix("xs:") || before.hasSuffix("facet ")
        output.append(quoted && !safe ? "…" : String(part))
    }
    return output
}
