import XCTest
@testable import OpsbookKit

/// Matching cannot hang opsbook (issue #12): catastrophic patterns run out of a budget and say
/// so, lint names them, and huge lines are neither matched by patterns nor shown whole.
final class BoundedMatchingTests: XCTestCase {
    private let evilLine = String(repeating: "a", count: 31) + "!"

    private func expected(_ lines: [String]) -> [ExpectedLine] {
        TranscriptParser().parse((["$ cmd"] + lines).joined(separator: "\n") + "\n", firstLine: 1).0.commands[0].expected
    }

    func testCatastrophicRegexRunsOutOfItsBudget() {
        let budget = MatchBudget(milliseconds: 50)
        XCTAssertFalse(Matcher.matches(expected(["(a+)+$ (re)"]), ActualOutput(evilLine + "\n"), budget: budget))
        XCTAssertTrue(budget.reason?.contains("(a+)+$") ?? false, budget.reason ?? "no reason")
        let plenty = MatchBudget(milliseconds: 10_000)
        XCTAssertTrue(Matcher.matches(expected(["v1\\.29\\.\\d+ (re)"]), ActualOutput("v1.29.4\n"), budget: plenty))
        XCTAssertNil(plenty.reason)
    }

    func testCheckWithCatastrophicRegexErrorsInsteadOfHanging() throws {
        let check = TestSupport.page("```check evil timeout=1s\n$ echo '\(evilLine)'\n(a+)+$ (re)\n```\n").0.checks[0]
        // Binary: only as the program the fixture stand-ins exec.
        let runner = CheckRunner(target: RunTarget(name: "local"), root: URL(fileURLWithPath: "/tmp"), jobs: 1,
                                 allowMutations: false, redactor: Redactor(), executable: TestSupport.binary.path)
        let r = try runner.run([check])[0]
        XCTAssertEqual(r.status, .errored)
        XCTAssertTrue(r.reason?.contains("`(a+)+$` took more than 1.0s") ?? false, r.reason ?? "")
    }

    func testRedactPatternThatRunsOutWithholdsTheOutput() throws {
        let slow = try BoundedRegex("(a+)+$")
        let secretish = evilLine
        let out = slow.replacingMatches(in: "token " + secretish, with: "[REDACTED]", budget: MatchBudget(milliseconds: 50))
        XCTAssertFalse(out.contains(secretish), "a pattern that could not finish must not let the text through")
        XCTAssertTrue(out.contains("took too long"))
        XCTAssertEqual(try BoundedRegex("k[0-9]+").replacingMatches(in: "a k12 b k3", with: "X", budget: .standard()), "a X b X")
    }

    func testRedactYAMLRefusesNestedQuantifiersAtTheirLine() throws {
        let root = try TestSupport.handbook([
            "content/index.md": "# T\n",
            "checks/redact.yaml": "- pattern: 'ok-[0-9]+'\n- pattern: '(x+)+y'\n",
        ])
        let (_, problems) = ChecksFolder(root: root).loadRedactor()
        XCTAssertEqual(problems.map { "\($0.position?.line ?? 0):\($0.code)" }, ["2:redact.slow-pattern"])
    }

    func testLintWarnsOnNestedQuantifiersAtTheirLineAndColumn() throws {
        let md = "# T\n\n```check a\n$ echo x\nok (a+)+ (re)\n(x*)*y (re)\n(a|a)* (re)\n(a|ab)+z (re)\n```\n"
        let (handbook, _) = try TestSupport.load(try TestSupport.handbook(["content/index.md": md]))
        let found = Linter().lint(handbook).filter { $0.code == "regex.nested-quantifier" }
        XCTAssertEqual(found.map { "\($0.position!.line):\($0.position!.column)" }, ["5:4", "6:1", "7:1", "8:1"])
    }

    func testSafePatternsAreNotFlagged() {
        for safe in ["v1\\.29\\.\\d+", "[1-9][0-9]*", "[a-z]+(-[a-z]+)*", "([0-9]+\\.)?[0-9]+", "(ab)+", "(https?|ftp)://.*",
                     "([3-9]|[1-9][0-9])", "[0-9]+(\\.[0-9]+)*", "pods: [1-9][0-9]*, crashlooping containers: 0"] {
            XCTAssertNil(RegexShape.nestedQuantifier(safe), safe)
        }
        for slow in ["(a+)+", "(\\w+\\s?)*$", "((a+))+", "(x*)*", "(a|a)*", "(.*,)*x", "(a{1,})+"] {
            XCTAssertNotNil(RegexShape.nestedQuantifier(slow), slow)
        }
    }

    func testHugeLinesAreNotMatchedByPatternsAndAreShownCut() {
        let huge = String(repeating: "x", count: Matcher.longestMatchedLine + 10)
        let budget = MatchBudget(milliseconds: 10_000)
        XCTAssertFalse(Matcher.matches(expected(["x* (re)"]), ActualOutput(huge + "\n"), budget: budget))
        XCTAssertTrue(budget.reason?.contains("longer than") ?? false, budget.reason ?? "")
        XCTAssertTrue(Matcher.matches(expected([huge]), ActualOutput(huge + "\n")), "an equal line still matches")
        let diff = OutputDiff.make(expected: expected(["y"]), actual: [huge]).text
        XCTAssertLessThan(diff.utf8.count, 4096)
        XCTAssertTrue(diff.contains("[line cut: "), String(diff.suffix(100)))
        let many = OutputDiff.make(expected: expected(["y"]), actual: (1...5000).map { "line \($0)" }).text
        XCTAssertTrue(many.contains("@@ diff cut here: "), "a diff of thousands of changed lines says it was cut")
        XCTAssertLessThan(many.split(separator: "\n").count, 500)
    }

    func testOneHugeLineMakesASmallDiffThatSaysItWasCut() throws {
        func run(_ body: String) throws -> CheckResult {
            let check = TestSupport.page("```check big\n\(body)\n```\n").0.checks[0]
            // Binary: only as the program the fixture stand-ins exec.
            let runner = CheckRunner(target: RunTarget(name: "local"), root: URL(fileURLWithPath: "/tmp"), jobs: 1,
                                     allowMutations: false, redactor: Redactor(), executable: TestSupport.binary.path)
            return try runner.run([check])[0]
        }
        let line = "$ head -c 3000000 /dev/zero | tr '\\0' x; echo"
        let literal = try run(line + "\ny")
        XCTAssertEqual(literal.status, .failed)
        XCTAssertLessThan(literal.diff?.utf8.count ?? .max, 8192)
        XCTAssertTrue(literal.diff?.contains("[line cut: ") ?? false)
        XCTAssertTrue(literal.outputTruncated, "the stored output says it was cut")
        XCTAssertLessThanOrEqual(literal.output.utf8.count, 64 * 1024)
        let pattern = try run(line + "\nx* (re)")
        XCTAssertEqual(pattern.status, .errored)
        XCTAssertTrue(pattern.reason?.contains("longer than the 1 MiB") ?? false, pattern.reason ?? "")
    }
}
