import Foundation
import XCTest
@testable import OpsbookKit

/// `BuiltInPage` writes the built-in `page.mustache` in Swift. Each handbook here is built twice:
/// as it is (pages by `BuiltInPage`) and with a theme whose `page.mustache` is the built-in
/// template's own embedded text (pages by Mustache). Every file must be the same, byte for byte.
final class BuiltInPageTests: XCTestCase {
    private static var templateText: Data {
        EmbeddedFile.files(under: "Render/Templates")["page.mustache"]!
    }

    /// Builds `root` into `plain` and, with the template as a theme, into `mustache`; compares.
    private func assertBothWaysEqual(_ root: URL, verdicts: Pipeline.VerdictSource, file: StaticString = #filePath, line: UInt = #line) throws {
        let plain = try Pipeline.build(root: root, out: "plain", verdicts: verdicts, options: .init(search: false))
        XCTAssertFalse(plain.stopped, "\(plain.diagnostics)", file: file, line: line)
        let theme = root.appendingPathComponent("theme")
        try FileManager.default.createDirectory(at: theme, withIntermediateDirectories: true)
        try Self.templateText.write(to: theme.appendingPathComponent("page.mustache"))
        let mustache = try Pipeline.build(root: root, out: "mustache", verdicts: verdicts, options: .init(search: false))
        let (a, b) = (try IncrementalSiteTests.tree(plain.site), try IncrementalSiteTests.tree(mustache.site))
        XCTAssertEqual(a.keys.sorted(), b.keys.sorted(), file: file, line: line)
        let pages = a.keys.filter { $0.hasSuffix(".html") }
        XCTAssertGreaterThan(pages.count, 5, file: file, line: line)
        for page in pages.sorted() where a[page] != b[page] {
            XCTFail("\(page): BuiltInPage and page.mustache differ\n--- BuiltInPage\n\(a[page] ?? "")\n--- Mustache\n\(b[page] ?? "")",
                    file: file, line: line)
        }
    }

    /// The project's own handbook: every kind of page it has (phases with sign-off, runbooks,
    /// guides, index pages, the dashboard, search, 404).
    func testTheProjectHandbookIsTheSameBothWays() throws {
        let root = try TestSupport.handbook([:])
        for folder in ["content", "checks"] {
            try FileManager.default.copyItem(at: TestSupport.packageRoot.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
        }
        try assertBothWaysEqual(root, verdicts: .none)
    }

    /// Every optional part present and absent across the pages: claimed-done-failing banner,
    /// stale notice, facts, counts, table of contents, sign-off, pager, breadcrumbs; and text that
    /// needs escaping in each field.
    func testEveryPartOfThePageIsTheSameBothWays() throws {
        let started = Date(timeIntervalSince1970: 1_700_000_000)
        let root = try TestSupport.handbook([
            "content/index.md": "---\ntitle: 手冊 <&\"'>\n---\n# 手冊\n\n首頁。\n",
            "content/a & b/index.md": "---\norder: 1\n---\n# 資料夾 \"<a>\"\n",
            "content/a & b/phase-1.md": """
                ---
                title: 階段 1 <b>'x'</b>
                kind: phase
                phase: 1
                owner: 維運 & 平台 <組>
                ---
                # 階段 1

                ## 驗收 & "條件"

                ### 子節 <x>

                - [x] 資料庫在線 & "好"
                  ```check db-up
                  $ echo up
                  up
                  ```
                """,
            "content/a & b/runbook.md": """
                ---
                kind: runbook
                last-reviewed: 2020-01-01
                review-every: 30d
                owner: 值班 "<SRE>"
                ---
                # 舊的 runbook

                ## 只有一節
                """,
            "content/zz.md": "# 最後一頁\n",
        ])
        let verdicts = Pipeline.VerdictSource.given(
            [CheckResult(id: "db-up", page: "content/a & b/phase-1.md", line: 15, status: .failed, exit: 1, attempts: 1, output: "down\n")],
            target: "lab <&>", started: started, finished: started.addingTimeInterval(5))
        try assertBothWaysEqual(root, verdicts: verdicts)
        let phase = try String(contentsOf: root.appendingPathComponent("plain/a & b/phase-1.html"), encoding: .utf8)
        for part in ["claimed-failing", "class=\"sign-off\"", "<details class=\"toc\" open>", "class=\"pager\"", "breadcrumbs"] {
            XCTAssertTrue(phase.contains(part), part)
        }
        XCTAssertTrue(try String(contentsOf: root.appendingPathComponent("plain/a & b/runbook.html"), encoding: .utf8).contains("stale-notice"))
    }
}
