/// A line diff of expected vs actual, as data first; `text` renders it (`-` expected, `+` actual).
public struct OutputDiff: Hashable, Sendable {
    public enum Line: Hashable, Sendable {
        case same(String), expected(String), actual(String)
        /// A run of matching lines left out of the text: how many.
        case folded(Int)
        /// Lines the diff gave up showing because it is too long: how many.
        case cut(Int)
    }

    public var lines: [Line]

    /// Cells of the longest-common-subsequence table we allow (expected × actual lines of the part
    /// that differs); beyond it the differing part is shown side by side without alignment.
    static let tableLimit = 4_000_000
    /// Context kept around each change; longer runs of matching lines are folded.
    static let context = 3
    /// Changed lines shown at most; a diff of a million lines helps nobody and once made 67 MB.
    static let shownChangesLimit = 400
    /// Bytes of one line shown at most.
    static let shownLineBytes = 2048

    /// Longest common subsequence where "equal" means "the expected line matches". The lines
    /// that agree at the start and at the end are taken off first, so a 5 000-line output whose
    /// tenth line differs costs a table of one cell and shows that line (issue #13: the old
    /// version kept only the last 2 000 lines and could show no change at all).
    public static func make(expected: [ExpectedLine], actual: [String], endsWithNewline: Bool = true,
                            budget: MatchBudget = .standard()) -> OutputDiff {
        let walk = Walk(expected: expected, actual: actual, endsWithNewline: endsWithNewline, budget: budget)
        return OutputDiff(lines: fold(walk.lines()))
    }

    public static func make(expected: [ExpectedLine], actual: ActualOutput, budget: MatchBudget = .standard()) -> OutputDiff {
        make(expected: expected, actual: actual.lines, endsWithNewline: actual.endsWithNewline, budget: budget)
    }

    /// Keeps `context` matching lines around each change, folds the rest, and stops after
    /// `shownChangesLimit` changed lines.
    static func fold(_ lines: [Line]) -> [Line] {
        var out: [Line] = []
        var run: [Line] = []
        var changes = 0
        func flush(atEnd: Bool) {
            let head = out.isEmpty ? 0 : context, tail = atEnd ? 0 : context
            if run.count > head + tail + 1 {
                out += run.prefix(head) + [.folded(run.count - head - tail)] + run.suffix(tail)
            } else {
                out += run
            }
            run = []
        }
        for (index, line) in lines.enumerated() {
            if case .same = line { run.append(line); continue }
            flush(atEnd: false)
            if changes == shownChangesLimit {
                out.append(.cut(lines.count - index))
                return out
            }
            out.append(line)
            changes += 1
        }
        flush(atEnd: true)
        return out
    }

    public var text: String {
        lines.map {
            switch $0 {
            case .same(let s): return " " + Self.shown(s)
            case .expected(let s): return "-" + Self.shown(s)
            case .actual(let s): return "+" + Self.shown(s)
            case .folded(let n): return "@@ \(n) matching line\(n == 1 ? "" : "s") not shown @@"
            case .cut(let n): return "@@ diff cut here: \(n) more line\(n == 1 ? "" : "s") not shown @@"
            }
        }.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
    }

    /// A line as the diff shows it: control bytes written as cram's `(esc)`, and cut to
    /// `shownLineBytes` with a note saying so.
    static func shown(_ s: String) -> String {
        var line = s
        var note = ""
        if line.utf8.count > shownLineBytes {
            var cut = line.utf8.prefix(shownLineBytes)
            while let last = cut.last, last & 0xC0 == 0x80 { cut = cut.dropLast() }
            if let last = cut.last, last >= 0xC0 { cut = cut.dropLast() }
            note = " … [line cut: \(line.utf8.count - cut.count) more bytes]"
            line = String(decoding: cut, as: UTF8.self)
        }
        if let escaped = EscapedText.encode(line) { return escaped + note + " (esc)" }
        return line + note
    }
}

extension OutputDiff {
    /// One diff computation: trims the agreeing ends, then aligns the middle.
    struct Walk {
        let expected: [ExpectedLine]
        let actual: [String]
        let endsWithNewline: Bool
        let budget: MatchBudget

        func agrees(_ i: Int, _ j: Int) -> Bool {
            let e = expected[i]
            return e.rule != .anyLines
                && Matcher.matches(e, actual[j], isUnterminatedLast: j == actual.count - 1 && !endsWithNewline, budget: budget)
        }

        /// An actual line as shown: the one without its final newline says so, as cram does.
        func shownActual(_ j: Int) -> String {
            j == actual.count - 1 && !endsWithNewline ? actual[j] + " (no-eol)" : actual[j]
        }

        func lines() -> [Line] {
            var head = 0
            while head < expected.count, head < actual.count, agrees(head, head) { head += 1 }
            var tail = 0
            while tail < expected.count - head, tail < actual.count - head,
                  agrees(expected.count - 1 - tail, actual.count - 1 - tail) { tail += 1 }
            let prefix = (0..<head).map { Line.same(actual[$0]) }
            let suffix = (actual.count - tail..<actual.count).map { Line.same(actual[$0]) }
            let e = head..<(expected.count - tail), a = head..<(actual.count - tail)
            let middle = e.count * a.count <= OutputDiff.tableLimit ? aligned(e, a) : unaligned(e, a)
            return prefix + middle + suffix
        }

        /// Everything expected, then everything actual: too big to align.
        func unaligned(_ e: Range<Int>, _ a: Range<Int>) -> [Line] {
            e.map { Line.expected(expected[$0].text) } + a.map { Line.actual(shownActual($0)) }
        }

        func aligned(_ er: Range<Int>, _ ar: Range<Int>) -> [Line] {
            let e = er.count, a = ar.count, e0 = er.lowerBound, a0 = ar.lowerBound
            var table = [[Int]](repeating: [Int](repeating: 0, count: a + 1), count: e + 1)
            for i in stride(from: e - 1, through: 0, by: -1) {
                for j in stride(from: a - 1, through: 0, by: -1) {
                    table[i][j] = agrees(e0 + i, a0 + j) ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
                }
            }
            var out: [Line] = []
            var i = 0, j = 0
            while i < e || j < a {
                if i < e, expected[e0 + i].rule == .anyLines {
                    out.append(.same(expected[e0 + i].text)); i += 1
                    // `...` absorbs the actual lines that the rest of the expectation does not need.
                    while j < a, table[i][j] == table[i][j + 1] { j += 1 }
                } else if i < e, j < a, agrees(e0 + i, a0 + j) {
                    out.append(.same(actual[a0 + j])); i += 1; j += 1
                } else if i < e, j == a || table[i + 1][j] >= table[i][j + 1] {
                    // Expected (-) before actual (+), as diff tools show a replaced line.
                    out.append(.expected(expected[e0 + i].text)); i += 1
                } else {
                    out.append(.actual(shownActual(a0 + j))); j += 1
                }
            }
            return out
        }
    }
}
