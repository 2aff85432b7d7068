import CivgateModel
import Foundation

/// Reads a BHXH reply and says what it means for the delivery.
///
/// Details name statuses and rules only: `moTa` of a refusal is passed on (the contract forbids values
/// from the request in it), nothing from the request is added.
struct InsuranceReply {
    /// The members civgate reads; everything optional so that an odd reply is classified, not thrown.
    struct Body: Decodable {
        struct Card: Decodable {
            var maThe: String?
            var maSoBHXH: String?
            var giaTriDen: String?
        }

        struct Problem: Decodable {
            var truong: String?
            var moTa: String?
        }

        var trangThai: String?
        var the: Card?
        var loi: [Problem]?
        var moTa: String?
    }

    func classify(_ reply: DestinationReply, operation: String, sentPIN: String?) -> DeliveryOutcome {
        let body = try? JSONDecoder().decode(Body.self, from: Data(reply.body))
        let status = body?.trangThai
        switch (reply.status, status, operation) {
        case (200..<300, "DA_CAP", "issue-child-card"), (200..<300, "DA_TON_TAI", "issue-child-card"),
            (409, "DA_TON_TAI", "issue-child-card"):
            // 409: the PIN already had a card (another key); it is the child's card all the same.
            return card(body?.the, sentPIN: sentPIN)
        case (200..<300, "DA_GHI_NHAN", "report-death"), (200..<300, "DA_CAP_NHAT", "update-participant"):
            return .success(result: [:])
        case (200..<300, _, _):
            // The effect may have happened: a retry with the same key returns the stored result.
            return .retry(
                code: "reply-unreadable", detail: "a success reply without the status this operation expects",
                after: nil)
        case (404, "KHONG_TIM_THAY", _):
            return .review(code: "participant-not-found", detail: "BHXH has no participant with this insurance code")
        case (400, _, _), (422, _, _):
            return .permanent(code: "contract-violation", detail: Self.refusal(body?.loi?.first, status: reply.status))
        case (429, _, _), (500..<600, _, _):
            return .retry(
                code: "http-\(reply.status)", detail: "BHXH answered \(reply.status)",
                after: RetryAfter.delay(reply.headers["retry-after"]))
        default:
            return .permanent(code: "http-\(reply.status)", detail: "BHXH answered \(reply.status)")
        }
    }

    /// A new or existing card: stored as the result when it is readable and is the child's.
    private func card(_ card: Body.Card?, sentPIN: String?) -> DeliveryOutcome {
        guard let card, let code = card.maThe, Self.isCardCode(code), let insuranceCode = card.maSoBHXH,
            PersonalIdentificationNumber(insuranceCode) != nil, let validTo = card.giaTriDen,
            CalendarDay(iso: validTo) != nil
        else {
            return .retry(code: "reply-unreadable", detail: "a card reply without a readable card", after: nil)
        }
        if let sentPIN, sentPIN != insuranceCode {
            return .review(
                code: "card-mismatch", detail: "BHXH returned a card for another insurance code than the one sent")
        }
        return .success(result: ["cardCode": code, "validTo": validTo, "insuranceCode": insuranceCode])
    }

    /// `TE1` + 12 digits: the legacy 15-character code of a group-TE, level-1 card.
    static func isCardCode(_ code: String) -> Bool {
        code.utf8.count == 15 && code.hasPrefix("TE1") && code.utf8.dropFirst(3).allSatisfy { (48...57).contains($0) }
    }

    private static func refusal(_ problem: Body.Problem?, status: Int) -> String {
        guard let problem, let text = problem.moTa, !text.isEmpty else {
            return "BHXH refused the request (\(status))"
        }
        let field = problem.truong.map { "\($0): " } ?? ""
        return String((field + text).prefix(500))
    }
}
