import Foundation

/// The results document of contract §9, version 1. Other tools read it: keys and meanings only
/// ever grow; a breaking change gets a new `version`.
public enum ResultsFile {
    public static func json(_ results: Results) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Document(results))
    }

    struct Document: Encodable {
        var version = 1
        var target: String?
        var started: String?
        var finished: String?
        var summary: Summary
        var checks: [Check]
        var criteria: [CriterionEntry]
        var revision: HandbookRevision?

        init(_ r: Results) {
            revision = r.handbookRevision
            target = r.target
            started = r.started.map(ResultsFile.timestamp)
            finished = r.finished.map(ResultsFile.timestamp)
            summary = Summary(r)
            checks = (r.checks ?? []).map(Check.init)
            criteria = r.criteria.map(CriterionEntry.init)
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(version, forKey: .version)
            // Which opsbook wrote the file (additive keys: readers of version 1 ignore them).
            try c.encode(OpsbookVersion.version, forKey: .opsbook_version)
            try c.encode(OpsbookVersion.commit, forKey: .opsbook_commit)
            try c.encode(target, forKey: .target)
            try c.encode(started, forKey: .started)
            try c.encode(finished, forKey: .finished)
            try c.encode(summary, forKey: .summary)
            try c.encode(checks, forKey: .checks)
            try c.encode(criteria, forKey: .criteria)
            // Added in place (keys only grow): null outside a git checkout.
            try c.encode(revision?.commit, forKey: .handbook_commit)
            try c.encode(revision?.dirty, forKey: .handbook_dirty)
        }
        enum Key: String, CodingKey { case version, opsbook_version, opsbook_commit, target, started, finished, summary, checks, criteria, handbook_commit, handbook_dirty }
    }

    struct Summary: Encodable {
        var checks: [String: Int]
        var criteria: [String: Int]
        init(_ r: Results) {
            checks = Dictionary(uniqueKeysWithValues: CheckStatus.allCases.map { ($0.rawValue, r.count($0)) })
            var c = Dictionary(uniqueKeysWithValues: CriterionStatus.allCases.map { ($0.rawValue, r.count($0)) })
            c["claimed-failing"] = r.claimedFailing.count
            criteria = c
        }
    }

    /// Optional values are written as `null`, not left out: readers can rely on every key.
    struct Check: Encodable {
        var r: CheckResult
        init(_ r: CheckResult) { self.r = r }
        enum Key: String, CodingKey {
            case id, page, line, status, exit, duration_ms, attempts, reason, output, output_truncated, diff, started
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(r.id, forKey: .id)
            try c.encode(r.page, forKey: .page)
            try c.encode(r.line, forKey: .line)
            try c.encode(r.status.rawValue, forKey: .status)
            try c.encode(r.exit, forKey: .exit)
            try c.encode(r.durationMilliseconds, forKey: .duration_ms)
            try c.encode(r.attempts, forKey: .attempts)
            try c.encode(r.reason, forKey: .reason)
            try c.encode(r.output, forKey: .output)
            try c.encode(r.outputTruncated, forKey: .output_truncated)
            try c.encode(r.diff, forKey: .diff)
            try c.encode(r.startedAt.map(ResultsFile.timestamp), forKey: .started)
        }
    }

    struct CriterionEntry: Encodable {
        var v: CriterionVerdict
        init(_ v: CriterionVerdict) { self.v = v }
        enum Key: String, CodingKey { case page, line, anchor, text, claimed, status, claimed_failing, checks, attested_by, attested_on, expires }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(v.criterion.page, forKey: .page)
            try c.encode(v.criterion.position.line, forKey: .line)
            try c.encode(v.criterion.anchor, forKey: .anchor)
            try c.encode(v.criterion.text, forKey: .text)
            try c.encode(v.criterion.claimedDone, forKey: .claimed)
            try c.encode(v.status.rawValue, forKey: .status)
            try c.encode(v.isClaimedFailing, forKey: .claimed_failing)
            try c.encode(v.criterion.checkIDs, forKey: .checks)
            if let a = v.attestation {
                try c.encode(a.by, forKey: .attested_by)
                try c.encode(a.on.description, forKey: .attested_on)
                try c.encode(a.expires?.description, forKey: .expires)
            }
        }
    }

    /// `2026-11-24T10:00:04Z`: the one timestamp format of results, site and fixture headers.
    /// One formatter for the process: making one costs ~0.3 ms, a site with thousands of checks
    /// stamped each of them. Behind a lock: Foundation does not promise the formatter is safe to
    /// share between the threads that render pages.
    public static func timestamp(_ date: Date) -> String {
        stamper.withLock { $0.string(from: date) }
    }

    private static let stamper = Locked<ISO8601DateFormatter>({
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f
    }())
}

