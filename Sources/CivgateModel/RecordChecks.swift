/// Domain checks that produce warnings: real cases that validators used to reject wrongly.
public enum RecordChecks {
    /// A parent younger than this at the birth is unusual but legal (field reports: mothers aged 12–13).
    public static let youngParentAge = 14

    /// Warnings for an accepted record; empty for an ordinary one.
    public static func warnings(for record: CivilRecord) -> [RecordWarning] {
        var warnings: [RecordWarning] = []
        let eventYear = record.registration.date.flatMap { Int($0.prefix(4)) }
        let child = record.subject("child")
        let childYear = child?.birthDate?.year ?? eventYear
        for (index, subject) in record.subjects.enumerated() {
            let path = "$.subjects[\(index)]"
            if record.event == .birth, ["mother", "father"].contains(subject.role), let childYear,
                let range = subject.birthDate?.birthYearRange(eventYear: childYear),
                childYear - range.upperBound < youngParentAge
            {
                warnings.append(
                    RecordWarning(
                        code: "young-parent", path: "\(path).birthDate",
                        detail: "the \(subject.role) was younger than \(youngParentAge) at the birth"))
            }
            if let text = subject.pin, let pin = PersonalIdentificationNumber(text) {
                let disagreements = pin.disagreements(sex: subject.sex, birthYear: subject.birthDate?.year)
                if !disagreements.isEmpty {
                    warnings.append(
                        RecordWarning(
                            code: "pin-structure-mismatch", path: "\(path).pin",
                            detail:
                                "the PIN's \(disagreements.joined(separator: " and ")) digits disagree with the record")
                    )
                }
            }
        }
        return warnings
    }
}
