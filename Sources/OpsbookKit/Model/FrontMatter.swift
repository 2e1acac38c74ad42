/// A calendar date as written in front matter and attestations (`YYYY-MM-DD`), no time zone.
public struct Day: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public var year, month, day: Int

    public init?(iso: String) {
        let parts = iso.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= Day.daysIn(month: m, year: y) else { return nil }
        (year, month, day) = (y, m, d)
    }

    public init(year: Int, month: Int, day: Int) { (self.year, self.month, self.day) = (year, month, day) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (proleptic Gregorian), for "how long ago" arithmetic without time zones.
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public var description: String {
        func pad(_ n: Int, _ w: Int) -> String { String(repeating: "0", count: max(0, w - String(n).count)) + String(n) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
}

public enum PageKind: String, Sendable, Hashable, CaseIterable {
    case phase, runbook, guide, page
}

public enum Severity: String, Sendable, Hashable, CaseIterable {
    case p0 = "P0", p1 = "P1", p2 = "P2", p3 = "P3"
}

/// The keys of contract §1. Unknown keys are kept in `extra` and shown nowhere.
public struct FrontMatter: Hashable, Sendable {
    public var title: String?
    public var kind: PageKind = .page
    public var order: Int?
    public var owner: String?
    public var tags: [String] = []
    public var phase: Int?
    public var starts: Day?
    public var due: Day?
    public var component: String?
    public var severity: Severity?
    public var lastReviewed: Day?
    /// `review-every`, in days.
    public var reviewEveryDays: Int?
    public var extra: [String: String] = [:]

    public init() {}
}

import Foundation

extension Day {
    /// Today in UTC; commands take it once and hand it down so a run is consistent.
    public static func today(_ now: Date = Date()) -> Day {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return Day(year: c.year!, month: c.month!, day: c.day!)
    }
}
