import CivgateModel
internal import CivgateXML

/// Reads the Population Database's `KetQua` reply and says what it means for the delivery.
struct PopulationReply {
    static let namespaces = ["dc": AssignPinMessage.namespace]

    func classify(_ reply: DestinationReply) -> DeliveryOutcome {
        let document = try? SafeXMLDocument(bytes: reply.body)
        let status = document?.text("/dc:KetQua/dc:TrangThai", namespaces: Self.namespaces)
        let description = document?.text("/dc:KetQua/dc:MoTa", namespaces: Self.namespaces) ?? ""
        switch reply.status {
        case 200..<300:
            switch status {
            case "DA_CAP", "DA_TON_TAI":
                guard let pin = document?.text("/dc:KetQua/dc:SoDinhDanh", namespaces: Self.namespaces),
                    PersonalIdentificationNumber(pin) != nil
                else {
                    // The effect may have happened: retry with the same key returns the stored result.
                    return .retry(code: "reply-unreadable", detail: "success reply without a valid PIN", after: nil)
                }
                return .success(result: ["pin": pin])
            case "DA_GHI_NHAN", "DA_CAP_NHAT":
                return .success(result: ["status": status ?? ""])
            case "NGHI_TRUNG":
                return .review(
                    code: "suspected-duplicate",
                    detail: Self.orDefault(
                        description, "the Population Database suspects a duplicate of an already numbered citizen"))
            default:
                return .retry(code: "reply-unreadable", detail: "success status without a readable result", after: nil)
            }
        case 409 where status == "NGHI_TRUNG":
            return .review(
                code: "suspected-duplicate",
                detail: Self.orDefault(
                    description, "the Population Database suspects a duplicate of an already numbered citizen"))
        case 429, 500..<600:
            return .retry(
                code: "http-\(reply.status)", detail: "the Population Database answered \(reply.status)",
                after: RetryAfter.delay(reply.headers["retry-after"]))
        case 400, 422:
            return .permanent(
                code: "contract-violation",
                detail: Self.orDefault(description, "the Population Database refused the message (\(reply.status))"))
        default:
            return .permanent(
                code: "http-\(reply.status)",
                detail: Self.orDefault(description, "the Population Database answered \(reply.status)"))
        }
    }

    private static func orDefault(_ text: String, _ fallback: String) -> String {
        text.isEmpty ? fallback : String(text.prefix(500))
    }
}
