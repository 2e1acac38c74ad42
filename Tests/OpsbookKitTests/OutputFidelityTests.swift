import XCTest
@testable import OpsbookKit

/// Output is read as the tool printed it (contract §3): bytes split on `\n`, CRLF, terminal
/// escapes, cram's `(esc)` and `(no-eol)`, glob escapes, and the results fields of §9.
final class OutputFidelityTests: XCTestCase {
    private func run1(_ body: String, _ info: String = "check t") throws -> CheckResult {
        let check = TestSupport.page("```\(info)\n\(body)\n```\n").0.checks[0]
        // Binary: only as the program the fixture stand-ins exec.
        let runner = CheckRunner(target: RunTarget(name: "local"), root: URL(fileURLWithPath: "/tmp"), jobs: 1,
                                 allowMutations: false, redactor: Redactor(), executable: TestSupport.binary.path)
        return try runner.run([check])[0]
    }

    private func expected(_ lines: [String]) -> [ExpectedLine] {
        let body = (["$ cmd"] + lines).joined(separator: "\n") + "\n"
        return TranscriptParser().parse(body, firstLine: 1).0.commands[0].expected
    }

    private func ok(_ e: [String], _ actual: String) -> Bool {
        Matcher.matches(expected(e), ActualOutput(actual))
    }

    func testCRLFOutputMatchesPlainLines() throws {
        let r = try run1("$ printf 'a\\r\\nb\\r\\n'\na\nb")
        XCTAssertEqual(r.status, .passed, r.diff ?? r.reason ?? "")
        XCTAssertEqual(r.output, "a\nb\n", "a CR before LF is not shown or stored")
    }

    func testBareCarriageReturnDoesNotSwallowTheMarker() throws {
        let r = try run1("$ printf 'x\\r'\nx\\r (esc)\n$ echo after\nafter")
        XCTAssertEqual(r.status, .passed, r.diff ?? r.reason ?? "")
    }

    func testColourCodesAreRemovedBeforeMatchingAndStoring() throws {
        let r = try run1("$ printf '\\033[32mOK\\033[0m\\n'\nOK")
        XCTAssertEqual(r.status, .passed, r.diff ?? r.reason ?? "")
        XCTAssertEqual(r.output, "OK\n")
        let failed = try run1("$ printf '\\033[1;31mBAD\\033[0m\\n'\nOK")
        XCTAssertEqual(failed.diff, "-OK\n+BAD\n")
    }

    func testWindowTitleAndOtherEscapesAreRemoved() throws {
        let r = try run1("$ printf '\\033]0;my title\\007ready\\n\\033]8;;http://x\\033\\\\link\\033]8;;\\033\\\\\\n\\033(Bplain\\n'\nready\nlink\nplain")
        XCTAssertEqual(r.status, .passed, r.diff ?? r.reason ?? "")
        XCTAssertFalse(r.output.contains("\u{1B}"))
    }

    func testEscapeStrippingIsByteExact() {
        let input = Array("a\u{1B}[38;5;196mb\u{1B}]0;t\u{07}c\u{1B}=d\u{1B}Px\u{1B}\\e".utf8)
        XCTAssertEqual(String(decoding: TerminalEscapes.strip(input), as: UTF8.self), "abcde")
        let c1 = Array("a\u{9B}31mb\u{9D}0;t\u{07}c\u{85}d ±°·中".utf8)
        XCTAssertEqual(String(decoding: TerminalEscapes.strip(c1), as: UTF8.self), "abcd ±°·中",
                       "C1 controls (UTF-8) go too; other characters led by C2 stay")
    }

    func testEscLinesExpectBytesThatCannotBeTyped() throws {
        XCTAssertTrue(ok(["a\\tb\\x01 (esc)"], "a\tb\u{01}\n"))
        XCTAssertFalse(ok(["a\\tb\\x01 (esc)"], "a b\u{01}\n"))
        XCTAssertTrue(ok(["back\\\\slash (esc)"], "back\\slash\n"))
        XCTAssertTrue(ok(["cr\\r (esc)"], "cr\r\r\n"), "one CR before LF is dropped; the other is output")
        let r = try run1("$ printf 'a\\tb\\001\\n'\na\\tb\\x01 (esc)")
        XCTAssertEqual(r.status, .passed, r.diff ?? r.reason ?? "")
        let bad = try run1("$ printf 'a\\tb\\002\\n'\na\\tb\\x01 (esc)")
        XCTAssertEqual(bad.status, .failed)
        XCTAssertEqual(bad.diff, "-a\\tb\\x01 (esc)\n+a\\tb\\x02 (esc)\n", "the diff shows actual bytes as (esc) too")
    }

    func testUnknownEscapeIsALintError() {
        let problems = TranscriptParser().parse("$ cmd\na\\q (esc)\nb\\x4 (esc)\nc\\x41 (esc)\n", firstLine: 5).1
        XCTAssertEqual(problems.map { "\($0.line):\($0.column)" }, ["6:2", "7:2"])
    }

