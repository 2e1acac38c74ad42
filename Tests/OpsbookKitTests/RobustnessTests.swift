import XCTest
@testable import OpsbookKit

/// Hostile and random input never crashes the loader or the matcher, and every position it reports
/// points inside the file. Seeded, so a failure reproduces.
final class RobustnessTests: XCTestCase {
    private let pieces: [String] = [
        "---\n", "title: x\n", "kind: phase\n", "due: 2025-02-30\n", "# 標題\n", "## 目標\n", "段落文字\n", "\n",
        "- [x] 條件\n", "- [ ] 條件 `check:a`\n", "  - [ ] 巢狀\n", "```check a timeout=1s\n", "```check\n", "```\n",
        "````markdown\n", "~~~check t\n", "~~~\n", "$ echo 1\n", "1\n", "... \n", "[2]\n", "x (re)\n", "([ (re)\n",
        "| a | b |\n", "|---|---|\n", "| 1 | 2 |\n", "<script>alert(1)</script>\n", "[l](missing.md)\n", "> 引言\n",
        "è¨­å®š ä¼ä¸š\n", "\t縮排\n", "    code\n", "1. 項目\n", "`check:`\n", "***\n", "[^1]\n", "[^1]: 註\n",
    ]

    func testRandomDocumentsLoadWithPositionsInsideTheFile() {
        var rng = SplitMix(state: 42)
        for round in 0..<1500 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(rng.next() % 40) {
                if rng.next() % 25 == 0 {
                    bytes.append(UInt8(truncatingIfNeeded: rng.next()))  // a stray byte, often invalid UTF-8
                } else {
                    bytes += Array(rng.pick(pieces).utf8)
                }
            }
            let (page, problems) = PageBuilder.build(path: "content/r.md", relative: "r.md", data: Data(bytes))
            let lineCount = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
            let positions = problems.compactMap(\.position) + page.criteria.map(\.position) + page.checks.map(\.position)
            for p in positions {
                XCTAssertTrue(p.line >= 1 && p.line <= max(lineCount, 1) && p.column >= 1,
                              "round \(round): \(p) outside a \(lineCount)-line file")
            }
            XCTAssertEqual(Set(page.checks.map(\.id)).count <= page.checks.count, true)
        }
    }

    func testDeeplyNestedListsAndManyCriteria() {
        var md = ""
        for depth in 0..<100 { md += String(repeating: "  ", count: depth) + "- [ ] 第 \(depth) 層\n" }
        let (page, _) = TestSupport.page(md)
        XCTAssertEqual(page.criteria.count, 100)
        let many = String(repeating: "- [x] 條件\n", count: 10_000)
        XCTAssertEqual(TestSupport.page(many).0.criteria.count, 10_000)
    }

    func testRandomTranscriptsNeverCrashTheMatcher() {
        var rng = SplitMix(state: 7)
        let lines = ["a", "b", "...", "a (re)", "[ab]+ (re)", "a* (glob)", "\\* (glob)", "(( (re)", "", "  ", "[1]"]
        for _ in 0..<3000 {
            let expected = (0..<Int(rng.next() % 6)).map { _ in rng.pick(lines) }
            let body = "$ cmd\n" + expected.map { $0 + "\n" }.joined()
            let (transcript, _) = TranscriptParser().parse(body, firstLine: 1)
            let actual = (0..<Int(rng.next() % 6)).map { _ in rng.pick(["a", "b", "ab", "*", ""]) }
            for command in transcript.commands {
                _ = Matcher.matches(command.expected, actual)
                _ = OutputDiff.make(expected: command.expected, actual: actual).text
                _ = CommandJudge.judge(command, output: actual.joined(separator: "\n"), status: Int(rng.next() % 3))
            }
        }
    }
}
