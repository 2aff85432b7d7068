/// A day of the proleptic Gregorian calendar, with the little arithmetic the card rule needs.
///
/// Written out rather than taken from `Calendar` so the result cannot depend on a locale, a time zone or
/// a platform's calendar data: a card's end date is a legal fact, the same on every machine.
public struct CalendarDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year (four digits in every date this adapter sends).
    public let year: Int
    /// The month, 1–12.
    public let month: Int
    /// The day of the month, 1–31.
    public let day: Int

    /// A day that exists in the Gregorian calendar; `nil` otherwise (e.g. 2026-02-29).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits) naming a day that exists; `nil` otherwise.
    public init?(iso text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Whether `year` has a 29 February.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days of `month` in `year`.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The same day `months` later; a day the target month lacks becomes its last day (29 Feb + 12
    /// months = 28 Feb), the usual reading of "reaches N months of age".
    public func adding(months: Int) -> CalendarDay {
        let index = year * 12 + (month - 1) + months
        let targetYear = index / 12
        let targetMonth = index % 12 + 1
        let targetDay = min(day, Self.daysIn(month: targetMonth, year: targetYear))
        return CalendarDay(year: targetYear, month: targetMonth, day: targetDay)!
    }

    /// The last day of this day's month.
    public var lastDayOfMonth: CalendarDay {
        CalendarDay(year: year, month: month, day: Self.daysIn(month: month, year: year))!
    }

    /// `YYYY-MM-DD`.
    public var iso: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// `YYYY-MM-DD`.
    public var description: String { iso }

    /// Earlier days first.
    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
