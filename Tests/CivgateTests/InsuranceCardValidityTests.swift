import CivgateModel
import Foundation
import InsuranceAdapter
import InsuranceMock
import Testing

/// The child-card end date (Decree 146/2018 art. 13.2, kept by Decree 188/2025), its edge cases and its
/// versions, and agreement with the mock's independent computation.
@Suite("Insurance card validity")
struct InsuranceCardValidityTests {
    @Test(
        "end of validity by date of birth",
        arguments: [
            ("2020-09-29", "2026-09-30"),  // before 30 Sep → 30 Sep of the year of 72 months
            ("2020-09-30", "2026-09-30"),  // on 30 Sep: both branches give 30 Sep ("on or before")
            ("2020-10-01", "2026-10-31"),  // after 30 Sep → last day of the month of 72 months
            ("2020-02-29", "2026-09-30"),  // 72 months = 28 Feb 2026, before 30 Sep
            ("2019-12-31", "2025-12-31"),
            ("2024-02-29", "2030-09-30"),
            ("2020-01-01", "2026-09-30"),
            ("2020-11-30", "2026-11-30"),
            ("2021-10-31", "2027-10-31"),
            ("2022-12-01", "2028-12-31"),
        ])
    func endOfValidity(birth: String, expected: String) throws {
        let born = try #require(CalendarDay(iso: birth))
        for rule in CardValidity.Rule.allCases {
            #expect(rule.validTo(birth: born).iso == expected, "\(rule.rawValue)")
        }
        #expect(CardValidity.validTo(birth: born, on: born).iso == expected)
    }

    @Test("72 months of a 29 February birth end on 28 February; other days keep their day")
    func seventyTwoMonths() throws {
        #expect(CardValidity.reaches72Months(birth: try #require(CalendarDay(iso: "2020-02-29"))).iso == "2026-02-28")
        #expect(CardValidity.reaches72Months(birth: try #require(CalendarDay(iso: "2024-02-29"))).iso == "2030-02-28")
        #expect(CardValidity.reaches72Months(birth: try #require(CalendarDay(iso: "2019-08-31"))).iso == "2025-08-31")
    }

    @Test(
        "the rule in force on a date: Decree 146 from 2018-12-01, Decree 188 from 2025-08-15",
        arguments: [
            ("2002-09-27", CardValidity.Rule.decree146of2018),  // before any version: the oldest
            ("2018-11-30", .decree146of2018),
            ("2018-12-01", .decree146of2018),
            ("2025-08-14", .decree146of2018),
            ("2025-08-15", .decree188of2025),
            ("2026-11-20", .decree188of2025),
        ])
    func versions(date: String, expected: CardValidity.Rule) throws {
        #expect(CardValidity.rule(on: try #require(CalendarDay(iso: date))) == expected)
    }

    @Test("CalendarDay accepts only existing days written YYYY-MM-DD")
    func calendarDay() {
        #expect(CalendarDay(iso: "2024-02-29") != nil)
        for text in [
            "2026-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-1-01", "2026-01-01T00:00", "２０２６-01-01",
        ] {
            #expect(CalendarDay(iso: text) == nil, "\(text)")
        }
        #expect(CalendarDay(iso: "2000-02-29") != nil)
    }

    @Test("the adapter's card dates pass the mock's own rule for every birth date 2012–2026")
    func agreesWithMock() throws {
        let base = try InsuranceFixtures.record(named: "KS-2026-000000003.json")
        let adapter = InsuranceAdapter()
        var day = try #require(CalendarDay(iso: "2012-01-01"))
        var checked = 0
        while day.year <= 2026 {
            var record = base
            record.subjects[0].birthDate = .day(year: day.year, month: day.month, day: day.day)
            record.registration.date = day.adding(months: 1).iso
            let request = try InsuranceFixtures.request(
                adapter.prepare(InsuranceFixtures.job(record, "issue-child-card", upstreamPIN: "001326004711")))
            let problems = InsuranceContract.violations(.issueChildCard, body: request.body)
            #expect(problems.isEmpty, "born \(day.iso): \(problems)")
            day = try #require(
                CalendarDay(year: day.year, month: day.month, day: day.day + 1) ?? day.adding(months: 1).firstOfMonth)
            checked += 1
        }
        #expect(checked == 5479)
    }
}

extension CalendarDay {
    fileprivate var firstOfMonth: CalendarDay? { CalendarDay(year: year, month: month, day: 1) }
}
