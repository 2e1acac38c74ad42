import Foundation

/// Regular expressions that cannot hang opsbook (issue #12). `(a+)+$` against 31 `a`s and a `!`
/// backtracks for minutes in any backtracking engine, Swift's `Regex` included, and Swift's
/// `Regex` neither stops at a deadline nor notices task cancellation. ICU's engine, behind
/// `NSRegularExpression`, calls back periodically with `.reportProgress` and stops when asked:
/// so every match of an author's or a `redact.yaml` pattern runs against a `MatchBudget`, and
/// running out of it is a clear error instead of a hang. Patterns use ICU syntax (what
/// `NSRegularExpression` documents); the built-in redaction rules, written by us, stay on `Regex`.
public struct BoundedRegex: Sendable {
    // NSRegularExpression is immutable after creation, thread-safe, and declared Sendable.
    public let pattern: String
    let regex: NSRegularExpression
    /// The same pattern anchored at both ends, for whole-line matching.
    let whole: NSRegularExpression

    public init(_ pattern: String) throws {
        self.pattern = pattern
        regex = try NSRegularExpression(pattern: pattern)
        whole = try NSRegularExpression(pattern: "\\A(?:" + pattern + ")\\z")
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

/// Spots the shapes that make a backtracking engine take exponential time, for `opsbook lint`:
/// a group repeated without bound whose body is itself repeated without bound (`(a+)+`, `(x*)*`,
/// `(\w+\s?)*`), or whose alternatives overlap (`(a|a)*`, `(a|ab)+`). It reads the pattern's
/// structure, not its meaning, so it can miss a slow pattern and, rarely, flag a harmless one;
/// the match budget is what actually bounds the time.
public enum RegexShape {
    public struct Finding: Hashable, Sendable {
        /// UTF-8 offset of the group's `(` in the pattern.
        public var offset: Int
        public var group: String
    }

    private struct Frame {
        var start: Int
        var repeatsInside = false
        var alternatives: [String] = [""]
    }

    public static func nestedQuantifier(_ pattern: String) -> Finding? {
        let b = Array(pattern.utf8)
        var stack = [Frame(start: -1)]
        var i = 0
        func append(_ text: ArraySlice<UInt8>) {
            stack[stack.count - 1].alternatives[stack[stack.count - 1].alternatives.count - 1] += String(decoding: text, as: UTF8.self)
        }
        while i < b.count {
            let c = b[i]
            switch c {
            case UInt8(ascii: "\\"):
                append(b[i..<min(i + 2, b.count)]); i += 2
            case UInt8(ascii: "["):
                let end = classEnd(b, from: i)
                append(b[i..<end]); i = end
            case UInt8(ascii: "("):
                stack.append(Frame(start: i)); i += 1
            case UInt8(ascii: "|"):
                stack[stack.count - 1].alternatives.append(""); i += 1
            case UInt8(ascii: ")") where stack.count > 1:
                let frame = stack.removeLast()
                let (unbounded, after) = quantifier(b, at: i + 1)
                let body = String(decoding: b[(frame.start + 1)..<i], as: UTF8.self)
                if unbounded, (frame.repeatsInside && !startsWithSeparator(body)) || overlaps(frame.alternatives) {
                    return Finding(offset: frame.start, group: String(decoding: b[frame.start..<after], as: UTF8.self))
                }
                if unbounded || frame.repeatsInside { stack[stack.count - 1].repeatsInside = true }
                append(b[frame.start..<after]); i = after
            default:
                let (unbounded, after) = quantifier(b, at: i)
                if after > i {
                    if unbounded { stack[stack.count - 1].repeatsInside = true }
                    i = after
                } else {
                    append(b[i...i]); i += 1
                }
            }
        }
        return nil
    }

    /// Whether a quantifier starts at `i` that repeats without bound (`*`, `+`, `{n,}`), and
    /// where it ends (its lazy or possessive mark included); `after == i` when there is none.
    private static func quantifier(_ b: [UInt8], at i: Int) -> (Bool, Int) {
        guard i < b.count else { return (false, i) }
        var unbounded = false, j = i
        switch b[i] {
        case UInt8(ascii: "*"), UInt8(ascii: "+"): unbounded = true; j += 1
        case UInt8(ascii: "?"): j += 1
        case UInt8(ascii: "{"):
            guard let close = b[i...].firstIndex(of: UInt8(ascii: "}")) else { return (false, i) }
            let body = String(decoding: b[(i + 1)..<close], as: UTF8.self)
            guard body.allSatisfy({ $0.isNumber || $0 == "," }), body.first?.isNumber == true else { return (false, i) }
            unbounded = body.hasSuffix(",")
            j = close + 1
        default: return (false, i)
        }
        if j < b.count, b[j] == UInt8(ascii: "?") || b[j] == UInt8(ascii: "+") { j += 1 }
        return (unbounded, j)
    }

    /// `(-[a-z]+)*`, `(\.[0-9]+)*`: every repetition starts with a character nothing inside can
    /// match, so the ways to split a line are few and the group is safe. Judged conservatively:
    /// any wildcard, negated class or second occurrence of the character means "not a separator".
    static func startsWithSeparator(_ group: String) -> Bool {
        var body = Substring(group)
        if body.hasPrefix("?:") { body = body.dropFirst(2) }
        var first = body.first
        var rest = body.dropFirst()
        var isEscaped = false
        if first == "\\", let escaped = rest.first, !escaped.isLetter, !escaped.isNumber {
            first = escaped
            rest = rest.dropFirst()
            isEscaped = true
        }
        guard let c = first, !c.isLetter, !c.isNumber, c != "_", isEscaped || !"([.|^$*+?{\\".contains(c),
              rest.first.map({ !"*+?{".contains($0) }) ?? true else { return false }
        let wildcards = [".", "[^", "\\W", "\\S", "\\D", "\\p", "\\P", "\\X"] + (c.isWhitespace ? ["\\s"] : [])
        // Ranges of letters and digits (`a-z`, `0-9`) cannot contain the separator; take their
        // `-` out so `(-[a-z]+)*` reads as safe.
        let withoutRanges = String(rest).replacingOccurrences(of: "([A-Za-z0-9])-([A-Za-z0-9])", with: "$1$2", options: .regularExpression)
        return !withoutRanges.contains(c) && !wildcards.contains(where: { rest.contains($0) })
    }

    private static func classEnd(_ b: [UInt8], from start: Int) -> Int {
        var i = start + 1
        if i < b.count, b[i] == UInt8(ascii: "^") { i += 1 }
        if i < b.count, b[i] == UInt8(ascii: "]") { i += 1 }
        while i < b.count, b[i] != UInt8(ascii: "]") { i += b[i] == UInt8(ascii: "\\") ? 2 : 1 }
        return min(i + 1, b.count)
    }

    /// Two alternatives where one can start like the other: equal, or one a prefix of the other.
    private static func overlaps(_ alternatives: [String]) -> Bool {
        guard alternatives.count > 1 else { return false }
        for (x, a) in alternatives.enumerated() {
            for b in alternatives[(x + 1)...] where !a.isEmpty && !b.isEmpty && (a.hasPrefix(b) || b.hasPrefix(a)) {
                return true
            }
        }
        return false
    }
}

extension BoundedRegex {
    /// Replaces every match with `mask`, within `budget`. When the budget runs out the whole text
    /// is withheld instead: a redaction pattern that could not finish must not let the secret
    /// it was written for through.
    public func replacingMatches(in text: String, with mask: String, budget: MatchBudget) -> String {
        guard let found = matches(in: text, budget: budget) else {
            return "[REDACTED: the checks/redact.yaml pattern `\(pattern)` took too long; output withheld]"
        }
        guard !found.isEmpty else { return text }
        let ns = NSMutableString(string: text)
        for m in found.reversed() { ns.replaceCharacters(in: m.range, with: mask) }
        return String(ns)
    }
}
