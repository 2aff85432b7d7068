public import CivgateModel

/// The adapter for the National Population Database (C06): XML messages in the style of QCVN 109:2017.
///
/// Operations: `assign-pin` (a birth → the child's personal identification number), `record-death`
/// (a death closes the citizen's record), `update-citizen` (marriage, change, correction, supplement,
/// ethnicity re-determination, parentage recognition, adoption, guardianship; a newer version of a
/// delivered birth).
public struct PopulationAdapter: DestinationAdapter {
    /// Path of the assign-pin service below the destination's base URL.
    public static let assignPinPath = "/dancu/v1/cap-so-dinh-danh"
    /// Path of the record-death service.
    public static let recordDeathPath = "/dancu/v1/ghi-nhan-khai-tu"
    /// Path of the update-citizen service.
    public static let updateCitizenPath = "/dancu/v1/cap-nhat-cong-dan"

    public let destination = "population"
    public let operations: Set<String> = ["assign-pin", "record-death", "update-citizen"]

    private let assignPin = AssignPinMessage(communes: CommuneTable())
    private let recordDeath = RecordDeathMessage(communes: CommuneTable())
    private let updateCitizen = UpdateCitizenMessage(communes: CommuneTable())
    private let reply = PopulationReply()

    public init() {}

    public func prepare(_ job: DeliveryJob) -> PreparedRequest {
        switch job.operation {
        case "assign-pin":
            guard job.record.event == .birth else {
                return .unmappable(code: "wrong-event", detail: "assign-pin applies to births only")
            }
            return assignPin.build(job)
        case "record-death":
            guard job.record.event == .death else {
                return .unmappable(code: "wrong-event", detail: "record-death applies to deaths only")
            }
            return recordDeath.build(job)
        case "update-citizen":
            guard ![.death, .maritalStatusConfirmation].contains(job.record.event) else {
                return .unmappable(
                    code: "wrong-event", detail: "update-citizen does not apply to \(job.record.event.rawValue)")
            }
            return updateCitizen.build(job)
        default:
            return .unmappable(code: "unknown-operation", detail: "population has no operation \(job.operation)")
        }
    }

    public func classify(_ reply: DestinationReply, for job: DeliveryJob) -> DeliveryOutcome {
        self.reply.classify(reply)
    }
}
