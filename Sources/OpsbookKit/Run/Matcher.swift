import Foundation

/// Decides whether actual output lines satisfy a transcript command's expected lines (contract §3).
public enum Matcher {
    /// Lines longer than this are never given to a regular expression or a glob: the time a
    /// pattern takes grows with the line, and a 200 MB line once took minutes. Such a line
    /// matches only an expected line equal to it.
    public static let longestMatchedLine = 1 << 20

    /// Splits output into lines; a missing newline at the very end is ignored.
    public static func lines(_ output: String) -> [String] { ActualOutput(output).lines }

    /// One expected line against one actual line. An actual line equal to the expected text
    /// always matches, whatever it ends in (so `(re)` and `(glob)` can be matched literally).
    /// `isUnterminatedLast`: the line is the output's last and had no newline.
    public static func matches(_ expected: ExpectedLine, _ actual: String, isUnterminatedLast: Bool = false,
                               budget: MatchBudget = .standard()) -> Bool {
        if expected.noEOL && !isUnterminatedLast { return false }
        if actual == expected.text { return true }
        let trimmed = rstrip(actual)
        switch expected.rule {
        case .literal(let text): return trimmed == rstrip(text)
        case .escaped(let text): return actual == text
        case .regex:
            // Compiled once, when the transcript was parsed; a pattern that did not compile never matches.
            guard fits(actual, budget), let regex = expected.pattern?.regex else { return false }
            return regex.wholeMatch(actual, budget: budget) == true
                || (trimmed != actual && regex.wholeMatch(trimmed, budget: budget) == true)
        case .glob(let pattern):
            guard fits(actual, budget) else { return false }
            let glob = Glob(pattern)
            return glob.matches(actual) || (trimmed != actual && glob.matches(trimmed))
        case .anyLines: return false
        }
    }

    /// All expected lines against all actual lines; `...` matches any run of lines, including none.
    /// Dynamic programming from the end, one row per expected line, O(actual) memory.
    public static func matches(_ expected: [ExpectedLine], _ actual: ActualOutput, budget: MatchBudget = .standard()) -> Bool {
        let lines = actual.lines, n = lines.count
        func one(_ e: ExpectedLine, _ j: Int) -> Bool {
            matches(e, lines[j], isUnterminatedLast: j == n - 1 && !actual.endsWithNewline, budget: budget)
        }
        if !expected.contains(where: { $0.rule == .anyLines }) {
            return expected.count == n && expected.indices.allSatisfy { one(expected[$0], $0) }
        }
        var next = [Bool](repeating: false, count: n + 1)
        next[n] = true  // no expected lines left: only the end of output matches
        for e in expected.reversed() {
            var row = [Bool](repeating: false, count: n + 1)
            for j in stride(from: n, through: 0, by: -1) {
                if e.rule == .anyLines {
                    row[j] = next[j] || (j < n && row[j + 1])
                } else {
                    row[j] = j < n && next[j + 1] && one(e, j)
                }
            }
            next = row
        }
        return next[0]
    }

    /// Lines, all ending in a newline (the form tests and older callers use).
    public static func matches(_ expected: [ExpectedLine], _ actual: [String], budget: MatchBudget = .standard()) -> Bool {
        matches(expected, ActualOutput(lines: actual), budget: budget)
    }

    static func rstrip(_ s: String) -> String {
        var s = Substring(s)
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return String(s)
    }

    private static func fits(_ line: String, _ budget: MatchBudget) -> Bool {
        if line.utf8.count <= longestMatchedLine { return true }
        budget.refuse("an output line of \(line.utf8.count) bytes is longer than the \(longestMatchedLine >> 20) MiB opsbook matches with (re) or (glob)")
        return false
    }
}

/// A ` (glob)` pattern: `*` any run, `?` one character; only `\*`, `\?` and `\\` are escapes, so
/// `C:\dir\f*.txt` means what it says (as in cram). Matched directly, without a regular
/// expression: the usual star-backtracking walk is O(line × pattern) at worst, never exponential.
struct Glob {
    enum Token: Equatable { case char(Character), one, run }
    let tokens: [Token]

    init(_ pattern: String) {
        var tokens: [Token] = []
        var chars = pattern[...]
        while let c = chars.popFirst() {
            if c == "\\", let next = chars.first, next == "*" || next == "?" || next == "\\" {
                tokens.append(.char(next))
                chars.removeFirst()
            } else if c == "*" {
                if tokens.last != .run { tokens.append(.run) }
            } else {
                tokens.append(c == "?" ? .one : .char(c))
            }
        }
        self.tokens = tokens
    }

    func matches(_ text: String) -> Bool {
        let s = Array(text)
        var i = 0, p = 0
        var star: Int? = nil, resume = 0
        while i < s.count {
            if p < tokens.count, tokens[p] == .one || tokens[p] == .char(s[i]) {
                i += 1; p += 1
            } else if p < tokens.count, tokens[p] == .run {
                star = p; resume = i; p += 1
            } else if let s0 = star {
                // Let the last star take one more character and try again from there.
                resume += 1; i = resume; p = s0 + 1
            } else {
                return false
            }
        }
        while p < tokens.count, tokens[p] == .run { p += 1 }
        return p == tokens.count
    }
}
