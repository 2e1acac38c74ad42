import XCTest
@testable import OpsbookKit

final class MatcherTests: XCTestCase {
    private func expected(_ lines: [String]) -> [ExpectedLine] {
        let body = (["$ cmd"] + lines).joined(separator: "\n") + "\n"
        return TranscriptParser().parse(body, firstLine: 1).0.commands[0].expected
    }

    private func ok(_ e: [String], _ actual: String) -> Bool {
        Matcher.matches(expected(e), Matcher.lines(actual))
    }

    func testPlainLinesIgnoreTrailingSpacesOnly() {
        XCTAssertTrue(ok(["3"], "3\n"))
        XCTAssertTrue(ok(["a b"], "a b   \n"))
        XCTAssertFalse(ok(["3"], "2\n"))
        XCTAssertFalse(ok(["a"], " a\n"), "leading spaces matter")
        XCTAssertFalse(ok(["a"], "a\nb\n"), "extra lines fail")
        XCTAssertFalse(ok(["a", "b"], "a\n"), "missing lines fail")
    }

    func testMissingFinalNewlineIsIgnored() {
        XCTAssertTrue(ok(["x"], "x"))
        XCTAssertTrue(ok(["x", ""], "x\n\n"))
        XCTAssertFalse(ok(["x", ""], "x\n"))
    }

    func testRegex() {
        XCTAssertTrue(ok(["v1\\.29\\.\\d+ (re)"], "v1.29.4\n"))
        XCTAssertFalse(ok(["v1\\.29\\.\\d+ (re)"], "v1.30.0\n"))
        XCTAssertFalse(ok(["\\d (re)"], "12\n"), "the regex must match the whole line")
        XCTAssertTrue(ok(["a(b (re)"], "a(b (re)\n"), "a line equal to the expected text always matches")
    }

    func testGlob() {
        XCTAssertTrue(ok(["cp-* Ready (glob)"], "cp-1 Ready\n"))
        XCTAssertTrue(ok(["cp-? Ready (glob)"], "cp-2 Ready\n"))
        XCTAssertFalse(ok(["cp-? Ready (glob)"], "cp-10 Ready\n"))
        XCTAssertTrue(ok(["100\\* done (glob)"], "100* done\n"))
        XCTAssertFalse(ok(["100\\* done (glob)"], "1000 done\n"), "\\* is a literal star")
        XCTAssertTrue(ok(["a.b (glob)"], "a.b\n"))
        XCTAssertFalse(ok(["a.b (glob)"], "axb\n"), "other characters are literal")
    }

    func testEllipsis() {
        XCTAssertTrue(ok(["start", "...", "end"], "start\nend\n"))
        XCTAssertTrue(ok(["start", "...", "end"], "start\n1\n2\nend\n"))
        XCTAssertFalse(ok(["start", "...", "end"], "start\n1\n2\n"))
        XCTAssertTrue(ok(["..."], ""))
        XCTAssertTrue(ok(["...", "3 started (re)"], "noise\n3 started\n"))
        XCTAssertFalse(ok(["...", "x", "..."], "a\nb\n"))
    }

    func testExitStatusLine() {
        let t = TranscriptParser().parse("$ false\n[1]\n$ echo hi\nhi\n", firstLine: 1).0
        XCTAssertEqual(t.commands[0].expectedExit, 1)
        XCTAssertTrue(t.commands[0].judgesExitOnly)
        XCTAssertNil(CommandJudge.judge(t.commands[0], output: "", status: 1).reason)
        XCTAssertNotNil(CommandJudge.judge(t.commands[0], output: "", status: 0).reason)
        XCTAssertNotNil(CommandJudge.judge(t.commands[1], output: "hi\n", status: 2).reason, "exit 0 is expected by default")
    }

    func testContinuationLines() {
        let t = TranscriptParser().parse("$ echo a \\\n> b\na b\n", firstLine: 10).0
        XCTAssertEqual(t.commands.map(\.command), ["echo a \\\nb"])
        XCTAssertEqual(t.commands[0].expected.map(\.line), [12])
    }

    func testDiffShowsExpectedThenActual() {
        let d = OutputDiff.make(expected: expected(["a", "3", "c"]), actual: ["a", "2", "c"])
        XCTAssertEqual(d.text, " a\n-3\n+2\n c\n")
    }
}
