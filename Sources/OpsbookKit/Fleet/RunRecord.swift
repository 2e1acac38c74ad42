import Foundation

/// One results file read back whole (contract §9, version 1): what history, `diff`, metrics and
/// the several-targets site need. `ResultsFile.read` keeps only the checks, because a rebuild
/// judges criteria again; history and diff need the verdicts as they were decided *then*.
public struct RunRecord: Sendable, Hashable {
    public var target: String
    public var started: Date?
    public var finished: Date?
    public var checks: [Check]
    public var criteria: [CriterionEntry]

    public struct Check: Sendable, Hashable {
        public var id: String
        public var page: String
        public var status: CheckStatus
        public var exit: Int?
        public var durationMilliseconds: Int
        public var reason: String?
        public var output: String
        public var diff: String?
    }

    public struct CriterionEntry: Sendable, Hashable {
        public var page: String
        public var line: Int
        public var text: String
        public var status: CriterionStatus
        public var claimedFailing: Bool
        public var checks: [String]
        /// Criteria are matched across runs by page and text: line numbers move when a page is edited.
        public var key: CriterionKey { CriterionKey(page: page, text: text) }
    }

    /// The versions of the results file this opsbook reads.
    public static let readableVersions = [1]

    public init(target: String, started: Date?, finished: Date?, checks: [Check], criteria: [CriterionEntry]) {
        self.target = target
        self.started = started
        self.finished = finished
        self.checks = checks
        self.criteria = criteria
    }

    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads a results file; `fallbackTarget` names runs written without a target (`--no-checks`).
    public static func read(_ data: Data, fallbackTarget: String = "unknown") throws -> RunRecord {
        guard let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ReadError(description: "not a JSON object")
        }
        let version = doc["version"] as? Int
        guard let version, readableVersions.contains(version) else {
            throw ReadError(description: "results version \(doc["version"].map { "\($0)" } ?? "missing") is not one this opsbook reads (\(readableVersions.map(String.init).joined(separator: ", ")))")
        }
        let checks = try (doc["checks"] as? [[String: Any]] ?? []).enumerated().map { i, c in try check(c, index: i) }
        let criteria = try (doc["criteria"] as? [[String: Any]] ?? []).enumerated().map { i, c in try criterion(c, index: i) }
        return RunRecord(target: doc["target"] as? String ?? fallbackTarget, started: date(doc["started"]),
                         finished: date(doc["finished"]), checks: checks, criteria: criteria)
    }

    private static func check(_ c: [String: Any], index: Int) throws -> Check {
        guard let id = c["id"] as? String, let page = c["page"] as? String,
              let status = (c["status"] as? String).flatMap(CheckStatus.init(rawValue:)) else {
            throw ReadError(description: "checks[\(index)] lacks id, page or a known status")
        }
        return Check(id: id, page: page, status: status, exit: c["exit"] as? Int,
                     durationMilliseconds: c["duration_ms"] as? Int ?? 0, reason: c["reason"] as? String,
                     output: c["output"] as? String ?? "", diff: c["diff"] as? String)
    }

    private static func criterion(_ c: [String: Any], index: Int) throws -> CriterionEntry {
        guard let page = c["page"] as? String, let text = c["text"] as? String,
              let status = (c["status"] as? String).flatMap(CriterionStatus.init(rawValue:)) else {
            throw ReadError(description: "criteria[\(index)] lacks page, text or a known status")
        }
        return CriterionEntry(page: page, line: c["line"] as? Int ?? 0, text: text, status: status,
                              claimedFailing: c["claimed_failing"] as? Bool ?? false, checks: c["checks"] as? [String] ?? [])
    }

    private static func date(_ value: Any?) -> Date? {
        (value as? String).flatMap { ISO8601DateFormatter().date(from: $0) }
    }

    /// When the run happened, for ordering: its start, else its end.
    public var time: Date? { started ?? finished }
}

/// A criterion's identity across runs and targets.
public struct CriterionKey: Hashable, Sendable, Comparable {
    public var page: String
    public var text: String
    public init(page: String, text: String) {
        self.page = page
        self.text = text
    }
    public init(_ criterion: Criterion) { self.init(page: criterion.page, text: criterion.text) }
    public static func < (a: CriterionKey, b: CriterionKey) -> Bool { (a.page, a.text) < (b.page, b.text) }
}

extension CriterionStatus {
    /// Worst first: what a chip row or a matrix cell sorts by, and what "the worst over all
    /// targets" means for the exit status.
    public var severity: Int {
        switch self {
        case .failed: 6
        case .skipped: 5
        case .notRun: 4
        case .manual: 3
        case .attested: 2
        case .passed: 1
        }
    }
}
