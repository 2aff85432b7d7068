import CivgateModel
import Foundation

/// The mock's three services: replay by key, contract check, then the operation's effect.
struct InsuranceHandler: Sendable {
    let state: InsuranceMockState

    func handle(_ operation: InsuranceContract.Operation, body: [UInt8], key: String?) async -> InsuranceMockState.Reply
    {
        var entry = InsuranceMockState.Received(
            sequence: 0, key: key, operation: operation.rawValue,
            receivedAt: Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)), valid: false,
            status: 0,
            outcome: "", replayed: false, error: nil, body: String(decoding: body, as: UTF8.self))
        let reply = await decide(operation, body: body, key: key, entry: &entry)
        entry.status = reply.status
        await state.log(entry)
        return reply
    }

    private func decide(
        _ operation: InsuranceContract.Operation, body: [UInt8], key: String?, entry: inout InsuranceMockState.Received
    ) async -> InsuranceMockState.Reply {
        if let key, let stored = await state.storedReply(for: key) {
            entry.valid = true
            entry.replayed = true
            entry.outcome = "replayed"
            return Self.replayed(stored)
        }
        guard let document = try? JSONValue.parse(body), case .object(let members) = document else {
            return refuse(
                400, [InsuranceFieldError(truong: "$", moTa: "the body must be a JSON object")], key: key, entry: &entry
            )
        }
        guard let key else {
            return refuse(
                400, [InsuranceFieldError(truong: "Idempotency-Key", moTa: "the header is required")], key: nil,
                entry: &entry)
        }
        var problems = InsuranceContract.violations(operation, document: document)
        if let requestKey = members["maYeuCau"]?.stringValue, requestKey != key {
            problems.append(InsuranceFieldError(truong: "maYeuCau", moTa: "must equal the Idempotency-Key header"))
        }
        guard problems.isEmpty else { return refuse(422, problems, key: key, entry: &entry) }
        entry.valid = true
        let reply = await apply(operation, members: members, key: key)
        entry.outcome = Self.status(of: reply)
        return reply
    }

    /// The effect of a valid request, decided in one actor call.
    private func apply(_ operation: InsuranceContract.Operation, members: [String: JSONValue], key: String) async
        -> InsuranceMockState.Reply
    {
        let text = { (name: String) in members[name]?.stringValue ?? "" }
        let pin = text("maSoBHXH")
        switch operation {
        case .issueChildCard:
            return await state.issueCard(key: key, members: members)
        case .reportDeath:
            return await state.reportDeath(key: key, pin: pin, date: text("ngayMat"))
        case .updateParticipant:
            return await state.updateParticipant(key: key, pin: pin, previous: members["maSoBHXHCu"]?.stringValue)
        }
    }

    private func refuse(
        _ status: Int, _ problems: [InsuranceFieldError], key: String?, entry: inout InsuranceMockState.Received
    ) -> InsuranceMockState.Reply {
        entry.outcome = "KHONG_HOP_LE"
        entry.error = problems.map(\.description).joined(separator: "; ")
        return Self.reply(status, Refusal(maYeuCau: key, loi: problems))
    }

    private struct Refusal: Encodable {
        var trangThai = "KHONG_HOP_LE"
        var maYeuCau: String?
        var loi: [InsuranceFieldError]
    }

    /// A first `201` comes back as `200` with the same body; anything else unchanged.
    static func replayed(_ stored: InsuranceMockState.Reply) -> InsuranceMockState.Reply {
        InsuranceMockState.Reply(status: stored.status == 201 ? 200 : stored.status, body: stored.body)
    }

    static func reply(_ status: Int, _ body: some Encodable) -> InsuranceMockState.Reply {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return InsuranceMockState.Reply(
            status: status, body: String(decoding: try! encoder.encode(body), as: UTF8.self))
    }

    private static func status(of reply: InsuranceMockState.Reply) -> String {
        (try? JSONValue.parse(Data(reply.body.utf8)))?["trangThai"]?.stringValue ?? "error"
    }
}
