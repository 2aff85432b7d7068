/// The end date of a child's health-insurance card (thẻ BHYT, group TE), versioned by legal text.
///
/// The statute (Health Insurance Law as amended in 2014) gives a child under 6 a card valid to the day
/// the child reaches 72 months, or to 30 September of that year if school has not started by then.
/// Decree 146/2018/NĐ-CP art. 13.2 turns that into a date: born on or before 30 September → 30 September
/// of the year the child reaches 72 months; born after 30 September → the last day of the month the
/// child reaches 72 months. `contracts/insurance/card-validity.md` has the sources and the edge cases.
public enum CardValidity {
    /// One legal text that fixes the computation, with the day it takes effect.
    public enum Rule: String, Sendable, CaseIterable, Hashable {
        /// Decree 146/2018/NĐ-CP art. 13.2, in force from 1 December 2018.
        case decree146of2018 = "decree-146-2018"
        /// Decree 188/2025/NĐ-CP, in force from 15 August 2025. Whether it keeps art. 13.2's wording is
        /// not verified; until it is, it computes exactly what Decree 146 does.
        case decree188of2025 = "decree-188-2025"

        /// The first day this text governs.
        public var effectiveFrom: CalendarDay {
            switch self {
            case .decree146of2018: CalendarDay(year: 2018, month: 12, day: 1)!
            case .decree188of2025: CalendarDay(year: 2025, month: 8, day: 15)!
            }
        }

        /// The legal text, for logs and documentation.
        public var legalSource: String {
            switch self {
            case .decree146of2018: "Decree 146/2018/NĐ-CP art. 13.2"
            case .decree188of2025: "Decree 188/2025/NĐ-CP (wording assumed unchanged from Decree 146/2018 art. 13.2)"
            }
        }

        /// The last day of validity of the card of a child born on `birth`.
        public func validTo(birth: CalendarDay) -> CalendarDay {
            switch self {
            case .decree146of2018, .decree188of2025:
                CardValidity.seventyTwoMonthRule(birth: birth)
            }
        }
    }

    /// The rules, oldest first.
    public static let versions: [Rule] = Rule.allCases.sorted { $0.effectiveFrom < $1.effectiveFrom }

    /// The rule in force on `date`: the newest whose effective date is not after it. Dates before the
    /// oldest rule get the oldest rule (the 2014 statute it implements says the same in substance).
    public static func rule(on date: CalendarDay) -> Rule {
        versions.last { $0.effectiveFrom <= date } ?? versions[0]
    }

    /// The card's last day for a child born on `birth`, under the rule in force on `date` (the
    /// registration date, or the birth date when the book has none).
    public static func validTo(birth: CalendarDay, on date: CalendarDay) -> CalendarDay {
        rule(on: date).validTo(birth: birth)
    }

    /// The day the child reaches 72 months; a 29 February birth reaches it on 28 February.
    public static func reaches72Months(birth: CalendarDay) -> CalendarDay {
        birth.adding(months: 72)
    }

    /// Decree 146/2018 art. 13.2. A child born on 30 September reaches 72 months on 30 September, so
    /// both branches give 30 September: "before 30 September" is read as "on or before".
    static func seventyTwoMonthRule(birth: CalendarDay) -> CalendarDay {
        let reached = reaches72Months(birth: birth)
        if (birth.month, birth.day) <= (9, 30) {
            return CalendarDay(year: reached.year, month: 9, day: 30)!
        }
        return reached.lastDayOfMonth
    }
}
