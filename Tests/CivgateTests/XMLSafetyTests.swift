import CivgateContracts
import CivgateModel
import CivgateXML
import Foundation
import PopulationAdapter
import Testing

/// Proves that civgate's XML handling is safe against hostile or broken input: `SafeXMLDocument` refuses
/// any document type declaration (external entities/XXE, entity expansion bombs, external DTDs) and
/// never returns a file's content; and `XMLSchemaValidator`'s messages name the offending element but
/// never the offending value (values are personal data, and the mock echoes these messages back).
@Suite("XML safety")
struct XMLSafetyTests {
    static let namespaces = ["dc": "http://www.mic.gov.vn/dancu/1.0"]

    /// Text that only the content of /etc/passwd would put into a message.
    static let passwdMarkers = ["root:", "/bin/", "nologin"]

    static let hostileDocuments: [String] = [
        // XXE: an external entity pointing at a local file.
        #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#,
        // The same inside a reply the adapter reads.
        #"<?xml version="1.0"?><!DOCTYPE dc:KetQua [<!ENTITY e SYSTEM "file:///etc/passwd">]><dc:KetQua xmlns:dc="http://www.mic.gov.vn/dancu/1.0"><dc:MaYeuCau>k</dc:MaYeuCau><dc:TrangThai>DA_CAP</dc:TrangThai><dc:SoDinhDanh>&e;</dc:SoDinhDanh><dc:MoTa>&e;</dc:MoTa></dc:KetQua>"#,
        // Parameter entity fetching an external DTD.
        #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><x/>"#,
        // External DTD over the network.
        #"<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://127.0.0.1:9/evil.dtd"><x/>"#,
        // Entity expansion bomb ("billion laughs").
        #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><x>&d;&d;&d;&d;</x>"#,
        // A harmless-looking internal subset is refused too.
        #"<?xml version="1.0"?><!DOCTYPE x []><x>1</x>"#,
    ]

    @Test("a document with a DOCTYPE is refused, and the refusal carries no file content", arguments: hostileDocuments)
    func refusesDoctype(document: String) {
        do {
            let parsed = try SafeXMLDocument(bytes: Array(document.utf8))
            Issue.record("parsed a document with a DOCTYPE; x = \(parsed.texts("//*", namespaces: [:]))")
        } catch {
            let message = "\(error)"
            #expect(error is SafeXMLDocument.ParseError)
            #expect(!Self.passwdMarkers.contains { message.contains($0) }, "\(message)")
        }
    }

    @Test("the XSD validator refuses the XXE document without reading the file")
    func validatorRefusesXXE() throws {
        let validator = try XMLSchemaValidator(schemaAt: ContractFiles.url(ContractFiles.populationSchemaPath))
        do {
            try validator.validate(Array(Self.hostileDocuments[1].utf8))
            Issue.record("validated a document with an external entity")
        } catch let error as XMLSchemaValidator.ValidationError {
            #expect(!error.messages.isEmpty)
            #expect(!Self.passwdMarkers.contains { error.description.contains($0) }, "\(error)")
        }
    }

    @Test("a reply carrying an external entity is never a success and never shows the file")
    func adapterIgnoresXXEReply() throws {
        let record = try TestIntake.accept(fileAt: TestIntake.sample("KS-2026-000000003.json"), with: TestIntake.make())
            .record
        let job = DeliveryJob(
            deliveryID: "dlv_test", record: record, operation: "assign-pin", outboundKey: "cg1-xxe-key-0001", attempt: 1
        )
        for status in [200, 400, 409] {
            let outcome = PopulationAdapter().classify(
                DestinationReply(status: status, headers: [:], body: Array(Self.hostileDocuments[1].utf8)), for: job)
            if case .success = outcome { Issue.record("status \(status): success from a hostile reply: \(outcome)") }
            #expect(!Self.passwdMarkers.contains { "\(outcome)".contains($0) }, "status \(status): \(outcome)")
        }
    }

    @Test("ordinary documents parse, and malformed ones throw ParseError")
    func parsesOrdinaryDocuments() throws {
        let document = try SafeXMLDocument(
            bytes: Array(
                #"<?xml version="1.0" encoding="UTF-8"?><dc:KetQua xmlns:dc="http://www.mic.gov.vn/dancu/1.0"><dc:MoTa>H'ĔN &amp; Ê&#x306;</dc:MoTa></dc:KetQua>"#
                    .utf8))
        let text = try #require(document.text("/dc:KetQua/dc:MoTa", namespaces: Self.namespaces))
        #expect(text.unicodeScalars.map(\.value) == [0x48, 0x27, 0x114, 0x4E, 0x20, 0x26, 0x20, 0xCA, 0x306])
        for broken in ["", "<a>", "<a></b>", "plain text", "<a>\u{0}</a>"] {
            #expect(throws: SafeXMLDocument.ParseError.self, "\(broken.debugDescription)") {
                try SafeXMLDocument(bytes: Array(broken.utf8))
            }
        }
    }

