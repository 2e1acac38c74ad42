import XCTest
@testable import OpsbookKit

/// The search index holds what a reader sees of each page: no heading `#`, no status badges, no
/// run output, and never the search page itself. Recall in the browser: Tests/browser.
final class SearchIndexTests: XCTestCase {
    private func site(_ files: [String: String]) throws -> URL { try TestSupport.renderSite(files) }

    private func index(_ out: URL) throws -> [[String: Any]] {
        _ = try SearchIndexer().index(out)
        let text = try String(contentsOf: out.appendingPathComponent("search-index.js"), encoding: .utf8)
        let prefix = "window.OPSBOOK_SEARCH_INDEX = "
        XCTAssertTrue(text.hasPrefix(prefix))
        let json = text.dropFirst(prefix.count).trimmingCharacters(in: .whitespacesAndNewlines).dropLast()
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return object?["pages"] as? [[String: Any]] ?? []
    }

    func testPagesAreIndexedBySectionWithoutAnchorsBadgesOrTheSearchPage() throws {
        let out = try site([
            "content/index.md": "# 首頁\n\n歡迎。\n",
            "content/runbooks/cert.md": """
            # 憑證即將到期

            叢集裡有兩類憑證 & 一個 <CA>。

            ## 內部憑證

            - [ ] 憑證已更新
              ```check cert-ok
              $ echo ok
              ok
              ```
            """,
        ])
        let pages = try index(out)
        let urls = pages.compactMap { $0["u"] as? String }
        XCTAssertTrue(Set(urls).isSuperset(of: ["index.html", "runbooks/cert.html"]), "\(urls)")
        XCTAssertFalse(urls.contains("search.html"))
        XCTAssertFalse(urls.contains("404.html"))
        let cert = try XCTUnwrap(pages.first { $0["u"] as? String == "runbooks/cert.html" })
        XCTAssertEqual(cert["t"] as? String, "憑證即將到期")
        let sections = try XCTUnwrap(cert["s"] as? [[String]])
        XCTAssertEqual(sections.first?[2], "叢集裡有兩類憑證 & 一個 <CA>。")
        let inner = try XCTUnwrap(sections.first { $0[1] == "內部憑證" })
        XCTAssertEqual(inner[0], "內部憑證", "the heading's anchor")
        XCTAssertTrue(inner[2].contains("憑證已更新"), inner[2])
        XCTAssertTrue(inner[2].contains("$ echo ok"), "check commands are searchable: \(inner[2])")
        XCTAssertFalse(inner[2].contains("未執行"), "status badges are not page text: \(inner[2])")
        XCTAssertFalse(sections.contains { $0[1].hasSuffix("#") || $0[2].contains(" #") })
    }

    func testExtractorSkipsRunOutputAndDecodesEntities() {
        let html = """
        <html><head><title>Page &amp; more · Site</title></head><body><main><article class="content">
        <p>a&lt;b &#x6191;&#35657;</p><div class="check"><pre class="check-body"><code>$ df -h</code></pre>
        <p class="label">實際輸出</p><pre class="output"><code>secret-ish output</code></pre></div>
        <h2 id="x">Two<a class="anchor" href="#x">#</a></h2><p>after</p></article></main></body></html>
        """
        let page = PageTextExtractor.extract(html: html, url: "p.html")
        XCTAssertEqual(page?.title, "Page & more")
        XCTAssertEqual(page?.sections.map(\.heading), ["", "Two"])
        XCTAssertEqual(page?.sections.first?.text, "a<b 憑證 $ df -h")
        XCTAssertEqual(page?.sections.last?.anchor, "x")
        XCTAssertEqual(page?.sections.last?.text, "after")
    }

    func testNotFoundPageIsWrittenWithSearch() throws {
        let out = try site(["content/index.md": "# 首頁\n"])
        let html = try String(contentsOf: out.appendingPathComponent("404.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("找不到這一頁"))
        XCTAssertTrue(html.contains("id=\"search-page\""))
        XCTAssertTrue(html.contains("src=\"/assets/search.js\""), "served at any depth, so links start at /")
    }
}
