import Foundation

/// Regular expressions that cannot hang opsbook (issue #12). `(a+)+$` against 31 `a`s and a `!`
/// backtracks for minutes in any backtracking engine, Swift's `Regex` included, and Swift's
/// `Regex` neither stops at a deadline nor notices task cancellation. ICU's engine, behind
/// `NSRegularExpression`, calls back periodically with `.reportProgress` and stops when asked:
/// so every match of an author's or a `redact.yaml` pattern runs against a `MatchBudget`, and
/// running out of it is a clear error instead of a hang. Patterns use ICU syntax (what
/// `NSRegularExpression` documents); the built-in redaction rules, written by us, stay on `Regex`.
public struct BoundedRegex: @unchecked Sendable {
    // NSRegularExpression is immutable after creation and documented as thread-safe.
    public let pattern: String
    let regex: NSRegularExpression
    /// The same pattern anchored at both ends, for whole-line matching.
    let whole: NSRegularExpression

    public init(_ pattern: String) throws {
        self.pattern = pattern
        regex = try NSRegularExpression(pattern: pattern)
        whole = try NSRegularExpression(pattern: "\\A(?:" + pattern + ")\\z")
    }

    /// Nil when the pattern compiles; otherwise ICU's reason, in words.
    public static func compileProblem(_ pattern: String) -> String? {
        do { _ = try BoundedRegex(pattern); return nil } catch {
            return "ICU cannot compile it (\((error as NSError).code == 2048 ? "syntax error" : "\(error)"))"
        }
    }

    /// Whether the whole of `text` matches; nil when the budget ran out first.
    public func wholeMatch(_ text: String, budget: MatchBudget) -> Bool? {
        var found = false
        let complete = run(whole, on: text, budget: budget) { _ in found = true; return false }
        return complete || found ? found : nil
    }

    /// Every match in `text`, in order; nil when the budget ran out first.
    public func matches(in text: String, budget: MatchBudget) -> [NSTextCheckingResult]? {
        var all: [NSTextCheckingResult] = []
        let complete = run(regex, on: text, budget: budget) { all.append($0); return true }
        return complete ? all : nil
    }

    /// Enumerates with progress reports so a runaway match stops at the budget's deadline.
    /// Returns false when it was stopped by the budget.
    private func run(_ re: NSRegularExpression, on text: String, budget: MatchBudget,
                     _ each: (NSTextCheckingResult) -> Bool) -> Bool {
        if budget.isSpent { return false }
        var stoppedByBudget = false
        let range = NSRange(text.startIndex..., in: text)
        // Foundation declares the block escaping; it is only called during the enumeration.
        withoutActuallyEscaping(each) { each in
            re.enumerateMatches(in: text, options: [.reportProgress], range: range) { result, _, stop in
                if let result {
                    if !each(result) { stop.pointee = true }
                } else if budget.isPastDeadline {
                    stoppedByBudget = true
                    stop.pointee = true
                }
            }
        }
        if stoppedByBudget { budget.spend(on: pattern) }
        return !stoppedByBudget
    }
}

/// How long the regular expressions of one judgement may take in all. Used by one thread at a
/// time (a check is judged on its worker thread), so it is a plain class.
public final class MatchBudget {
    public let deadline: DispatchTime
    public let milliseconds: Int
    /// The pattern that ran out of time, once one has.
    public private(set) var spentOn: String?

    public init(milliseconds: Int) {
        self.milliseconds = milliseconds
        deadline = .now() + .milliseconds(milliseconds)
    }

    /// A budget for callers that have no deadline of their own (tests, lint): ten seconds.
    public static func standard() -> MatchBudget { MatchBudget(milliseconds: 10_000) }

    var isPastDeadline: Bool { DispatchTime.now() >= deadline }
    public var isSpent: Bool { spentOn != nil }

    /// Why matching could not be finished, once it could not.
    public private(set) var reason: String?

    func spend(on pattern: String) {
        guard spentOn == nil else { return }
        spentOn = pattern
        reason = reason ?? "regular expression `\(pattern)` took more than \(Double(milliseconds) / 1000)s to match (nested quantifiers like `(a+)+` backtrack exponentially); rewrite it"
    }

    /// A line the matcher would not try at all (too long).
    func refuse(_ why: String) { if reason == nil { reason = why } }
}

/// Compiled patterns, shared across threads: a `retry=` check or a long transcript would
/// otherwise compile the same regex for every line.
final class RegexCache: @unchecked Sendable {
    static let shared = RegexCache()
    private var cache: [String: BoundedRegex?] = [:]
    private let lock = NSLock()

    func regex(_ pattern: String) -> BoundedRegex? {
        lock.lock()
        defer { lock.unlock() }
        if let hit = cache[pattern] { return hit }
        let compiled = try? BoundedRegex(pattern)
        cache[pattern] = compiled
        return compiled
    }
}