/// JUnit XML: one testsuite per page, one testcase per check, so CI systems can display them.
public enum JUnitReport {
    public static func xml(_ results: Results) -> String {
        let checks = results.checks ?? []
        var pages: [String] = []
        for c in checks where !pages.contains(c.page) { pages.append(c.page) }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let failures = checks.filter { $0.status == .failed || $0.status == .timedOut }.count
        let errors = checks.filter { $0.status == .errored }.count
        out += "<testsuites name=\"opsbook\" tests=\"\(checks.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        for page in pages {
            let mine = checks.filter { $0.page == page }
            out += "  <testsuite name=\"\(x(page))\" tests=\"\(mine.count)\" failures=\"\(mine.filter { $0.status == .failed || $0.status == .timedOut }.count)\" errors=\"\(mine.filter { $0.status == .errored }.count)\" skipped=\"\(mine.filter { $0.status == .skipped }.count)\">\n"
            for c in mine { out += testcase(c) }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    private static func testcase(_ c: CheckResult) -> String {
        var s = "    <testcase classname=\"\(x(c.page))\" name=\"\(x(c.id))\" file=\"\(x(c.page))\" line=\"\(c.line)\" time=\"\(String(format: "%.3f", Double(c.durationMilliseconds) / 1000))\">"
        let detail = x([c.diff, c.output].compactMap { $0 }.joined(separator: "\n"))
        switch c.status {
        case .passed: break
        case .skipped: s += "<skipped message=\"\(x(c.reason ?? ""))\"/>"
        case .errored: s += "<error message=\"\(x(c.reason ?? "errored"))\">\(detail)</error>"
        case .failed, .timedOut: s += "<failure message=\"\(x(c.reason ?? c.status.rawValue))\">\(detail)</failure>"
        }
        return s + "</testcase>\n"
    }

    /// XML-escapes and drops characters XML 1.0 cannot carry (command output may hold any byte).
    static func x(_ s: String) -> String {
        let allowed = s.unicodeScalars.filter { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0.value >= 0x20 && $0.value != 0xFFFE && $0.value != 0xFFFF }
        return HTML.escape(String(String.UnicodeScalarView(allowed)))
    }
}

extension ResultsFile {
    /// An earlier run read back (`opsbook build --results FILE`): its check results, target and
    /// times. Criteria are judged again from the current handbook, never copied.
    public struct EarlierRun: Sendable {
        public var target: String?
        public var started: Date?
        public var finished: Date?
        public var checks: [CheckResult]
    }

    public struct ReadError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func read(_ data: Data) throws -> EarlierRun {
        guard let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ReadError(description: "not a JSON object")
        }
        guard doc["version"] as? Int == 1 else { throw ReadError(description: "unsupported results version \(doc["version"] ?? "none"); expected 1") }
        guard let checks = doc["checks"] as? [[String: Any]] else { throw ReadError(description: "no `checks` list") }
        let dates = ISO8601DateFormatter()
        var out: [CheckResult] = []
        for (i, c) in checks.enumerated() {
            guard let id = c["id"] as? String, let page = c["page"] as? String, let line = c["line"] as? Int,
                  let raw = c["status"] as? String, let status = CheckStatus(rawValue: raw) else {
                throw ReadError(description: "checks[\(i)] lacks id, page, line or a known status")
            }
            out.append(CheckResult(id: id, page: page, line: line, status: status, exit: c["exit"] as? Int,
                                   durationMilliseconds: c["duration_ms"] as? Int ?? 0, attempts: c["attempts"] as? Int ?? 0,
                                   reason: c["reason"] as? String, output: c["output"] as? String ?? "",
                                   outputTruncated: c["output_truncated"] as? Bool ?? false, diff: c["diff"] as? String,
                                   startedAt: (c["started"] as? String).flatMap(dates.date(from:))))
        }
        return EarlierRun(target: doc["target"] as? String, started: (doc["started"] as? String).flatMap(dates.date(from:)),
                          finished: (doc["finished"] as? String).flatMap(dates.date(from:)), checks: out)
    }
}
