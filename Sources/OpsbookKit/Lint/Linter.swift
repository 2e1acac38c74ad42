import Foundation

/// A lint rule looks at the loaded handbook and returns problems; it never runs anything.
public protocol LintRule: Sendable {
    func check(_ handbook: Handbook) -> [Diagnostic]
}

/// Runs every rule and returns all problems, not just the first.
public struct Linter: Sendable {
    public var rules: [any LintRule]

    public init(rules: [any LintRule] = Linter.defaultRules) {
        self.rules = rules
    }

    public static let defaultRules: [any LintRule] = [
        DuplicateCheckID(), UnknownCheckReference(), BrokenPageLink(), UnmarkedMutation(),
        TranscriptProblems(), CheckCannotFail(), SlowRegex(),
    ]

    /// The rules read the handbook and nothing else, so they run side by side; their problems
    /// come back in rule order, as if one ran after another.
    public func lint(_ handbook: Handbook) -> [Diagnostic] {
        rules.concurrentMap { $0.check(handbook) }.flatMap { $0 }
    }
}

struct DuplicateCheckID: LintRule {
    func check(_ handbook: Handbook) -> [Diagnostic] {
        var first: [String: CheckBlock] = [:]
        var out: [Diagnostic] = []
        for block in handbook.checks {
            if let earlier = first[block.id] {
                out.append(.error("check.duplicate-id", "check id `\(block.id)` is already used at \(earlier.position); ids are unique in the whole handbook", at: block.position))
            } else {
                first[block.id] = block
            }
        }
        return out
    }
}

struct UnknownCheckReference: LintRule {
    func check(_ handbook: Handbook) -> [Diagnostic] {
        let ids = Set(handbook.checks.map(\.id))
        return handbook.criteria.flatMap(\.references).compactMap { ref in
            ids.contains(ref.id) ? nil
                : .error("check.unknown-reference", "`check:\(ref.id)` names no check in the handbook", at: ref.position)
        }
    }
}

struct BrokenPageLink: LintRule {
    func check(_ handbook: Handbook) -> [Diagnostic] {
        let root = URL(fileURLWithPath: handbook.root)
        // One stat per link: pages are checked on every core, problems kept in page order.
        return handbook.pages.concurrentMap { check($0, root: root) }.flatMap { $0 }
    }

    private func check(_ page: Page, root: URL) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let folder = page.path.parentFolder
        for link in page.links {
            let file = link.url.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let target = file.split(separator: "?").first.map(String.init) ?? file
            guard !target.isEmpty else { continue }
            let decoded = target.removingPercentEncoding ?? target
            if !Self.exists(Self.lexicalPath(root.path + "/" + folder + "/" + decoded)) {
                out.append(.error("link.broken", "link to `\(link.url)`: no such file (\((folder as NSString).appendingPathComponent(decoded)))", at: link.position))
            }
        }
        return out
    }

    /// `a/./b/../c` → `a/c`, as `URL.standardizedFileURL` makes it, without Foundation's URL
    /// (a link check cost 17 µs through it: the whole rule ran longer than all the others).
    static func lexicalPath(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The path names a file or folder, following symbolic links (as `fileExists` does).
    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }
}
