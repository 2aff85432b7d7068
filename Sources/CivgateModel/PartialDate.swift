/// A date as precise as the book recorded it: a day, a month, a year, or an age at the event.
public enum PartialDate: Sendable, Hashable {
    case day(year: Int, month: Int, day: Int)
    case month(year: Int, month: Int)
    case year(Int)
    /// The book recorded an age at the event instead of a birth date.
    case age(Int)

    /// The precision word used in the export format: `day`, `month`, `year` or `age`.
    public var precision: String {
        switch self {
        case .day: "day"
        case .month: "month"
        case .year: "year"
        case .age: "age"
        }
    }

    /// The year, when the date has one.
    public var year: Int? {
        switch self {
        case .day(let year, _, _), .month(let year, _), .year(let year): year
        case .age: nil
        }
    }

    /// The value as written in the export: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; `nil` for an age.
    public var isoValue: String? {
        switch self {
        case .day(let year, let month, let day): "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
        case .month(let year, let month): "\(pad(year, 4))-\(pad(month, 2))"
        case .year(let year): pad(year, 4)
        case .age: nil
        }
    }

    /// The birth years consistent with this date given the year of the event: an age `A` at an event
    /// in year `Y` means a birth in `Y-A-1` or `Y-A`.
    public func birthYearRange(eventYear: Int?) -> ClosedRange<Int>? {
        switch self {
        case .age(let age):
            guard let eventYear else { return nil }
            return (eventYear - age - 1)...(eventYear - age)
        default:
            return year.map { $0...$0 }
        }
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

extension PartialDate: Codable {
    private enum CodingKeys: String, CodingKey {
        case value, precision, ageAtEvent
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let precision = try container.decode(String.self, forKey: .precision)
        if precision == "age" {
            self = .age(try container.decode(Int.self, forKey: .ageAtEvent))
            return
        }
        let value = try container.decode(String.self, forKey: .value)
        let parts = value.split(separator: "-").map { Int($0) }
        guard parts.allSatisfy({ $0 != nil }) else {
            throw DecodingError.dataCorruptedError(forKey: .value, in: container, debugDescription: "not a date")
        }
        let numbers = parts.compactMap { $0 }
        switch (precision, numbers.count) {
        case ("day", 3): self = .day(year: numbers[0], month: numbers[1], day: numbers[2])
        case ("month", 2): self = .month(year: numbers[0], month: numbers[1])
        case ("year", 1): self = .year(numbers[0])
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .precision, in: container, debugDescription: "precision does not fit the value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(precision, forKey: .precision)
        if case .age(let age) = self {
            try container.encode(age, forKey: .ageAtEvent)
        } else {
            try container.encode(isoValue, forKey: .value)
        }
    }
}
