import Foundation
import Testing

@testable import CivgateXML

/// Simple paths (`/dc:A/dc:B`, `*`) are matched by walking the tree rather than by libxml2's XPath; both
/// must find the same texts in the same order, on every golden message and on documents built to trip a
/// tree walk (repeated siblings, the same name at several depths, other and default namespaces).
@Suite("XML: simple paths match as XPath does")
struct XMLElementPathTests {
    static let namespaces = ["dc": "http://www.mic.gov.vn/dancu/1.0", "o": "urn:other"]

    static let builtDocuments = [
        #"<dc:R xmlns:dc="http://www.mic.gov.vn/dancu/1.0"><dc:A>1</dc:A><dc:A>2<dc:A>3</dc:A></dc:A><dc:B><dc:A>4</dc:A></dc:B></dc:R>"#,
        #"<R xmlns="http://www.mic.gov.vn/dancu/1.0"><A>default namespace</A><A xmlns="">none</A></R>"#,
        #"<dc:R xmlns:dc="http://www.mic.gov.vn/dancu/1.0" xmlns:o="urn:other"><o:A>other</o:A><dc:A>mine<!-- c --> <![CDATA[x]]></dc:A></dc:R>"#,
        #"<R><A>no namespace</A><A/><B><A>deep</A></B></R>"#,
    ]

    @Test("every element path of every golden population message, and its wildcard form")
    func goldenMessages() throws {
        let folder = TestPaths.golden.appendingPathComponent("population")
        let files = try #require(FileManager.default.enumerator(atPath: folder.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".xml") }
        #expect(files.count >= 10)
        for file in files {
            let bytes = try Array(Data(contentsOf: folder.appendingPathComponent(file)))
            let document = try SafeXMLDocument(bytes: bytes)
            let paths = Self.elementPaths(String(decoding: bytes, as: UTF8.self))
            #expect(paths.count > 5, "\(file)")
            for path in paths + paths.map(Self.wildcardLast) + ["/dc:Nothing", "/o:KetQua"] {
                let walked = document.texts(path, namespaces: Self.namespaces)
                #expect(walked == document.xpathTexts(path, namespaces: Self.namespaces), "\(file): \(path)")
            }
        }
    }

    @Test("documents built to trip a tree walk", arguments: builtDocuments)
    func builtDocument(_ text: String) throws {
        let document = try SafeXMLDocument(bytes: Array(text.utf8))
        let paths = [
            "/dc:R/dc:A", "/dc:R/dc:A/dc:A", "/dc:R/*/dc:A", "/dc:R/*", "/*/*", "/*", "/dc:R/o:A", "/R/A", "/R/*/A",
            "/R", "/*/A", "/dc:R/dc:B/dc:A",
        ]
        var found = 0
        for path in paths {
            let walked = document.texts(path, namespaces: Self.namespaces)
            #expect(walked == document.xpathTexts(path, namespaces: Self.namespaces), "\(path)")
            found += walked.count
        }
        #expect(found > 0)
    }

    @Test("other expressions still go to XPath")
    func otherExpressions() throws {
        let document = try SafeXMLDocument(bytes: Array(Self.builtDocuments[0].utf8))
        #expect(document.texts("//dc:A", namespaces: Self.namespaces) == ["1", "23", "3", "4"])
        #expect(document.texts("/dc:R/dc:A[2]/dc:A", namespaces: Self.namespaces) == ["3"])
        #expect(document.texts("count(/dc:R/dc:A)", namespaces: Self.namespaces) == [])
        #expect(document.texts("/x:R", namespaces: Self.namespaces) == [])
    }

    /// `/a:B/a:C` for every element, from its tags (golden messages are written without a default namespace).
    static func elementPaths(_ xml: String) -> [String] {
        var stack: [String] = []
        var paths: [String] = []
        let tags = try! Regex(#"<(/?)([A-Za-z_][\w.:-]*)[^>]*?(/?)>"#)
        for match in xml.matches(of: tags) {
            let closing = match.output[1].substring == "/"
            let name = String(match.output[2].substring ?? "")
            let empty = match.output[3].substring == "/"
            if closing {
                stack.removeLast()
                continue
            }
            stack.append(name)
            paths.append("/" + stack.joined(separator: "/"))
            if empty { stack.removeLast() }
        }
        return Array(Set(paths)).sorted()
    }

    static func wildcardLast(_ path: String) -> String {
        path.split(separator: "/").dropLast().map { "/" + $0 }.joined() + "/*"
    }
}
