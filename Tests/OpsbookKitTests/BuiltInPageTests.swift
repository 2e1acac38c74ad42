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

    /// The theme the comparison builds with: the built-in `page.mustache`, as it is embedded.
    private static func templateAsTheme(_ theme: URL) throws {
        try FileManager.default.createDirectory(at: theme, withIntermediateDirectories: true)
        try templateText.write(to: theme.appendingPathComponent("page.mustache"))
    }

    /// The project's own handbook: every kind of page it has (phases with sign-off, runbooks,
    /// guides, index pages, the dashboard, search, 404).
    func testTheProjectHandbookIsTheSameBothWays() throws {
        let root = try TestSupport.handbook([:])
        for folder in ["content", "checks"] {
            try FileManager.default.copyItem(at: TestSupport.packageRoot.appendingPathComponent(folder), to: root.appendingPathComponent(folder))
        }
        _ = try TestSupport.assertSameSite(root, verdicts: .none, theme: Self.templateAsTheme)
    }

    /// Every optional part present and absent across the pages: claimed-done-failing banner,
    /// stale notice, facts, counts, table of contents, sign-off, pager, breadcrumbs; and text that
    /// needs escaping in each field.
    func testEveryPartOfThePageIsTheSameBothWays() throws {
        let (root, verdicts) = try TestSupport.everyPartHandbook()
        let site = try TestSupport.assertSameSite(root, verdicts: verdicts, theme: Self.templateAsTheme)
        let phase = try XCTUnwrap(site["phases/phase-1.html"])
        for part in ["claimed-failing", "class=\"sign-off\"", "<details class=\"toc\" open>", "class=\"pager\"", "breadcrumbs"] {
            XCTAssertTrue(phase.contains(part), part)
        }
        XCTAssertTrue(try XCTUnwrap(site["runbooks/disk.html"]).contains("stale-notice"))
        XCTAssertTrue(try XCTUnwrap(site["a & b/notes.html"]).contains("<title>筆記 &quot;&lt;a&gt;&quot; · 手冊 &lt;&amp;&quot;&#39;&gt;</title>"))
    }
}

extension TestSupport {
    /// A handbook with every part a page or the dashboard can show, present on some pages and
    /// absent on others, and text that needs escaping in each: claimed-done-failing, stale and
    /// fresh runbooks with and without failing checks, facts, counts, a table of contents with
    /// sub-entries, sign-off, breadcrumbs, a folder whose name needs escaping.
    static func everyPartHandbook() throws -> (root: URL, verdicts: Pipeline.VerdictSource) {
        let started = Date(timeIntervalSince1970: 1_700_000_000)
        let root = try handbook([
            "content/index.md": "---\ntitle: 手冊 <&\"'>\n---\n# 手冊\n\n首頁。\n",
            "content/phases/index.md": "---\norder: 1\ntitle: 階段 \"一\" & <二>\n---\n# 階段\n",
            "content/phases/phase-1.md": """
                ---
                title: 階段 1 <b>'x'</b>
                kind: phase
                phase: 1
                order: 1
                owner: 維運 & 平台 <組>
                starts: 2026-01-05
                due: 2026-02-01
                tags: [etcd, "a<b"]
                ---
                # 階段 1

                ## 驗收條件 & "其他"

                ### 子節 <x>

                - [x] 資料庫在線 & "好" <ok>
                  ```check db-up
                  $ echo up
                  up
                  ```
                - [ ] 服務在線
                  ```check svc-up
                  $ echo ok
                  ok
                  ```
                - [ ] 人工確認

                ## 收尾
                """,
            "content/runbooks/disk.md": """
                ---
                kind: runbook
                component: etcd
                severity: P1
                last-reviewed: 2020-01-01
                review-every: 90d
                owner: 值班 "SRE"
                ---
                # 磁碟滿了

                只有一個標題。

                ```check disk-free
                $ df -h /var
                ok
                ```
                """,
            "content/runbooks/fresh.md": "---\nkind: runbook\nlast-reviewed: 2026-11-01\n---\n# 還新的 <runbook>\n",
            "content/a & b/notes.md": "---\ntitle: 筆記 \"<a>\"\n---\n# 筆記\n",
        ])
        let verdicts = Pipeline.VerdictSource.given(
            [CheckResult(id: "db-up", page: "content/phases/phase-1.md", line: 17, status: .failed, exit: 1, attempts: 1, output: "down\n"),
             CheckResult(id: "svc-up", page: "content/phases/phase-1.md", line: 22, status: .passed, exit: 0, attempts: 1, output: "ok\n"),
             CheckResult(id: "disk-free", page: "content/runbooks/disk.md", line: 13, status: .failed, exit: 1, attempts: 1, output: "full\n")],
            target: "lab <&>", started: started, finished: started.addingTimeInterval(5))
        return (root, verdicts)
    }

    /// Builds `root` as it is, then again after `theme` filled its `theme/` folder, and fails on
    /// every HTML file that differs between the two sites. Returns the first site's files.
    @discardableResult
    static func assertSameSite(_ root: URL, verdicts: Pipeline.VerdictSource, theme: (URL) throws -> Void,
                               file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
        let plain = try Pipeline.build(root: root, out: "plain", verdicts: verdicts, options: .init(search: false))
        XCTAssertFalse(plain.stopped, "\(plain.diagnostics)", file: file, line: line)
        try theme(root.appendingPathComponent("theme"))
        let themed = try Pipeline.build(root: root, out: "themed", verdicts: verdicts, options: .init(search: false))
        let (a, b) = (try IncrementalSiteTests.tree(plain.site), try IncrementalSiteTests.tree(themed.site))
        let pages = a.keys.filter { $0.hasSuffix(".html") }.sorted()
        XCTAssertEqual(pages, b.keys.filter { $0.hasSuffix(".html") }.sorted(), file: file, line: line)
        XCTAssertGreaterThan(pages.count, 5, file: file, line: line)
        for page in pages where a[page] != b[page] {
            XCTFail("\(page) differs\n--- built in\n\(a[page] ?? "")\n--- with the theme\n\(b[page] ?? "")", file: file, line: line)
        }
        return a
    }
}
