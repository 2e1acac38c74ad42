import Foundation
import XCTest
@testable import OpsbookKit

/// No input may crash opsbook: nesting past `CMark.maxDepth` is cut, shown as plain text and
/// reported as a positioned warning (`markdown.too-deep`); lint and build still finish.
final class DeepNestingTests: XCTestCase {
    private static let deepList = String(repeating: "* ", count: 30_000) + "bottom\n"
    private static let deepQuote = String(repeating: ">", count: 100_000) + " bottom\n"

    func testLintAndBuildSurviveThirtyThousandListsAndHundredThousandQuotes() throws {
        let root = try TestSupport.handbook([
            "content/index.md": "# 首頁\n", "content/list.md": "# 清單\n\n" + Self.deepList,
            "content/quote.md": "# 引言\n\n" + Self.deepQuote,
        ])
        let lint = try Pipeline.lint(root: root)
        let stderr = lint.diagnostics.printed
        XCTAssertEqual(TestSupport.exitStatus(lint.diagnostics), 0, stderr)
        XCTAssertTrue(stderr.contains("content/list.md:3:"), stderr)
        XCTAssertTrue(stderr.contains("content/quote.md:3:"), stderr)
        XCTAssertTrue(stderr.contains("[markdown.too-deep]"))
        let build = try Pipeline.build(root: root, out: "site", verdicts: .none, options: .init(search: false))
        XCTAssertEqual(TestSupport.exitStatus(build.diagnostics + build.siteDiagnostics, anyFailure: build.anyFailure), 0,
                       build.diagnostics.printed)
        let html = try String(contentsOf: root.appendingPathComponent("site/quote.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("bottom"), "what is cut is still shown, as text")
    }

    func testNestingUpToTheLimitSurvivesHalfAThreadStack() throws {
        // Exactly at the limit, every recursive walk (extract, render, compare, free) in a debug
        // build on 4 MiB: half of what a thread gets on Linux (pthreads, Dispatch and Swift
        // concurrency all take RLIMIT_STACK, 8 MiB by default).
        let markdown = String(repeating: "> ", count: CMark.maxDepth + 50) + "- [ ] x\n"
            + (0..<CMark.maxDepth).map { String(repeating: "  ", count: $0) + "- [ ] 第 \($0) 層\n" }.joined()
        let done = expectation(description: "walked")
        let box = Box()
        let thread = Thread {
            let (page, problems) = TestSupport.page(markdown)
            var writer = MarkdownHTMLWriter(page: page, verdicts: [], checkResults: [:], rewriteLink: { $0 })
            box.html = writer.render()
            box.problems = problems
            box.equal = page == TestSupport.page(markdown).0
            done.fulfill()
        }
        thread.stackSize = 4 * 1024 * 1024
        thread.start()
        wait(for: [done], timeout: 120)
        XCTAssertTrue(box.equal)
        XCTAssertTrue(box.html.contains("第 10 層"))
        XCTAssertEqual(box.problems.filter { $0.code == "markdown.too-deep" }.count, 1)
        XCTAssertEqual(box.problems.first { $0.code == "markdown.too-deep" }?.severity, .warning)
    }

    private final class Box: @unchecked Sendable {
        var html = ""
        var problems: [Diagnostic] = []
        var equal = false
    }
}
