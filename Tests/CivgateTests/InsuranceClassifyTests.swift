import CivgateModel
import Foundation
import InsuranceAdapter
import Testing

/// What BHXH's replies mean for a delivery.
@Suite("Insurance reply classification")
struct InsuranceClassifyTests {
    static let pin = "001326004711"
    static let card =
        #"{"maThe":"TE101\#(pin.suffix(10))","maSoBHXH":"\#(pin)","giaTriTu":"2026-09-24","giaTriDen":"2032-09-30","noiDangKyKCBBanDau":{"ma":"79034","nguon":"co-so-sinh"}}"#
    static let cardResult = ["cardCode": "TE101\(pin.suffix(10))", "validTo": "2032-09-30", "insuranceCode": pin]

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var operation: String
        var status: Int
        var body: String
        var headers: [String: String] = [:]
        var expected: DeliveryOutcome
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(
            label: "201 DA_CAP → card stored", operation: "issue-child-card", status: 201,
            body: #"{"trangThai":"DA_CAP","the":\#(card)}"#, expected: .success(result: cardResult)),
        Case(
            label: "200 DA_CAP (repeated key) → card stored", operation: "issue-child-card", status: 200,
            body: #"{"trangThai":"DA_CAP","the":\#(card)}"#, expected: .success(result: cardResult)),
        Case(
            label: "409 DA_TON_TAI → the existing card stored", operation: "issue-child-card", status: 409,
            body: #"{"trangThai":"DA_TON_TAI","the":\#(card)}"#, expected: .success(result: cardResult)),
        Case(
            label: "a card for another PIN → review", operation: "issue-child-card", status: 201,
            body:
                #"{"trangThai":"DA_CAP","the":\#(card.replacingOccurrences(of: "\"maSoBHXH\":\"\(pin)\"", with: "\"maSoBHXH\":\"001326999999\""))}"#,
            expected: .review(
                code: "card-mismatch", detail: "BHXH returned a card for another insurance code than the one sent")),
        Case(
            label: "DA_CAP without a card → retry", operation: "issue-child-card", status: 201,
            body: #"{"trangThai":"DA_CAP"}"#,
            expected: .retry(code: "reply-unreadable", detail: "a card reply without a readable card", after: nil)),
        Case(
            label: "200 DA_GHI_NHAN → death reported", operation: "report-death", status: 200,
            body: #"{"trangThai":"DA_GHI_NHAN"}"#, expected: .success(result: [:])),
        Case(
            label: "200 DA_CAP_NHAT → participant updated", operation: "update-participant", status: 200,
            body: #"{"trangThai":"DA_CAP_NHAT","maYeuCau":"k"}"#, expected: .success(result: [:])),
        Case(
            label: "a status of another operation → retry", operation: "issue-child-card", status: 200,
            body: #"{"trangThai":"DA_GHI_NHAN"}"#,
            expected: .retry(
                code: "reply-unreadable", detail: "a success reply without the status this operation expects",
                after: nil)),
        Case(
            label: "unreadable 2xx → retry", operation: "report-death", status: 200, body: "<html>ok</html>",
            expected: .retry(
                code: "reply-unreadable", detail: "a success reply without the status this operation expects",
                after: nil)),
        Case(
            label: "404 KHONG_TIM_THAY → review", operation: "report-death", status: 404,
            body: #"{"trangThai":"KHONG_TIM_THAY","moTa":"no participant has this insurance code"}"#,
            expected: .review(code: "participant-not-found", detail: "BHXH has no participant with this insurance code")
        ),
        Case(
            label: "422 → permanent with the first loi", operation: "issue-child-card", status: 422,
            body:
                #"{"trangThai":"KHONG_HOP_LE","loi":[{"truong":"giaTriDen","moTa":"does not follow the card validity rule"},{"truong":"x","moTa":"y"}]}"#,
            expected: .permanent(
                code: "contract-violation", detail: "giaTriDen: does not follow the card validity rule")),
        Case(
            label: "400 without loi → permanent", operation: "report-death", status: 400, body: "",
            expected: .permanent(code: "contract-violation", detail: "BHXH refused the request (400)")),
        Case(
            label: "429 with Retry-After → retry after it", operation: "report-death", status: 429, body: "",
            headers: ["retry-after": "7"],
            expected: .retry(code: "http-429", detail: "BHXH answered 429", after: .seconds(7))),
        Case(
            label: "503 → retry", operation: "update-participant", status: 503, body: "",
            expected: .retry(code: "http-503", detail: "BHXH answered 503", after: nil)),
        Case(
            label: "404 without a status → permanent", operation: "report-death", status: 404, body: "",
            expected: .permanent(code: "http-404", detail: "BHXH answered 404")),
        Case(
            label: "409 of another kind → permanent", operation: "issue-child-card", status: 409,
            body: #"{"trangThai":"XUNG_DOT"}"#,
            expected: .permanent(code: "http-409", detail: "BHXH answered 409")),
    ]

    @Test("classification", arguments: cases)
    func classify(_ example: Case) throws {
        let record = try InsuranceFixtures.record(named: "KS-2026-000000003.json")
        let job = InsuranceFixtures.job(record, example.operation, upstreamPIN: Self.pin)
        let reply = DestinationReply(status: example.status, headers: example.headers, body: Array(example.body.utf8))
        #expect(InsuranceAdapter().classify(reply, for: job) == example.expected)
    }
}