    // MARK: validator messages

    /// The assign-pin message for fixture child-with-pin (every optional element present), as text.
    static func baseMessage() throws -> String {
        let record = try TestIntake.accept(
            fileAt: TestIntake.fixture("valid", "child-with-pin.json"), with: TestIntake.make()
        ).record
        let job = DeliveryJob(
            deliveryID: "dlv_test", record: record, operation: "assign-pin", outboundKey: "cg1-leak-key-0001",
            attempt: 1)
        guard case .send(let request) = PopulationAdapter().prepare(job) else { throw NotSent(detail: "not sent") }
        return String(decoding: request.body, as: UTF8.self)
    }

    /// The base message with `replacements` applied; each must match.
    static func message(_ replacements: [(String, String)]) throws -> [UInt8] {
        var text = try baseMessage()
        for (from, to) in replacements {
            guard text.contains(from) else { throw NotSent(detail: "the message no longer contains \(from)") }
            text = text.replacingOccurrences(of: from, with: to)
        }
        return Array(text.utf8)
    }

    /// The assign-pin message for fixture child-with-pin with the child's PIN and full name replaced.
    static func message(childPin: String, childName: String) throws -> [UInt8] {
        try message([
            ("<dc:SoDinhDanh>001226123456</dc:SoDinhDanh>", "<dc:SoDinhDanh>\(childPin)</dc:SoDinhDanh>"),
            ("<dc:DayDu>DƯƠNG GIA LONG</dc:DayDu>", "<dc:DayDu>\(childName)</dc:DayDu>"),
        ])
    }

    struct NotSent: Error, CustomStringConvertible {
        var detail: String
        var description: String { detail }
    }

    static func validationMessages(_ body: [UInt8]) throws -> [String] {
        let validator = try XMLSchemaValidator(schemaAt: ContractFiles.url(ContractFiles.populationSchemaPath))
        do {
            try validator.validate(body)
            return []
        } catch let error as XMLSchemaValidator.ValidationError {
            return error.messages
        }
    }

    @Test("validator messages name the elements but not a bad PIN or a too-long name")
    func messagesCarryNoValues() throws {
        let longName = "NGUYỄN THỊ " + String(repeating: "XUÂN ", count: 40) + "MAI"
        #expect(longName.unicodeScalars.count > 200)
        let messages = try Self.validationMessages(Self.message(childPin: "12345abcdefg", childName: longName))
        #expect(messages.count >= 2, "\(messages)")
        #expect(messages.contains { $0.contains("SoDinhDanh") }, "\(messages)")
        #expect(messages.contains { $0.contains("DayDu") }, "\(messages)")
        for message in messages {
            for value in ["12345abcdefg", "abcdefg", "12345", "NGUYỄN", "XUÂN", "MAI"] {
                #expect(!message.contains(value), "message echoes \(value): \(message)")
            }
        }
    }

