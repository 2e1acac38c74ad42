import Foundation

/// What changed between two runs of the same handbook (`opsbook diff OLD NEW`): new failures
/// first, then fixes, then other changes of status, then changes of evidence. It is what a CI job
/// posts on a merge request, so the order is the order a reviewer should read.
public struct RunDiff: Sendable {
    public var regressions: [Change] = []
    public var fixes: [Change] = []
    public var otherChanges: [Change] = []
    public var evidence: [Change] = []

    public struct Change: Sendable, Hashable {
        public enum Subject: Sendable, Hashable {
            case criterion(CriterionKey)
            case check(id: String, page: String)
        }
        public var subject: Subject
        /// nil: the criterion or check did not exist in that run.
        public var old: String?
        public var new: String?
        public var note: String?
    }

    /// A regression makes `diff` exit 1.
    public var regressed: Bool { !regressions.isEmpty }
    public var isEmpty: Bool { regressions.isEmpty && fixes.isEmpty && otherChanges.isEmpty && evidence.isEmpty }

    public init(old: RunRecord, new: RunRecord) {
        compareCriteria(old, new)
        compareChecks(old, new)
    }

    private mutating func compareCriteria(_ old: RunRecord, _ new: RunRecord) {
        let before = Dictionary(old.criteria.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let after = Dictionary(new.criteria.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for entry in new.criteria {
            let was = before[entry.key]
            guard was?.status != entry.status else { continue }
            let change = Change(subject: .criterion(entry.key), old: was?.status.rawValue, new: entry.status.rawValue,
                                note: entry.claimedFailing ? "claimed done, failing" : nil)
            file(change, wasFailing: was?.status == .failed, isFailing: entry.status == .failed)
        }
        for entry in old.criteria where after[entry.key] == nil {
            otherChanges.append(Change(subject: .criterion(entry.key), old: entry.status.rawValue, new: nil, note: "removed from the handbook"))
        }
    }

    private mutating func compareChecks(_ old: RunRecord, _ new: RunRecord) {
        let before = Dictionary(old.checks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for check in new.checks {
            let subject = Change.Subject.check(id: check.id, page: check.page)
            guard let was = before[check.id] else {
                if check.status.isFailure {
                    regressions.append(Change(subject: subject, old: nil, new: check.status.rawValue, note: check.reason))
                }
                continue
            }
            if was.status != check.status {
                file(Change(subject: subject, old: was.status.rawValue, new: check.status.rawValue, note: check.reason),
                     wasFailing: was.status.isFailure, isFailing: check.status.isFailure)
            } else if was.output != check.output || was.diff != check.diff || was.exit != check.exit {
                evidence.append(Change(subject: subject, old: was.status.rawValue, new: check.status.rawValue,
                                       note: RunDiff.evidenceNote(was, check)))
            }
        }
    }

    private mutating func file(_ change: Change, wasFailing: Bool, isFailing: Bool) {
        if isFailing && !wasFailing { regressions.append(change) }
        else if wasFailing && !isFailing { fixes.append(change) }
        else { otherChanges.append(change) }
    }

    private static func evidenceNote(_ a: RunRecord.Check, _ b: RunRecord.Check) -> String {
        if a.exit != b.exit { return "exit \(a.exit.map(String.init) ?? "none") → \(b.exit.map(String.init) ?? "none")" }
        if a.diff != b.diff { return "the diff changed" }
        return "the output changed"
    }
}

extension RunDiff {
    /// Plain text for a terminal, or Markdown for a merge-request comment.
    public func render(markdown: Bool, oldName: String, newName: String) -> String {
        var out = markdown ? "### opsbook: \(oldName) → \(newName)\n\n" : "opsbook diff: \(oldName) → \(newName)\n"
        if isEmpty { return out + (markdown ? "No changes.\n" : "no changes\n") }
        let sections: [(String, String, [Change])] = [
            ("New failures", "✗", regressions), ("Fixed", "✓", fixes),
            ("Other status changes", "•", otherChanges), ("Evidence changed", "~", evidence),
        ]
        for (title, mark, changes) in sections where !changes.isEmpty {
            out += markdown ? "\n**\(title) (\(changes.count))**\n\n" : "\n\(title) (\(changes.count)):\n"
            for change in changes { out += (markdown ? "- \(mark) " : "  \(mark) ") + line(change, markdown: markdown) + "\n" }
        }
        return out
    }

    private func line(_ c: Change, markdown: Bool) -> String {
        let what: String
        switch c.subject {
        case .criterion(let key): what = "\(key.page): \(markdown ? Self.escapeMarkdown(key.text) : key.text)"
        case .check(let id, let page): what = "\(page): check \(markdown ? "`\(id)`" : id)"
        }
        let transition = "\(c.old ?? "absent") → \(c.new ?? "absent")"
        let note = c.note.map { " (\(markdown ? Self.escapeMarkdown(Self.oneLine($0)) : Self.oneLine($0)))" } ?? ""
        return "\(what): \(transition)\(note)"
    }

    static func oneLine(_ s: String) -> String {
        let first = s.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        return first.count > 160 ? String(first.prefix(160)) + "…" : first
    }

    /// Criterion texts and reasons come from the handbook and from command output: in a Markdown
    /// comment they must not become links, mentions or HTML.
    static func escapeMarkdown(_ s: String) -> String {
        var out = ""
        for ch in s {
            if "\\`*_{}[]()<>#+!|@~".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}
