/// Writes indented XML with every text and attribute escaped.
///
/// Every population message goes through here, so it appends in place and escapes on UTF-8 bytes:
/// iterating `Character`s (grapheme clusters, with Vietnamese combining marks) and building a string per
/// element was most of building a message.
struct XMLWriter {
    private(set) var output = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var depth = 0
    private let prefix: String

    init(prefix: String) {
        self.prefix = prefix
    }

    /// Opens an element; `attributes` keep their order.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        startTag(name, attributes)
        output += ">\n"
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        appendIndent()
        endTag(name)
    }

    /// An element holding text; nothing is written when `text` is nil or empty (absent, not blank).
    mutating func leaf(_ name: String, _ text: String?, _ attributes: [(String, String)] = []) {
        guard let text, !text.isEmpty else { return }
        startTag(name, attributes)
        output += ">"
        output += Self.escape(text)
        endTag(name)
    }

    /// Opens the root element with its namespace declaration.
    mutating func root(_ name: String, namespace: String, _ attributes: [(String, String)]) {
        open(name, [("xmlns:\(prefix)", namespace)] + attributes)
    }

    /// `<prefix:name attributes`, indented, without the closing `>`.
    private mutating func startTag(_ name: String, _ attributes: [(String, String)]) {
        appendIndent()
        output += "<"
        output += prefix
        output += ":"
        output += name
        for (attribute, value) in attributes {
            output += " "
            output += attribute
            output += "=\""
            output += Self.escape(value)
            output += "\""
        }
    }

    /// `</prefix:name>` and the line's end.
    private mutating func endTag(_ name: String) {
        output += "</"
        output += prefix
        output += ":"
        output += name
        output += ">\n"
    }

    private mutating func appendIndent() {
        for _ in 0..<depth { output += "  " }
    }

    static func escape(_ text: String) -> String {
        // Most text has nothing to escape. The five characters are ASCII, and no byte of a multi-byte
        // UTF-8 sequence is ASCII, so bytes can be tested and copied as they are.
        guard text.utf8.contains(where: { Self.replacement(for: $0) != nil }) else { return text }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            if let replacement = Self.replacement(for: byte) {
                replacement.withUTF8Buffer { escaped.append(contentsOf: $0) }
            } else {
                escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    private static func replacement(for byte: UInt8) -> StaticString? {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): "&gt;"
        case UInt8(ascii: "\""): "&quot;"
        case UInt8(ascii: "'"): "&apos;"
        default: nil
        }
    }
}
