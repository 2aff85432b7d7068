internal import CXML2

/// An absolute path of element steps (`/dc:KetQua/dc:TrangThai`, `*` for any element), matched by walking
/// the tree instead of compiling an XPath expression: the mock and the adapters read a handful of such
/// paths from every message, and XPath's compile and context set-up were a third of the mock's work.
struct XMLElementPath {
    private enum Step {
        case any
        /// A local name in a namespace (nil: no namespace, as an unprefixed XPath name test).
        case element(local: [UInt8], namespace: [UInt8]?)
    }

    private let steps: [Step]

    /// The path, or nil when `xpath` is anything but `/step/step/...` of names and `*` (predicates, axes,
    /// functions, attributes, `//`): those go to libxml2's XPath.
    init?(_ xpath: String, namespaces: [String: String]) {
        guard xpath.hasPrefix("/"), !xpath.hasPrefix("//") else { return nil }
        var steps: [Step] = []
        for part in xpath.utf8.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if part.elementsEqual("*".utf8) {
                steps.append(.any)
                continue
            }
            guard !part.isEmpty, part.allSatisfy(Self.isNameByte) else { return nil }
            let pieces = part.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            switch pieces.count {
            case 1:
                steps.append(.element(local: Array(pieces[0]), namespace: nil))
            case 2:
                guard let uri = namespaces[String(decoding: pieces[0], as: UTF8.self)], !pieces[1].isEmpty else {
                    return nil
                }
                steps.append(.element(local: Array(pieces[1]), namespace: Array(uri.utf8)))
            default:
                return nil
            }
        }
        self.steps = steps
    }

    /// The matching elements under `document`, in document order.
    func elements(in document: xmlDocPtr) -> [xmlNodePtr] {
        var found: [xmlNodePtr] = []
        collect(from: document.pointee.children, step: 0, into: &found)
        return found
    }

    private func collect(from first: xmlNodePtr?, step: Int, into found: inout [xmlNodePtr]) {
        var node = first
        while let current = node {
            if current.pointee.type == XML_ELEMENT_NODE, matches(current, steps[step]) {
                if step == steps.count - 1 {
                    found.append(current)
                } else {
                    collect(from: current.pointee.children, step: step + 1, into: &found)
                }
            }
            node = current.pointee.next
        }
    }

    private func matches(_ node: xmlNodePtr, _ step: Step) -> Bool {
        switch step {
        case .any:
            return true
        case .element(let local, let namespace):
            guard let name = node.pointee.name, Self.equal(name, local) else { return false }
            guard let namespace else { return node.pointee.ns == nil }
            guard let href = node.pointee.ns?.pointee.href else { return false }
            return Self.equal(href, namespace)
        }
    }

    /// Whether the NUL-terminated `text` is exactly `bytes` (compared in place: this runs for every element
    /// a path visits).
    private static func equal(_ text: UnsafePointer<xmlChar>, _ bytes: [UInt8]) -> Bool {
        for (index, byte) in bytes.enumerated() where text[index] != byte { return false }
        return text[bytes.count] == 0
    }

    /// Letters, digits, `-`, `_`, `.`, `:` and any non-ASCII byte (names in other scripts).
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: ":"), 0x80...0xFF:
            return true
        default:
            return false
        }
    }
}
