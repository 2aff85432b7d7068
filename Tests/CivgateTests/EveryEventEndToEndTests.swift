import CivgateModel
import CivgateXML
import Foundation
import Testing

/// Every event type through a gateway running the DEFAULT routes, with both destinations and both mocks:
/// generated births, deaths and marriages (two seeds, live and historical) and hand-made records of the
/// other events. Each record ends as the rules say, computed here from the record and not from the
/// adapters: births get a PIN and, while the child is under the card age, a card valid to the
/// Decree 146 date; older births skip the card without calling BHXH; deaths and updates at the split
/// commune 00016 wait in needs_data; every message each mock received is contract-valid and every
/// effect happened once per key; a marital-status confirmation has no delivery.
@Suite("Every event end to end")
struct EveryEventEndToEndTests {
    /// What one delivery of a record must end as.
    struct Expected: CustomStringConvertible {
        var state: String
        var missing: [String]? = nil
        var description: String { missing.map { "\(state) \($0)" } ?? state }
    }

    /// One posted record and what each of its operations must end as.
    struct Case {
        var key: String
        var object: [String: Any]
        var expected: [String: Expected]
        var id = ""
        var event: String { object["event"] as? String ?? "" }
        var recordId: String { (object["source"] as? [String: Any])?["recordId"] as? String ?? "" }
        var child: [String: Any]? { RecordJSON.subjects(object).first { $0["role"] as? String == "child" } }
    }

    static let namespaces = ["dc": "http://www.mic.gov.vn/dancu/1.0"]

