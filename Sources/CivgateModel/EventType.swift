/// The civil-status events the registry exports.
public enum EventType: String, Sendable, Codable, CaseIterable, Hashable {
    case birth
    case death
    case marriage
    case maritalStatusConfirmation = "marital-status-confirmation"
    case parentageRecognition = "parentage-recognition"
    case guardianship
    case adoption
    case change
    case correction
    case supplement
    case ethnicityRedetermination = "ethnicity-redetermination"
}
