import Foundation

/// What history says about one criterion on one target: its current status, since when it has had
/// it, for how many consecutive runs, and its last runs at a glance.
public struct CriterionTimeline: Sendable, Hashable {
    public var status: CriterionStatus
    /// The start of the first run of the current streak.
    public var since: Date?
    /// Consecutive runs with the current status, the newest included.
    public var streak: Int
    /// The last runs, oldest first (at most `Timeline.stripLength`); nil where the criterion did
    /// not exist yet in that run.
    public var recent: [Point]

    public struct Point: Sendable, Hashable {
        public var time: Date?
        public var status: CriterionStatus?
    }
}

/// Turns a target's runs (oldest first, the current one last) into timelines per criterion, and
/// the per-phase "passed over time" series the dashboard draws.
public struct Timeline: Sendable {
    public static let stripLength = 20
    public var byTarget: [String: [CriterionKey: CriterionTimeline]]
    /// Per target, the runs used, oldest first.
    public var runs: [String: [RunRecord]]

    public init(runs: [String: [RunRecord]]) {
        self.runs = runs.mapValues { $0.sorted { ($0.time ?? .distantPast) < ($1.time ?? .distantPast) } }
        byTarget = self.runs.mapValues(Timeline.timelines)
    }

    public func timeline(_ key: CriterionKey, target: String) -> CriterionTimeline? {
        byTarget[target]?[key]
    }

    private static func timelines(_ runs: [RunRecord]) -> [CriterionKey: CriterionTimeline] {
        guard let newest = runs.last else { return [:] }
        let statuses: [[CriterionKey: CriterionStatus]] = runs.map { run in
            Dictionary(run.criteria.map { ($0.key, $0.status) }, uniquingKeysWith: { a, _ in a })
        }
        var out: [CriterionKey: CriterionTimeline] = [:]
        for entry in newest.criteria {
            let key = entry.key
            var streak = 0
            var since: Date? = nil
            for i in stride(from: runs.count - 1, through: 0, by: -1) {
                guard statuses[i][key] == entry.status else { break }
                streak += 1
                since = runs[i].time
            }
            let recent = runs.indices.suffix(stripLength).map { CriterionTimeline.Point(time: runs[$0].time, status: statuses[$0][key]) }
            out[key] = CriterionTimeline(status: entry.status, since: since, streak: streak, recent: recent)
        }
        return out
    }

    /// Per phase page, per target: (run time, passed criteria of that page) for every run.
    public func passedOverTime(page: String) -> [String: [(Date, Int)]] {
        runs.mapValues { runs in
            runs.compactMap { run in
                guard let time = run.time else { return nil }
                return (time, run.criteria.filter { $0.page == page && $0.status == .passed }.count)
            }
        }
    }
}
