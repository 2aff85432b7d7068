import Foundation

/// The mock's own reading of the child-card validity rule (Decree 146/2018 art. 13.2, kept by Decree
/// 188/2025), written apart from the adapter's `CardValidity` and on Foundation's Gregorian calendar in
/// UTC, so that a mistake in either shows up as a disagreement (a 422), not as two equal wrong answers.
enum MockCardRule {
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// A `YYYY-MM-DD` text naming a day that exists; `nil` otherwise (2026-02-29 is refused).
    static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts.map(\.count) == [4, 2, 2],
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            let date = calendar.date(from: DateComponents(year: year, month: month, day: day))
        else { return nil }
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        return back.year == year && back.month == month && back.day == day ? date : nil
    }

    /// `YYYY-MM-DD` of `date` in UTC.
    static func text(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// The last day of validity for a child born on `birth` (`YYYY-MM-DD`); `nil` for a bad date.
    static func validTo(birth birthText: String) -> String? {
        guard let birth = day(birthText) else { return nil }
        // Foundation keeps a 29 February birthday on 28 February in a common year.
        let reached = calendar.date(byAdding: .month, value: 72, to: birth)!
        let born = calendar.dateComponents([.month, .day], from: birth)
        if born.month! < 9 || (born.month! == 9 && born.day! <= 30) {
            let year = calendar.component(.year, from: reached)
            return text(calendar.date(from: DateComponents(year: year, month: 9, day: 30))!)
        }
        let monthStart = calendar.date(from: calendar.dateComponents([.year, .month], from: reached))!
        let nextMonth = calendar.date(byAdding: .month, value: 1, to: monthStart)!
        return text(calendar.date(byAdding: .day, value: -1, to: nextMonth)!)
    }
}
