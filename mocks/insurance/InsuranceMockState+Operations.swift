import CivgateModel

extension InsuranceMockState {
    /// Issues a card, or answers 409 `DA_TON_TAI` with the card the PIN already has. A repeated key that
    /// raced past the handler's replay check gets the first reply here.
    func issueCard(key: String, members: [String: JSONValue]) -> Reply {
        if let stored = storedReply(for: key) { return InsuranceHandler.replayed(stored) }
        let text = { (name: String) in members[name]?.stringValue ?? "" }
        let pin = text("maSoBHXH")
        if let existing = card(for: pin) {
            let reply = InsuranceHandler.reply(409, CardReply(trangThai: "DA_TON_TAI", maYeuCau: key, the: existing))
            remember(reply, for: key)
            return reply
        }
        let facility = members["noiDangKyKCBBanDau"]
        // Legacy card code: TE (children under 6), benefit 1, 2-digit province, last 10 digits of the PIN.
        // The province is that of the registering commune (maTinh): a PIN registered abroad starts with a
        // country code, which is no province.
        let card = Card(
            maThe: "TE1" + String(text("maTinh").suffix(2)) + String(pin.suffix(10)), maSoBHXH: pin,
            giaTriTu: text("giaTriTu"), giaTriDen: text("giaTriDen"),
            noiDangKyKCBBanDau: Card.Facility(
                ma: facility?["ma"]?.stringValue ?? "", nguon: facility?["nguon"]?.stringValue ?? ""))
        store(card)
        let reply = InsuranceHandler.reply(201, CardReply(trangThai: "DA_CAP", maYeuCau: key, the: card))
        remember(reply, for: key)
        return reply
    }

    /// Records a death of a known participant; 404 `KHONG_TIM_THAY` otherwise.
    func reportDeath(key: String, pin: String, date: String) -> Reply {
        settle(key: key, participant: pin) {
            recordDeath(of: pin, on: date)
            return InsuranceHandler.reply(200, ["trangThai": "DA_GHI_NHAN", "maYeuCau": key])
        }
    }

    /// Updates a known participant (found by the previous PIN when it was re-issued); 404 otherwise.
    func updateParticipant(key: String, pin: String, previous: String?) -> Reply {
        settle(key: key, participant: previous ?? pin) {
            if let previous { reissue(from: previous, to: pin) }
            return InsuranceHandler.reply(200, ["trangThai": "DA_CAP_NHAT", "maYeuCau": key])
        }
    }

    /// Runs `effect` for a known participant and remembers its reply under `key`; 404 `KHONG_TIM_THAY`
    /// (not remembered: the participant may be known later) otherwise.
    private func settle(key: String, participant: String, _ effect: () -> Reply) -> Reply {
        if let stored = storedReply(for: key) { return InsuranceHandler.replayed(stored) }
        guard isParticipant(participant) else {
            return InsuranceHandler.reply(
                404, ["trangThai": "KHONG_TIM_THAY", "maYeuCau": key, "moTa": "no participant has this insurance code"])
        }
        let reply = effect()
        remember(reply, for: key)
        return reply
    }

    struct CardReply: Encodable {
        var trangThai: String
        var maYeuCau: String
        var the: Card
    }
}
