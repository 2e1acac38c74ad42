import XCTest
@testable import OpsbookKit

final class RenderTests: XCTestCase {
    private func site(_ files: [String: String], checks: [CheckResult]? = nil) throws -> URL {
        let root = try TestSupport.handbook(files)
        let (handbook, _) = try TestSupport.load(root)
        let results = Results(handbook: handbook, checks: checks, attestations: [], target: checks == nil ? nil : "demo",
                              started: nil, finished: nil, today: Day(iso: "2026-11-24")!)
        let out = root.appendingPathComponent("site")
        try SiteRenderer(theme: try Theme(override: nil), today: Day(iso: "2026-11-24")!).render(handbook, results, into: out)
        return out
    }

    private func html(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    private func main(_ html: String) -> String {
        guard let a = html.range(of: "<main"), let b = html.range(of: "</main>") else { return "" }
        return String(html[a.lowerBound..<b.upperBound])
    }

    func testHostileMarkdownIsEscaped() throws {
        let out = try site(["content/index.md": """
        # Home <img src=x onerror=alert(1)>
        <script>alert(1)</script>

        [click](javascript:alert(1)) [x](JaVaScRiPt:alert(2)) [ok](https://example.com) ![i](data:text/html;base64,xx)
        <a href="x" onclick="evil()">a</a>
        """])
        let page = try html(out.appendingPathComponent("index.html"))
        XCTAssertFalse(page.contains("<script>"))
        XCTAssertFalse(page.contains("<img src=x"))
        XCTAssertFalse(page.contains("onclick=\""))
        XCTAssertFalse(page.lowercased().contains("javascript:"))
        XCTAssertFalse(page.contains("src=\"data:"))
        XCTAssertTrue(page.contains("href=\"https://example.com\""))
    }

    func testCriteriaCarryStatusAndClaimedFailing() throws {
        let md = "- [x] 三節點\n  ```check nodes\n  $ echo 2\n  3\n  ```\n- [ ] 人工確認\n- [ ] 舊的勾 `check:ok`\n\n```check ok\ntrue\n```\n"
        let out = try site(["content/p.md": md], checks: [
            CheckResult(id: "nodes", page: "content/p.md", line: 2, status: .failed, exit: 0, attempts: 1, output: "2\n", diff: "-3\n+2\n"),
            CheckResult(id: "ok", page: "content/p.md", line: 9, status: .passed, attempts: 1),
        ])
        let page = try html(out.appendingPathComponent("p.html"))
        XCTAssertTrue(page.contains("<li class=\"criterion\" id=\"三節點\" data-status=\"failed\" data-claimed-failing>"))
        XCTAssertTrue(page.contains("data-status=\"manual\""))
        XCTAssertTrue(page.contains("id=\"舊的勾\" data-status=\"passed\""), "a stale [ ] on a passing criterion shows passing")
        XCTAssertTrue(page.contains("class=\"banner claimed-failing\""))
        XCTAssertTrue(page.contains("<div class=\"check\" id=\"check-nodes\" data-check-id=\"nodes\" data-status=\"failed\">\n<details open>"))
        XCTAssertTrue(page.contains("<span class=\"diff-line expected\"><span class=\"diff-tag\">預期</span>3</span>"))
        XCTAssertTrue(page.contains("<span class=\"diff-line actual\"><span class=\"diff-tag\">✘ 實際</span>2</span>"),
                      "the actual line that did not match is the failure, not a green insertion")
        XCTAssertTrue(page.contains("<mark class=\"bad-line\">"), "the bad line is marked in the actual output")
        XCTAssertTrue(page.contains("<input type=\"checkbox\" checked=\"\" disabled=\"\" />"), "the author's claim stays visible")
    }

    func testNotRunWithoutChecksAndLinksRewritten() throws {
        let out = try site([
            "content/index.md": "# 首頁\n[階段一](phases/phase-1.md#目標) [資料夾](phases/)\n",
            "content/phases/index.md": "# 階段\n",
            "content/phases/phase-1.md": "# 階段一\n## 目標\n- [ ] 有檢查\n  ```check a\n  true\n  ```\n",
        ])
        let index = try html(out.appendingPathComponent("index.html"))
        XCTAssertTrue(index.contains("href=\"phases/phase-1.html#%E7%9B%AE%E6%A8%99\""), "percent-encoded as cmark-gfm does")
        XCTAssertTrue(index.contains("href=\"phases/index.html\""))
        let phase = try html(out.appendingPathComponent("phases/phase-1.html"))
        XCTAssertTrue(phase.contains("data-status=\"not-run\""))
        XCTAssertTrue(phase.contains("href=\"../assets/style.css\""))
        XCTAssertTrue(phase.contains("<h2 id=\"目標\">"))
        XCTAssertFalse(phase.contains("http://") || phase.contains("https://"), "no network fetch of any kind")
    }

    func testGoldenPage() throws {
        let fixture = TestSupport.fixtures.appendingPathComponent("render/phase-page")
        let files = try FileManager.default.subpathsOfDirectory(atPath: fixture.appendingPathComponent("handbook").path)
        var contents: [String: String] = [:]
        for f in files where f.hasSuffix(".md") {
            contents[f] = try String(contentsOf: fixture.appendingPathComponent("handbook").appendingPathComponent(f), encoding: .utf8)
        }
        let out = try site(contents)
        try TestSupport.assertGolden(main(try html(out.appendingPathComponent("phases/phase-1.html"))),
                                     fixture.appendingPathComponent("expected/phases/phase-1.main.html"))
    }

    func testFailedRenderLeavesTheOldSiteInPlace() throws {
        let root = try TestSupport.handbook(["content/index.md": "# A\n", "theme/page.mustache": "{{#broken}}"])
        let out = root.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: out.appendingPathComponent("index.html"))
        XCTAssertThrowsError(try Theme(override: root.appendingPathComponent("theme")))
        XCTAssertThrowsError(try Pipeline.build(root: root, out: "site", verdicts: .none, options: .init()),
                             "the command line exits 2 on any error the build throws")
        XCTAssertEqual(try html(out.appendingPathComponent("index.html")), "old")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.contains("building") }
        XCTAssertEqual(leftovers, [])
    }
}

extension RenderTests {
    func testCommandOutputIsEscaped() throws {
        let out = try site(["content/p.md": "```check x\n$ cat evil\nok\n```\n"], checks: [
            CheckResult(id: "x", page: "content/p.md", line: 1, status: .failed, exit: 0, attempts: 1,
                        reason: "<b>reason</b>", output: "<script>alert(1)</script>\n", diff: "-ok\n+<img src=x onerror=alert(2)>\n"),
        ])
        let page = try html(out.appendingPathComponent("p.html"))
        XCTAssertFalse(page.contains("<script>alert"))
        XCTAssertFalse(page.contains("<img src=x"))
        XCTAssertFalse(page.contains("<b>reason"))
        XCTAssertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }
}
