import CivgateContracts
import CivgateModel
import CivgateXML
import Foundation

/// The mock's services: every request is validated against the XSD and deduplicated by its idempotency
/// key; `assign-pin` numbers the child, `record-death` and `update-citizen` record the event.
struct PopulationRequestHandler: Sendable {
    /// The services, by operation: the root element they take.
    static let roots = [
        "assign-pin": "YeuCauCapSoDinhDanh", "record-death": "YeuCauGhiNhanKhaiTu",
        "update-citizen": "YeuCauCapNhatCongDan",
    ]

    static let namespaces = ["dc": "http://www.mic.gov.vn/dancu/1.0"]

    let validator: XMLSchemaValidator
    let state: PopulationMockState

    func handle(operation: String, body: [UInt8], key headerKey: String?) async -> PopulationMockState.Reply {
        let text = String(decoding: body, as: UTF8.self)
        var entry = PopulationMockState.Received(
            sequence: 0, key: headerKey, operation: operation,
            receivedAt: Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)),
            valid: false, status: 0, outcome: "", replayed: false, pin: nil, error: nil, body: text)
        if let key = headerKey, let stored = await state.storedReply(for: key) {
            entry.valid = true
            entry.replayed = true
            entry.status = stored.status
            entry.outcome = "replayed"
            await state.log(entry)
            return stored
        }
        let document: SafeXMLDocument
        do {
            document = try validator.validate(body)
        } catch {
            let reason = "\(error)"
            entry.status = 400
            entry.outcome = "KHONG_HOP_LE"
            entry.error = reason
            await state.log(entry)
            return Self.reply(400, key: headerKey ?? "", status: "KHONG_HOP_LE", description: reason)
        }
        let root = Self.roots[operation] ?? ""
        let read = { (path: String) in document.text(path, namespaces: Self.namespaces) }
        guard let key = headerKey ?? read("/dc:\(root)/dc:MaYeuCau"), read("/dc:\(root)/dc:MaYeuCau") != nil else {
            let reason = "this service takes a \(root) message with an Idempotency-Key"
            entry.status = 400
            entry.outcome = "KHONG_HOP_LE"
            entry.error = reason
            await state.log(entry)
            return Self.reply(400, key: headerKey ?? "", status: "KHONG_HOP_LE", description: reason)
        }
        entry.valid = true
        entry.key = key
        let reply =
            operation == "assign-pin"
            ? await decide(key: key, read: read)
            : await record(key: key, status: operation == "record-death" ? "DA_GHI_NHAN" : "DA_CAP_NHAT")
        entry.status = reply.status
        entry.outcome = reply.outcome
        entry.pin = reply.pin
        entry.error = reply.error
        await state.log(entry)
        return PopulationMockState.Reply(status: reply.status, body: reply.body)
    }

    struct Decision: Sendable {
        var status: Int
        var outcome: String
        var body: String
        var pin: String?
        var error: String?
    }

    /// Deaths and updates: the effect is recording the event, once per key.
    private func record(key: String, status: String) async -> Decision {
        let reply = Self.reply(200, key: key, status: status)
        let (decision, stored) = await state.once(key) { _ in
            (Decision(status: 200, outcome: status, body: reply.body), reply)
        }
        return decision ?? Self.replayed(stored)
    }

    private func decide(key: String, read: (String) -> String?) async -> Decision {
        let citizen = "/dc:YeuCauCapSoDinhDanh/dc:CongDan"
        let existing = read("\(citizen)/dc:SoDinhDanh")
        let birth = read("\(citizen)/dc:NgayThangNamSinh/*") ?? ""
        let sex = Self.sex(read("\(citizen)/dc:GioiTinh"))
        let year = Int(birth.prefix(4))
        let province = read("/dc:YeuCauCapSoDinhDanh/dc:DangKyKhaiSinh/dc:CoQuanDangKy/dc:MaTinh")
        if existing == nil, sex == nil || year == nil || province == nil {
            let reason = "a PIN needs a determined sex, a birth year and a province of registration"
            return Decision(
                status: 422, outcome: "KHONG_HOP_LE",
                body: Self.reply(422, key: key, status: "KHONG_HOP_LE", description: reason).body, error: reason)
        }
        let fingerprint = [
            read("\(citizen)/dc:HoVaTen/dc:DayDu"), Optional(birth), read("\(citizen)/dc:Me/dc:HoVaTen/dc:DayDu"),
            read("\(citizen)/dc:Cha/dc:HoVaTen/dc:DayDu"),
            read("/dc:YeuCauCapSoDinhDanh/dc:DangKyKhaiSinh/dc:CoQuanDangKy/dc:MaDonViHanhChinh"),
        ].map { $0 ?? "" }.joined(separator: "|")
        let confirmed = read("/dc:YeuCauCapSoDinhDanh/dc:XacNhanSinhDoi") == "true"
        let (decision, stored) = await state.once(key) {
            state -> (value: Decision, remember: PopulationMockState.Reply?) in
            if let existing {
                let reply = Self.reply(200, key: key, status: "DA_TON_TAI", pin: existing)
                return (Decision(status: 200, outcome: "DA_TON_TAI", body: reply.body, pin: existing), reply)
            }
            if !confirmed, let earlier = state.earlierRegistration(fingerprint: fingerprint), earlier != key {
                let reason = "suspected duplicate of an already numbered citizen; confirm a multiple birth to proceed"
                // Not remembered under the key: after confirmation the same key is processed afresh.
                let reply = Self.reply(409, key: key, status: "NGHI_TRUNG", description: reason)
                return (Decision(status: 409, outcome: "NGHI_TRUNG", body: reply.body, error: reason), nil)
            }
            guard let sex, let year, let province,
                let pin = state.issuePIN(provinceCode: province, sex: sex, birthYear: year)
            else {
                let reply = Self.reply(503, key: key, status: "KHONG_HOP_LE", description: "no PIN available")
                return (Decision(status: 503, outcome: "error", body: reply.body), nil)
            }
            state.register(fingerprint: fingerprint, key: key)
            let reply = Self.reply(200, key: key, status: "DA_CAP", pin: pin)
            return (Decision(status: 200, outcome: "DA_CAP", body: reply.body, pin: pin), reply)
        }
        return decision ?? Self.replayed(stored)
    }

    /// A concurrent request with the same key got there first: its stored reply, again.
    private static func replayed(_ stored: PopulationMockState.Reply?) -> Decision {
        Decision(status: stored?.status ?? 500, outcome: "replayed", body: stored?.body ?? "")
    }

    static func reply(_ code: Int, key: String, status: String, pin: String? = nil, description: String? = nil)
        -> PopulationMockState.Reply
    {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dc:KetQua xmlns:dc=\"http://www.mic.gov.vn/dancu/1.0\">"
        xml += "<dc:MaYeuCau>\(escape(key))</dc:MaYeuCau><dc:TrangThai>\(status)</dc:TrangThai>"
        if let pin { xml += "<dc:SoDinhDanh>\(pin)</dc:SoDinhDanh>" }
        if let description { xml += "<dc:MoTa>\(escape(description))</dc:MoTa>" }
        xml += "</dc:KetQua>\n"
        return PopulationMockState.Reply(status: code, body: xml)
    }

    /// `GioiTinh` 1 male, 2 female; 3 (undetermined) cannot be numbered. The mock reads the contract
    /// itself rather than the adapter's code, so an adapter bug shows up as a refusal.
    private static func sex(_ code: String?) -> Sex? {
        switch code {
        case "1": .male
        case "2": .female
        default: nil
        }
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
