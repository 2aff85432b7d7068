/// Writes indented XML with every text and attribute escaped.
struct XMLWriter {
    private(set) var output = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var depth = 0
    private let prefix: String

    init(prefix: String) {
        self.prefix = prefix
    }

    /// Opens an element; `attributes` keep their order.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        output += indent + "<\(prefix):\(name)\(render(attributes))>\n"
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        output += indent + "</\(prefix):\(name)>\n"
    }

    /// An element holding text; nothing is written when `text` is nil or empty (absent, not blank).
    mutating func leaf(_ name: String, _ text: String?, _ attributes: [(String, String)] = []) {
        guard let text, !text.isEmpty else { return }
        output += indent + "<\(prefix):\(name)\(render(attributes))>\(Self.escape(text))</\(prefix):\(name)>\n"
    }

    /// Opens the root element with its namespace declaration.
    mutating func root(_ name: String, namespace: String, _ attributes: [(String, String)]) {
        open(name, [("xmlns:\(prefix)", namespace)] + attributes)
    }

    private var indent: String { String(repeating: "  ", count: depth) }

    private func render(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(Self.escape($0.1))\"" }.joined()
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