    /// Today in Vietnam (UTC+7), as the card rule is applied.
    static var todayInVietnam: String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }

    /// Decree 146/2018 art. 13.2, computed independently: born on or before 30 September → 30 September
    /// of the year of the 6th birthday; after → the last day of the month of the 6th birthday (a
    /// 29 February birthday falls on 28 February in a common year).
    static func cardValidTo(birth: String) -> String {
        let parts = birth.split(separator: "-").compactMap { Int($0) }
        let (year, month, day) = (parts[0] + 6, parts[1], parts[2])
        if month < 9 || (month == 9 && day <= 30) { return String(format: "%04d-09-30", year) }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return String(format: "%04d-%02d-%02d", year, month, lengths[month - 1])
    }

    /// The registering commune's unit today, typed from the brief (§5.2, §5.3); a missing entry is the
    /// split commune.
    static let currentUnit: [String: (commune: String?, province: String)] = [
        "QD19-2025:00004": ("00004", "01"), "QD19-2025:00008": ("00008", "01"), "QD19-2025:26734": ("26734", "79"),
        "QD19-2025:20194": ("20194", "48"), "QD19-2025:24121": ("24121", "66"), "QD19-2025:09880": ("09880", "52"),
        "QD124-2004:12625": (nil, "33"), "QD124-2004:21910": (nil, "52"), "QD124-2004:06169": (nil, "20"),
        "QD124-2004:09217": (nil, "24"),
    ]

    static func isSplit(_ object: [String: Any]) -> Bool {
        let authority = (object["registration"] as? [String: Any])?["authority"] as? [String: Any]
        return authority?["code"] as? String == "00016" && authority?["codeSystem"] as? String == "QD124-2004"
    }

    /// What the rules say for a record: the default routes, the split-commune rule, the card rule.
    static func expectations(_ object: [String: Any]) -> [String: Expected] {
        let population =
            isSplit(object)
            ? Expected(state: "needs_data", missing: ["registration.authority.code"]) : Expected(state: "succeeded")
        switch object["event"] as? String {
        case "birth":
            return ["assign-pin": Expected(state: "succeeded"), "issue-child-card": Expected(state: "succeeded")]
        case "death": return ["record-death": population, "report-death": Expected(state: "succeeded")]
        case "marital-status-confirmation": return [:]
        default:
            var expected = ["update-citizen": population]
            if let changes = object["changes"] as? [String: Any],
                !Set(changes.keys).isDisjoint(with: ["pin", "sex", "birthDate"])
            {
                expected["update-participant"] = Expected(state: "succeeded")
            }
            return expected
        }
    }

    /// Records of the events the generator does not make, from the marriage sample: `event` and roles
    /// changed. Also a death and a marriage at the split commune, and a death at a pre-2025 commune of a
    /// merged province.
    static func handMade(death: [String: Any]) throws -> [[String: Any]] {
        let marriage = try RecordJSON.object(at: TestIntake.sample("KH-2026-000000001.json"))
        let people = RecordJSON.subjects(marriage)
        let (husband, wife) = (people[0], people[1])
        func make(_ event: String, _ id: String, _ subjects: [([String: Any], String)], extra: [String: Any] = [:])
            -> [String: Any]
        {
            var object = RecordJSON.withSource(marriage, recordId: id)
            object["event"] = event
            object["marriage"] = nil
            object["subjects"] = subjects.map { subject, role in
                var subject = subject
                subject["role"] = role
                return subject
            }
            for (name, value) in extra { object[name] = value }
            return object
        }
        var ethnicityChanged = wife
        ethnicityChanged["ethnicity"] = ["code": "06", "codeSystem": "QD121-1979"]
        let oldNgocHa: [String: Any] = [
            "code": "00016", "codeSystem": "QD124-2004", "name": "UBND phường Ngọc Hà, quận Ba Đình, TP Hà Nội",
        ]
        let veAn: [String: Any] = [
            "code": "09217", "codeSystem": "QD124-2004", "name": "UBND phường Vệ An, TP Bắc Ninh, tỉnh Bắc Ninh",
        ]
        // Other people than the generated records and the updates above: a record waiting in needs_data
        // holds up later events of its people.
        func historical(_ base: [String: Any], _ id: String, at authority: [String: Any], serial: Int) -> [String: Any]
        {
            let object = RecordJSON.withFreshPins(RecordJSON.withSource(base, recordId: id), serial: serial)
            return RecordJSON.withRegistration(
                RecordJSON.withRegistration(object, "authority", authority), "kind", "historical")
        }
        let splitMarriage = historical(marriage, "KH-1990-900000001", at: oldNgocHa, serial: 10)
        let splitDeath = historical(death, "KT-2001-900000001", at: oldNgocHa, serial: 20)
        let mergedDeath = historical(death, "KT-2001-900000002", at: veAn, serial: 30)
        return [
            make("change", "TD-2026-900000001", [(husband, "person")]),
            make(
                "correction", "CC-2026-900000001", [(wife, "person")],
                extra: ["changes": ["sex": ["from": "male", "to": "female"]]]),
            make("supplement", "BS-2026-900000001", [(husband, "person")]),
            make("ethnicity-redetermination", "XD-2026-900000001", [(ethnicityChanged, "person")]),
            make("parentage-recognition", "NC-2026-900000001", [(wife, "child"), (husband, "father")]),
            make("adoption", "NN-2026-900000001", [(wife, "adoptee"), (husband, "adopter")]),
            make("guardianship", "GH-2026-900000001", [(wife, "ward"), (husband, "guardian")]),
            make("marital-status-confirmation", "XN-2026-900000001", [(husband, "person")]),
            splitMarriage, splitDeath, mergedDeath,
        ]
    }

    @Test("every event type ends as the rules say under the default routes", .timeLimit(.minutes(5)))
    func everyEvent() async throws {
        var objects: [[String: Any]] = []
        for (seed, start) in [(31, 0), (32, 5000)] {
            objects += try RecordGenerator.lines(count: 75, seed: seed, mix: "all", start: start).map(RecordJSON.object)
        }
        let death = try #require(objects.first { $0["event"] as? String == "death" })
        objects += try Self.handMade(death: death)
        var cases = objects.enumerated().map {
            Case(key: "every-\($0.offset)", object: $0.element, expected: Self.expectations($0.element))
        }
        let events = Set(cases.map(\.event))
        #expect(events.count == 11, "events covered: \(events.sorted())")
        #expect(cases.filter { Self.isSplit($0.object) && $0.event != "birth" }.count >= 2)
        let today = Self.todayInVietnam

        try await TwoDestinationHarness.withGateway { gateway in
            for index in cases.indices {
                let view = try await gateway.post(try RecordJSON.data(cases[index].object), key: cases[index].key)
                cases[index].id = try #require(view["id"] as? String)
            }
            try await waitUntil(timeout: .seconds(120), "every delivery settled") { try gateway.settled() }

            let population = try await TwoDestinationGateway.received(gateway.populationURL)
            let insurance = try await TwoDestinationGateway.received(gateway.insuranceURL)
            let insuranceKeys = Set(insurance.compactMap { $0["key"] as? String })
            var populationSucceeded = 0
            var insuranceSent = 0
            var cardsSkipped = 0
            var cardsIssued = 0
            for item in cases {
                let view = try await gateway.record(item.id)
                let deliveries = view["deliveries"] as? [[String: Any]] ?? []
                let byOperation = Dictionary(
                    deliveries.map { ($0["operation"] as? String ?? "", $0) }, uniquingKeysWith: { first, _ in first })
                let label = "\(item.event) \(item.recordId)"
                #expect(
                    Set(byOperation.keys) == Set(item.expected.keys),
                    "\(label): deliveries \(byOperation.keys.sorted())")
                for (operation, expected) in item.expected {
                    guard let delivery = byOperation[operation] else { continue }
                    #expect(
                        delivery["state"] as? String == expected.state,
                        "\(label) \(operation): \(delivery["state"] ?? "?") \(delivery["lastError"] ?? "")")
                    if let missing = expected.missing, let id = delivery["id"] as? String {
                        let full = try await gateway.delivery(id)
                        #expect(full["missingFields"] as? [String] == missing, "\(label) \(operation)")
                        let detail = (full["lastError"] as? [String: Any])?["detail"] as? String ?? ""
                        #expect(detail.contains("split") && detail.contains("cannot be derived"), "\(label): \(detail)")
                    }
                    if expected.state == "succeeded", delivery["destination"] as? String == "population" {
                        populationSucceeded += 1
                    }
                }
                let allSucceeded = item.expected.values.allSatisfy { $0.state == "succeeded" }
                if !item.expected.isEmpty {
                    #expect(
                        view["state"] as? String == (allSucceeded ? "succeeded" : "attention"), "\(label): record state"
                    )
                }
                if item.event == "marital-status-confirmation" {
                    #expect(deliveries.isEmpty)
                    #expect(try gateway.count("deliveries", where: "record_id = '\(item.id)'") == 0)
                }
                for operation in ["report-death", "update-participant"] where byOperation[operation] != nil {
                    insuranceSent += 1
                }

                guard item.event == "birth", let child = item.child else { continue }
                // The PIN: a valid structure for this child; the child's own when the book had one.
                let pinText = (byOperation["assign-pin"]?["result"] as? [String: String])?["pin"] ?? ""
                let pin = PersonalIdentificationNumber(pinText)
                #expect(pin != nil, "\(label): no PIN")
                #expect(pin?.sex.rawValue == child["sex"] as? String, "\(label): PIN sex")
                let birth = (child["birthDate"] as? [String: Any])?["value"] as? String ?? ""
                #expect(pin?.birthYear == Int(birth.prefix(4)), "\(label): PIN year")
                if let own = child["pin"] as? String { #expect(pinText == own, "\(label): the child's own PIN") }
                // The card: the Decree 146 date while the child is under the card age; else skipped, unsent.
                let card = byOperation["issue-child-card"]
                let result = card?["result"] as? [String: String] ?? [:]
                let validTo = Self.cardValidTo(birth: birth)
                if validTo < today {
                    cardsSkipped += 1
                    #expect(result["skipped"]?.hasPrefix("not-applicable") == true, "\(label): card \(result)")
                    #expect(result["validTo"] == nil)
                    let full = try await gateway.delivery(card?["id"] as? String ?? "")
                    let key = full["outboundKey"] as? String ?? ""
                    #expect(
                        !key.isEmpty && !insuranceKeys.contains(key), "\(label): BHXH was called for a skipped card")
                    #expect((full["attemptLog"] as? [[String: Any]])?.allSatisfy { $0["httpStatus"] == nil } == true)
                } else {
                    cardsIssued += 1
                    insuranceSent += 1
                    #expect(
                        result["validTo"] == validTo,
                        "\(label): card valid to \(result["validTo"] ?? "-"), rule \(validTo)")
                    #expect(result["insuranceCode"] == pinText, "\(label): card on the PIN")
                }
            }
            #expect(cardsSkipped > 10 && cardsIssued > 10, "cards skipped \(cardsSkipped), issued \(cardsIssued)")

            // Every message each mock received was valid, and each effect happened once per key.
            #expect(!population.isEmpty && !insurance.isEmpty)
            for request in population {
                #expect(request["valid"] as? Bool == true, "population refused: \(request["error"] ?? "")")
            }
            for request in insurance {
                #expect(request["valid"] as? Bool == true, "insurance refused: \(request["error"] ?? "")")
            }
            let populationEffects = try await TwoDestinationGateway.effects(gateway.populationURL)
            let insuranceEffects = try await TwoDestinationGateway.effects(gateway.insuranceURL)
            #expect(
                populationEffects.values.allSatisfy { $0 == 1 },
                "population effects \(populationEffects.filter { $0.value != 1 })")
            #expect(
                insuranceEffects.values.allSatisfy { $0 == 1 },
                "insurance effects \(insuranceEffects.filter { $0.value != 1 })")
            #expect(populationEffects.count == populationSucceeded)
            #expect(insuranceEffects.count == insuranceSent)
            #expect(population.count == populationSucceeded, "no retries and nothing sent twice")
            #expect(insurance.count == insuranceSent)

            // Deaths and updates name the registering commune's unit today; assign-pin never does.
            var checkedCurrent = 0
            for request in population {
                let body = Array((request["body"] as? String ?? "").utf8)
                let doc = try SafeXMLDocument(bytes: body)
                let authority = "//dc:CoQuanDangKy"
                if request["operation"] as? String == "assign-pin" {
                    #expect(doc.texts("\(authority)/dc:MaTinhHienTai", namespaces: Self.namespaces).isEmpty)
                    #expect(doc.texts("\(authority)/dc:MaDonViHienTai", namespaces: Self.namespaces).isEmpty)
                    continue
                }
                let code = doc.text("\(authority)/dc:MaDonViHanhChinh", namespaces: Self.namespaces) ?? ""
                let system = doc.text("\(authority)/dc:MaDonViHanhChinh/@HeThongMa", namespaces: Self.namespaces) ?? ""
                let expected = Self.currentUnit["\(system):\(code)"]
                #expect(expected != nil, "sent from \(system):\(code)")
                #expect(
                    doc.text("\(authority)/dc:MaDonViHienTai", namespaces: Self.namespaces) == expected?.commune,
                    "\(system):\(code)")
                #expect(
                    doc.text("\(authority)/dc:MaTinhHienTai", namespaces: Self.namespaces) == expected?.province,
                    "\(system):\(code)")
                checkedCurrent += 1
            }
            #expect(checkedCurrent > 20)
            // Nationality goes to the Population Database as ISO 3166-1 alpha-2.
            let bodies = population.map { $0["body"] as? String ?? "" }
            #expect(bodies.contains { $0.contains("<dc:QuocTich>VN</dc:QuocTich>") })
        }
    }
}
