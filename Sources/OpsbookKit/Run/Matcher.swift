import Foundation

/// Decides whether actual output lines satisfy a transcript command's expected lines (contract §3).
public enum Matcher {
    /// Splits output into lines; a missing newline at the very end is ignored.
    public static func lines(_ output: String) -> [String] {
        var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// One expected line against one actual line. An actual line equal to the expected text
    /// always matches, whatever it ends in (so `(re)` and `(glob)` can be matched literally).
    public static func matches(_ expected: ExpectedLine, _ actual: String) -> Bool {
        if actual == expected.text { return true }
        let trimmed = rstrip(actual)
        switch expected.rule {
        case .literal(let text): return trimmed == rstrip(text)
        case .regex(let pattern): return wholeMatch(pattern, actual) || wholeMatch(pattern, trimmed)
        case .glob(let pattern): return wholeMatch(globToRegex(pattern), actual) || wholeMatch(globToRegex(pattern), trimmed)
        case .anyLines: return false
        }
    }

    /// All expected lines against all actual lines; `...` matches any run of lines, including none.
    /// Dynamic programming from the end, one row per expected line, O(actual) memory.
    public static func matches(_ expected: [ExpectedLine], _ actual: [String]) -> Bool {
        if !expected.contains(where: { $0.rule == .anyLines }) {
            return expected.count == actual.count && zip(expected, actual).allSatisfy { matches($0, $1) }
        }
        let n = actual.count
        var next = [Bool](repeating: false, count: n + 1)
        next[n] = true  // no expected lines left: only the end of output matches
        for e in expected.reversed() {
            var row = [Bool](repeating: false, count: n + 1)
            for j in stride(from: n, through: 0, by: -1) {
                if e.rule == .anyLines {
                    row[j] = next[j] || (j < n && row[j + 1])
                } else {
                    row[j] = j < n && next[j + 1] && matches(e, actual[j])
                }
            }
            next = row
        }
        return next[0]
    }

    static func rstrip(_ s: String) -> String {
        var s = Substring(s)
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return String(s)
    }

    private static func wholeMatch(_ pattern: String, _ text: String) -> Bool {
        guard let regex = RegexCache.shared.regex(pattern) else { return false }
        return (try? regex.wholeMatch(in: text)) != nil
    }

    /// `*` any run, `?` one character; `\*`, `\?`, `\\` themselves; everything else literal.
    static func globToRegex(_ glob: String) -> String {
        var out = ""
        var escaping = false
        for ch in glob {
            if escaping {
                out += NSRegularExpression.escapedPattern(for: String(ch))
                escaping = false
            } else if ch == "\\" {
                escaping = true
            } else if ch == "*" {
                out += ".*"
            } else if ch == "?" {
                out += "."
            } else {
                out += NSRegularExpression.escapedPattern(for: String(ch))
            }
        }
        if escaping { out += "\\\\" }
        return out
    }
}

/// Compiled patterns, shared across threads: a `retry=` check or a long transcript would
/// otherwise compile the same regex for every line.
final class RegexCache: @unchecked Sendable {
    static let shared = RegexCache()
    private var cache: [String: Regex<AnyRegexOutput>?] = [:]
    private let lock = NSLock()

    func regex(_ pattern: String) -> Regex<AnyRegexOutput>? {
        lock.lock()
        defer { lock.unlock() }
        if let hit = cache[pattern] { return hit }
        let compiled = try? Regex(pattern)
        cache[pattern] = compiled
        return compiled
    }
}