    // Regression: Ê Đê and Mnông names carry apostrophes (H'HEN). `redactValues` used to split libxml2's
    // message on "'", so such a value shifted the quoting and the rest of it was printed in clear; the
    // mock echoes the message in MoTa and the adapter stores it as the dead letter's reason.
    @Test("a value containing an apostrophe is redacted too")
    func apostropheValueRedacted() throws {
        let messages = try Self.validationMessages(
            Self.message(childPin: "H'HEN-ÊBAN-0123", childName: "DƯƠNG GIA LONG"))
        #expect(messages.contains { $0.contains("SoDinhDanh") }, "\(messages)")
        for message in messages {
            for value in ["HEN", "ÊBAN", "0123"] {
                #expect(!message.contains(value), "message echoes \(value): \(message)")
            }
        }
    }

    /// A value that looks like personal data and defeats naive quote-based redaction: an apostrophe,
    /// braces (as libxml2 puts around namespaces) and an `xs:` prefix (as in type names).
    static let marker = "H'NGUYỄN {VĂN} xs:AN"

    /// One way to break the contract with `marker`, and the element the message must still name.
    struct Mutation: Sendable, CustomTestStringConvertible {
        var rule: String
        var from: String
        var to: String
        var element: String
        var testDescription: String { rule }
    }

    static let mutations: [Mutation] = [
        .init(
            rule: "pattern", from: "<dc:SoDinhDanh>001226123456</dc:SoDinhDanh>",
            to: "<dc:SoDinhDanh>\(marker)</dc:SoDinhDanh>", element: "SoDinhDanh"),
        .init(
            rule: "pattern of the outbound key", from: "<dc:MaYeuCau>cg1-leak-key-0001</dc:MaYeuCau>",
            to: "<dc:MaYeuCau>\(marker)</dc:MaYeuCau>", element: "MaYeuCau"),
        .init(
            rule: "xs:date", from: "<dc:NgayDangKy>2026-10-12</dc:NgayDangKy>",
            to: "<dc:NgayDangKy>\(marker)</dc:NgayDangKy>", element: "NgayDangKy"),
        .init(
            rule: "enumeration", from: "<dc:GioiTinh>1</dc:GioiTinh>", to: "<dc:GioiTinh>\(marker)</dc:GioiTinh>",
            element: "GioiTinh"),
        .init(
            rule: "attribute enumeration", from: "HeThongMa=\"QD19-2025\">00008", to: "HeThongMa=\"\(marker)\">00008",
            element: "MaDonViHanhChinh"),
        .init(
            rule: "xs:boolean", from: "</dc:MaYeuCau>",
            to: "</dc:MaYeuCau><dc:XacNhanSinhDoi>\(marker)</dc:XacNhanSinhDoi>", element: "XacNhanSinhDoi"),
        .init(
            rule: "fixed attribute", from: "PhienBan=\"1.0\"", to: "PhienBan=\"\(marker)\"",
            element: "YeuCauCapSoDinhDanh"),
        .init(
            rule: "xs:positiveInteger attribute", from: "PhienBan=\"1\">KS-", to: "PhienBan=\"\(marker)\">KS-",
            element: "MaHoSoNguon"),
        .init(
            rule: "pattern of a simple-content extension", from: "HeThongMa=\"QD1019-2008\">01</dc:DanToc>",
            to: "HeThongMa=\"QD1019-2008\">\(marker)</dc:DanToc>", element: "DanToc"),
        .init(
            rule: "pattern of a parent's year", from: "<dc:Nam>1996</dc:Nam>", to: "<dc:Nam>\(marker)</dc:Nam>",
            element: "Nam"),
    ]

    @Test("whatever rule a value breaks, the message names the element and never the value", arguments: mutations)
    func noRuleEchoesTheValue(_ mutation: Mutation) throws {
        let messages = try Self.validationMessages(Self.message([(mutation.from, mutation.to)]))
        #expect(!messages.isEmpty, "the broken message was accepted")
        #expect(messages.contains { $0.contains(mutation.element) }, "\(messages)")
        for message in messages {
            for fragment in ["NGUYỄN", "VĂN", "xs:AN"] {
                #expect(!message.contains(fragment), "message echoes \(fragment): \(message)")
            }
        }
    }
}
