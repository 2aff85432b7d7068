public import CivgateModel

/// The adapter for the National Population Database (C06): XML messages in the style of QCVN 109:2017.
///
/// Operations: `assign-pin` (a birth → the child's personal identification number).
public struct PopulationAdapter: DestinationAdapter {
    /// Path of the assign-pin service below the destination's base URL.
    public static let assignPinPath = "/dancu/v1/cap-so-dinh-danh"

    public let destination = "population"
    public let operations: Set<String> = ["assign-pin"]

    private let assignPin = AssignPinMessage(communes: CommuneTable())
    private let reply = PopulationReply()

    public init() {}

    public func prepare(_ job: DeliveryJob) -> PreparedRequest {
        switch job.operation {
        case "assign-pin":
            guard job.record.event == .birth else {
                return .unmappable(code: "wrong-event", detail: "assign-pin applies to births only")
            }
            return assignPin.build(job)
        default:
            return .unmappable(code: "unknown-operation", detail: "population has no operation \(job.operation)")
        }
    }

    public func classify(_ reply: DestinationReply, for job: DeliveryJob) -> DeliveryOutcome {
        self.reply.classify(reply)
    }
}