    func testNoEOLLineFollowedByMoreOutputIsALintError() {
        let problems = TranscriptParser().parse("$ cmd\na (no-eol)\nb\n$ next\nc (no-eol)\n", firstLine: 1).1
        XCTAssertEqual(problems.map(\.line), [2])
    }

    func testNoEOLBothWays() throws {
        XCTAssertTrue(ok(["hello (no-eol)"], "hello"))
        XCTAssertFalse(ok(["hello (no-eol)"], "hello\n"), "(no-eol) needs the newline to be missing")
        XCTAssertTrue(ok(["hello"], "hello"), "without (no-eol), a missing final newline is ignored")
        XCTAssertFalse(ok(["a (no-eol)", "b"], "a\nb"), "(no-eol) must be the last output line")
        XCTAssertTrue(ok(["v.* (re) (no-eol)"], "v1"))
        XCTAssertEqual(try run1("$ printf hello\nhello (no-eol)").status, .passed)
        let r = try run1("$ echo hello\nhello (no-eol)")
        XCTAssertEqual(r.status, .failed)
        XCTAssertEqual(r.diff, "-hello (no-eol)\n+hello\n")
        XCTAssertEqual(try run1("$ printf hello\nhello\n$ echo x\nx").status, .passed)
    }

    func testGlobBackslashesOtherThanEscapesAreLiteral() {
        XCTAssertTrue(ok(["C:\\dir\\f*.txt (glob)"], "C:\\dir\\file.txt\n"))
        XCTAssertFalse(ok(["C:\\dir\\f*.txt (glob)"], "C:dirfile.txt\n"))
        XCTAssertTrue(ok(["a\\\\b (glob)"], "a\\b\n"))
        XCTAssertTrue(ok(["what\\? (glob)"], "what?\n"))
        XCTAssertFalse(ok(["what\\? (glob)"], "whatx\n"))
    }

    func testExitIsTheStatusOfTheCommandThatDecided() throws {
        let r = try run1("$ exit 3\n[2]")
        XCTAssertEqual(r.status, .failed)
        XCTAssertEqual(r.exit, 3)
        let middle = try run1("$ true\n$ (exit 4)\n$ true")
        XCTAssertEqual(middle.exit, 4, "the first command that did not match decides")
        let outputOnly = try run1("$ echo 2; (exit 5)\n3\n[5]\n$ (exit 6)\n[6]")
        XCTAssertEqual(outputOnly.exit, 5)
        XCTAssertEqual(try run1("$ true\n$ (exit 7)\n[7]").exit, 7, "all matched: the last command's status")
        XCTAssertEqual(try run1("exit 9").exit, 9, "a script's own status")
    }

    func testDurationCoversAllAttempts() throws {
        let r = try run1("$ sleep 0.1; false", "check t retry=3x0s")
        XCTAssertEqual(r.attempts, 3)
        XCTAssertGreaterThanOrEqual(r.durationMilliseconds, 300, "three attempts of at least 100 ms each (a lower bound, never flaky)")
    }

    func testHugeOutputDiffShowsWhereTheyPart() throws {
        var lines = (1...5000).map { "line \($0)" }
        let expectedLines = lines
        lines[9] = "line ten changed"
        let diff = OutputDiff.make(expected: expected(expectedLines), actual: lines).text
        XCTAssertTrue(diff.contains("-line 10\n+line ten changed\n"), String(diff.prefix(500)))
        XCTAssertLessThan(diff.utf8.count, 2000, "unchanged runs are folded")
        let r = try run1("$ seq 1 5000 | sed 's/^10$/ten/'\n" + (1...5000).map(String.init).joined(separator: "\n"))
        XCTAssertEqual(r.status, .failed)
        XCTAssertTrue(r.diff?.contains("-10\n+ten\n") ?? false, r.diff ?? "")
    }

    func testUTF16WithoutBOMKeepsItsChecks() {
        let text = "# 檢查\n\n- [ ] 節點就緒\n\n  ```check ready\n  $ echo ok\n  ok\n  ```\n"
        let (page, problems) = PageBuilder.build(path: "content/u.md", relative: "u.md", data: text.data(using: .utf16LittleEndian)!)
        XCTAssertEqual(page.checks.map(\.id), ["ready"], "the check must not vanish")
        XCTAssertEqual(page.title, "檢查")
        XCTAssertEqual(problems.codes(), ["encoding.utf16"])
        let (be, _) = PageBuilder.build(path: "content/b.md", relative: "b.md", data: text.data(using: .utf16BigEndian)!)
        XCTAssertEqual(be.checks.map(\.id), ["ready"])
    }

    func testNULBytesInAPageArePositionedWarnings() {
        let data = Data(Array("# T\n\nok\nab\u{0}c\n".utf8))
        let (_, problems) = PageBuilder.build(path: "content/n.md", relative: "n.md", data: data)
        let nul = problems.filter { $0.code == "encoding.nul" }
        XCTAssertEqual(nul.map { "\($0.position!.line):\($0.position!.column)" }, ["4:3"])
    }
}
