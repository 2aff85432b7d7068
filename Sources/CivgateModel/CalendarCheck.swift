/// Dates the schema's patterns admit but the calendar does not (2026-02-30): refused at ingest, because a
/// destination's `xs:date` would refuse them later, after the record was accepted.
enum CalendarCheck {
    static func violations(in record: CivilRecord) -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        func check(_ text: String?, _ path: String) {
            guard let text, !isValid(isoDate: String(text.prefix(10))) else { return }
            found.append(SchemaViolation(path: path, code: "date", detail: "is not a date of the Gregorian calendar"))
        }
        func check(_ date: PartialDate?, _ path: String) {
            switch date {
            case .day(let year, let month, let day) where !isValid(year: year, month: month, day: day):
                found.append(
                    SchemaViolation(path: path, code: "date", detail: "is not a date of the Gregorian calendar"))
            case .month(_, let month) where !(1...12).contains(month):
                found.append(SchemaViolation(path: path, code: "date", detail: "is not a month of the year"))
            default:
                break
            }
        }
        check(record.registration.date, "$.registration.date")
        check(record.approval?.at, "$.approval.at")
        check(record.marriage?.establishedOn, "$.marriage.establishedOn")
        for (index, subject) in record.subjects.enumerated() {
            check(subject.birthDate, "$.subjects[\(index)].birthDate")
            check(subject.death?.at, "$.subjects[\(index)].death.at")
        }
        return found
    }

    static func isValid(isoDate text: String) -> Bool {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return false }
        return isValid(year: parts[0], month: parts[1], day: parts[2])
    }

    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }
}
