/// A line diff of expected vs actual, as data first; `text` renders it (`-` expected, `+` actual).
public struct OutputDiff: Hashable, Sendable {
    public enum Line: Hashable, Sendable {
        case same(String), expected(String), actual(String)
    }

    public var lines: [Line]

    /// Longest common subsequence where "equal" means "the expected line matches". Large outputs
    /// are cut to their last `limit` lines first so the table stays small.
    public static func make(expected: [ExpectedLine], actual: [String], limit: Int = 2000) -> OutputDiff {
        let actual = actual.count > limit ? Array(actual.suffix(limit)) : actual
        let e = expected.count, a = actual.count
        var table = [[Int]](repeating: [Int](repeating: 0, count: a + 1), count: e + 1)
        for i in stride(from: e - 1, through: 0, by: -1) {
            for j in stride(from: a - 1, through: 0, by: -1) {
                table[i][j] = agrees(expected[i], actual[j])
                    ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var out: [Line] = []
        var i = 0, j = 0
        while i < e || j < a {
            if i < e, expected[i].rule == .anyLines {
                out.append(.same(expected[i].text)); i += 1
                // `...` absorbs the actual lines that the rest of the expectation does not need.
                while j < a, table[i][j] == table[i][j + 1] { j += 1 }
            } else if i < e, j < a, agrees(expected[i], actual[j]) {
                out.append(.same(actual[j])); i += 1; j += 1
            } else if i < e, j == a || table[i + 1][j] >= table[i][j + 1] {
                // Expected (-) before actual (+), as diff tools show a replaced line.
                out.append(.expected(expected[i].text)); i += 1
            } else {
                out.append(.actual(actual[j])); j += 1
            }
        }
        return OutputDiff(lines: out)
    }

    private static func agrees(_ e: ExpectedLine, _ a: String) -> Bool {
        e.rule != .anyLines && Matcher.matches(e, a)
    }

    public var text: String {
        lines.map {
            switch $0 {
            case .same(let s): return " " + s
            case .expected(let s): return "-" + s
            case .actual(let s): return "+" + s
            }
        }.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
    }
}
