public import CivgateModel
import Foundation

extension IngestService {
    /// Stores a record that already passed intake, with the same rows a `POST /v1/records` stores
    /// (record, deliveries, transitions, ordering keys, the idempotency entry when `key` is given), in
    /// the same group-committed durable transactions; answers whether it was created.
    ///
    /// For `civgate bench`: the storage limit, measured apart from parsing, validation and HTTP.
    public func storeAccepted(_ accepted: RecordIntake.Accepted, key: String?, lane: Lane = .live) async -> Bool {
        let fingerprint = key == nil ? "" : Identifiers.sha256Hex(accepted.canonicalBytes)
        if case .stored(202, _, _, _) = await write(
            accepted, key: key, fingerprint: fingerprint, lane: lane, now: Timestamp.now()
        ).answer {
            return true
        }
        return false
    }
}
