import Foundation
import XCTest
@testable import OpsbookKit

/// The known divergences from cmark-gfm's renderer (issue #13), one test each, on the real site.
final class MarkdownFidelityTests: XCTestCase {
    private func build(_ files: [String: String]) throws -> URL { try TestSupport.renderSite(files) }

    private func page(_ markdown: String) throws -> String {
        try String(contentsOf: build(["content/p.md": markdown]).appendingPathComponent("p.html"), encoding: .utf8)
    }

    func testFootnotesHaveReferencesDefinitionsAndBackLinks() throws {
        let html = try page("Claim[^src] and again[^src], other[^2].\n\n[^src]: The source.\n\n[^2]: Second.\n")
        XCTAssertTrue(html.contains(##"Claim<sup class="footnote-ref"><a href="#fn-src" id="fnref-src" data-footnote-ref>1</a></sup>"##))
        XCTAssertTrue(html.contains(##"again<sup class="footnote-ref"><a href="#fn-src" id="fnref-src-2" data-footnote-ref>1</a></sup>"##))
        XCTAssertTrue(html.contains(##"other<sup class="footnote-ref"><a href="#fn-2" id="fnref-2" data-footnote-ref>2</a></sup>"##))
        XCTAssertTrue(html.contains("<section class=\"footnotes\" data-footnotes>\n<ol>\n<li id=\"fn-src\">\n<p>The source. <a href=\"#fnref-src\" class=\"footnote-backref\""))
        XCTAssertTrue(html.contains(##"<a href="#fnref-src-2" class="footnote-backref" data-footnote-backref aria-label="Back to content">↩<sup class="footnote-ref">2</sup></a></p>"##))
        XCTAssertTrue(html.contains("<li id=\"fn-2\">\n<p>Second."))
    }

    func testOnlyDangerousSchemesAreDropped() throws {
        let html = try page("""
        [irc](irc://irc.example.org/ops) [ftp](ftp://f.example.org/x) [ssh](ssh://host) [vnc](vnc://host:5900)
        [rel](foo): [js](javascript:alert(1)) [JS]( JaVaScRiPt:alert(2)) [vb](vbscript:x) [file](file:///etc/passwd)
        [data](data:text/html;base64,PHNjcmlwdD4=) ![png](data:image/png;base64,iVBOR) ![svg](data:image/svg+xml,x)
        """)
        for kept in ["irc://irc.example.org/ops", "ftp://f.example.org/x", "ssh://host", "vnc://host:5900", "foo"] {
            XCTAssertTrue(html.contains("href=\"\(kept)\""), kept)
        }
        for name in ["js", "JS", "vb", "file", "data"] { XCTAssertTrue(html.contains("<a href=\"\">\(name)</a>"), name) }
        XCTAssertTrue(html.contains("<img src=\"data:image/png;base64,iVBOR\" alt=\"png\" />"))
        XCTAssertTrue(html.contains("<img src=\"\" alt=\"svg\" />"))
        XCTAssertFalse(html.lowercased().contains("javascript:") || html.contains("vbscript:") || html.contains("file:///"))
    }

    func testURLsArePercentEncodedAsCmarkGFMDoes() throws {
        let html = try page("[a](</my uri>) [b](/φου) [c](/a\\\\b) [d](/q?x=1&y='2') [e](/ok%20already)\n")
        XCTAssertTrue(html.contains("href=\"/my%20uri\""))
        XCTAssertTrue(html.contains("href=\"/%CF%86%CE%BF%CF%85\""))
        XCTAssertTrue(html.contains("href=\"/a%5Cb\""))
        XCTAssertTrue(html.contains("href=\"/q?x=1&amp;y=&#x27;2&#x27;\""))
        XCTAssertTrue(html.contains("href=\"/ok%20already\""))
    }

    func testNavigationReachesPagesWithURLCharactersInTheirNames() throws {
        let site = try build([
            "content/index.md": "# Home\n[hash](a%23b.md) [query](c%3Fd.md) [percent](e%2525f.md)\n",
            "content/a#b.md": "# Hash\n", "content/c?d.md": "# Query\n", "content/e%25f.md": "# Percent\n",
        ])
        let index = try String(contentsOf: site.appendingPathComponent("index.html"), encoding: .utf8)
        for (href, file) in [("a%23b.html", "a#b.html"), ("c%3Fd.html", "c?d.html"), ("e%2525f.html", "e%25f.html")] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: site.appendingPathComponent(file).path), file)
            XCTAssertTrue(index.contains("<a href=\"\(href)\">"), "navigation links \(file) as \(href)")
            XCTAssertTrue(index.contains("href=\"\(href)\">"), "page link to \(file)")
            XCTAssertEqual(href.removingPercentEncoding, file, "the browser resolves the link to the file")
        }
        let root = site.deletingLastPathComponent()
        XCTAssertEqual(try TestSupport.load(root).1.filter { $0.code == "link.broken" }, [], "lint finds the linked files")
        let hash = try String(contentsOf: site.appendingPathComponent("a#b.html"), encoding: .utf8)
        XCTAssertTrue(hash.contains("href=\"c%3Fd.html\""), "pager and navigation from another page")
    }

    func testLooseTaskListKeepsParagraphs() throws {
        let html = try page("- [ ] first\n\n- [x] second\n")
        XCTAssertTrue(html.contains("<p><span class=\"criterion-text\">first</span>"), html)
        XCTAssertTrue(html.contains("<p><span class=\"criterion-text\">second</span>"))
        let tight = try page("- [ ] first\n- [x] second\n")
        XCTAssertFalse(tight.contains("<p><span class=\"criterion-text\">"))
    }

    func testHeaderOnlyTableHasNoBody() throws {
        let html = try page("| a | b |\n|---|:-:|\n")
        XCTAssertTrue(html.contains("<table>\n<thead>\n<tr>\n<th>a</th>\n<th style=\"text-align: center\">b</th>\n</tr>\n</thead>\n</table>"))
        XCTAssertFalse(html.contains("<tbody>"))
    }

    func testAlertsRenderAsCallOuts() throws {
        let html = try page("> [!WARNING]\n> 先備份 `etcd`。\n\n> [!note]\n>\n> 第二段\n\n> [!TIP] 同一行不是提示\n")
        XCTAssertTrue(html.contains("<div class=\"markdown-alert markdown-alert-warning\" role=\"note\">\n<p class=\"markdown-alert-title\"><svg"))
        XCTAssertTrue(html.contains("</svg>警告</p>\n<p>先備份 <code>etcd</code>。</p>\n</div>"))
        XCTAssertTrue(html.contains("</svg>注意</p>\n<p>第二段</p>\n</div>"))
        XCTAssertFalse(html.contains("[!WARNING]") || html.contains("[!note]"))
        XCTAssertTrue(html.contains("<blockquote>\n<p>[!TIP] 同一行不是提示</p>"))
        for kind in Alert.Kind.allCases { XCTAssertFalse(kind.word.isEmpty) }
        XCTAssertEqual(Alert.Kind.allCases.map(\.word), ["注意", "提示", "重要", "警告", "小心"])
    }
}
