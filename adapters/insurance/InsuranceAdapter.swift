public import CivgateModel

/// The adapter for Vietnam Social Security (BHXH): JSON messages of `contracts/insurance/insurance.openapi.yaml`.
///
/// Operations:
/// - `issue-child-card`: a birth → the child's health-insurance card (group TE, benefit level 1); needs
///   the `assign-pin` result (or a PIN already in the record). Result: `cardCode`, `validTo`,
///   `insuranceCode`.
/// - `report-death`: a death → stops the deceased's cards.
/// - `update-participant`: after a correction, change or other event that alters the PIN, sex or birth
///   date of a person.
///
/// Settings (`destinations.insurance.settings`):
/// - `defaultFacility.PPP` (no default): the 5-character initial-care facility code (MA_CSKCB) for
///   children registered in province `PPP` (3-digit code, e.g. `defaultFacility.001: "01001"`) whose
///   place of birth has no facility code. Codes of provinces merged on 1 July 2025 are accepted and
///   used for communes registered under them; the current code is looked up first. Without a default,
///   such a birth waits in `needs_data` on `subjects[child].placeOfBirth.facility.code`.
public struct InsuranceAdapter: DestinationAdapter {
    /// Path of the child-card service below the destination's base URL.
    public static let issueChildCardPath = "/bhyt/v1/the-tre-em"
    /// Path of the death-report service.
    public static let reportDeathPath = "/bhyt/v1/bao-tu"
    /// Path of the participant-update service.
    public static let updateParticipantPath = "/bhyt/v1/cap-nhat"

    /// `insurance`, the name in routes and configuration.
    public let destination = "insurance"
    /// `issue-child-card`, `report-death`, `update-participant`.
    public let operations: Set<String> = ["issue-child-card", "report-death", "update-participant"]

    private let childCard: ChildCardRequest
    private let deathReport = DeathReportRequest()
    private let participantUpdate = ParticipantUpdateRequest()
    private let reply = InsuranceReply()

    /// An adapter with the given settings (see the type's documentation for the keys).
    public init(settings: [String: String] = [:]) {
        childCard = ChildCardRequest(provinces: ProvinceCodes(), facilities: FacilityDefaults(settings: settings))
    }

    /// Problems with `settings`, one sentence per unusable entry, naming the key; empty when all are usable.
    /// Meant for configuration checks at start-up (unusable entries are otherwise ignored).
    public static func settingProblems(_ settings: [String: String]) -> [String] {
        settings.sorted { $0.key < $1.key }.compactMap { FacilityDefaults.problem(key: $0.key, value: $0.value) }
    }

    /// The JSON request for `job`, or the fields it waits for (never values from the record).
    public func prepare(_ job: DeliveryJob) -> PreparedRequest {
        switch job.operation {
        case "issue-child-card":
            guard job.record.event == .birth else {
                return .unmappable(code: "wrong-event", detail: "issue-child-card applies to births only")
            }
            return childCard.build(job)
        case "report-death":
            guard job.record.event == .death else {
                return .unmappable(code: "wrong-event", detail: "report-death applies to deaths only")
            }
            return deathReport.build(job)
        case "update-participant":
            guard job.record.event != .death else {
                return .unmappable(code: "wrong-event", detail: "a death is reported with report-death")
            }
            return participantUpdate.build(job)
        default:
            return .unmappable(code: "unknown-operation", detail: "insurance has no operation \(job.operation)")
        }
    }

    /// What BHXH's reply means: a card (new, repeated or already existing) is a success with its code.
    public func classify(_ reply: DestinationReply, for job: DeliveryJob) -> DeliveryOutcome {
        let sentPIN: String? =
            if job.operation == "issue-child-card", let child = job.record.subject("child") {
                ChildCardRequest.pin(job, child: child)
            } else {
                nil
            }
        return self.reply.classify(reply, operation: job.operation, sentPIN: sentPIN)
    }
}
