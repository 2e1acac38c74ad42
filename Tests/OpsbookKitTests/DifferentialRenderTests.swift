import Foundation
import XCTest
@testable import OpsbookKit

/// opsbook's page HTML against cmark-gfm's own renderer (`cmark_render_html`, same options and
/// extensions, in-process) over a corpus: the project's handbook, every fixture page, and
/// `render/cmark-corpus/`, which holds every CommonMark and GFM construct. After the documented
/// differences (docs/design.md, "Rendering: differences from cmark-gfm") are normalised away,
/// the two must be identical, byte for byte.
final class DifferentialRenderTests: XCTestCase {
    func testConstructCorpusRendersAsCmarkGFM() throws {
        let folder = TestSupport.fixtures.appendingPathComponent("render/cmark-corpus")
        let files = try markdownFiles(under: folder)
        XCTAssertGreaterThanOrEqual(files.count, 2)
        for file in files { try assertSameAsCmark(file) }
    }

    func testProjectHandbookRendersAsCmarkGFM() throws {
        let files = try markdownFiles(under: TestSupport.packageRoot.appendingPathComponent("content"))
        XCTAssertGreaterThan(files.count, 5)
        for file in files { try assertSameAsCmark(file) }
    }

    func testFixturePagesRenderAsCmarkGFM() throws {
        let files = try markdownFiles(under: TestSupport.fixtures).filter { !$0.path.contains("/cmark-corpus/") }
        XCTAssertGreaterThanOrEqual(files.count, 5)
        for file in files { try assertSameAsCmark(file) }
    }

    /// Random documents stitched from fragments of every construct, at random nesting (quotes,
    /// list items, indentation): combinations no hand-written corpus thinks of. Seeded, so a
    /// failure repeats.
    func testRandomDocumentsRenderAsCmarkGFM() {
        let fragments = [
            "# Title", "Setext\n===", "plain *em* **strong** `code` ~~del~~", "a  \nhard break", "---",
            "- [ ] task", "- [x] done `check:nope`", "- item\n- item", "1. one\n2. two", "3) three",
            "> quote", "> [!NOTE]\n> note", "> [!WARNING]", "```\ncode\n```", "```bash\necho\n```", "~~~\nopen",
            "```check rnd\ntrue\n```", "```mermaid\na-->b\n```", "    indented", "<div>\nhtml\n</div>", "x <b>y</b>",
            "| a | b |\n|---|:-:|\n| 1 | 2 |", "| h |\n|---|", "note[^f]", "[^f]: the note", "[l](</a b> \"t\")",
            "![i](/φ.png)", "<https://x.y/?a&b>", "www.example.org", "[r]\n\n[r]: /ref", "&amp; &copy; &#42;",
            "\\* not em", "***", "", "text\ncontinued", "* * *", "+ plus", "- \n  item after blank", "[x](javascript:y)",
        ]
        let prefixes = ["", "", "", "> ", "- ", "1. ", "  ", "    ", "> - ", "- [ ] "]
        var rng = SplitMix(state: 20261129)
        for round in 0..<400 {
            var doc = ""
            for _ in 0..<(1 + Int(rng.next() % 8)) {
                let prefix = rng.pick(prefixes)
                let fragment = rng.pick(fragments)
                doc += fragment.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 }.joined(separator: "\n")
                doc += rng.next() % 2 == 0 ? "\n" : "\n\n"
            }
            let page = TestSupport.page(doc).0
            // A document opening with `---` has front matter, which cmark never sees.
            let body = FrontMatterDecoder(path: "content/t.md").split(doc).0.body
            let expected = Self.normaliseCmark(CMark.renderHTML(body))
            let actual = Self.normaliseOurs(Self.render(page))
            if expected != actual {
                XCTFail("round \(round): differs from cmark-gfm for:\n\(doc)\n" + Self.firstDifference(expected, actual))
                return
            }
        }
    }

    /// The normaliser must not hide real differences: a writer that dropped a `<p>` or a footnote
    /// would be caught.
    func testNormaliserKeepsRealDifferences() {
        let cmark = CMark.renderHTML("- [ ] a\n\n- [x] b\n\nx[^1]\n\n[^1]: n\n")
        let page = TestSupport.page("- [ ] a\n\n- [x] b\n\nx[^1]\n\n[^1]: n\n").0
        let ours = Self.render(page)
        XCTAssertEqual(Self.normaliseOurs(ours), Self.normaliseCmark(cmark))
        XCTAssertNotEqual(Self.normaliseOurs(ours.replacingOccurrences(of: "<p>", with: "")), Self.normaliseCmark(cmark))
        XCTAssertNotEqual(Self.normaliseOurs(ours.replacingOccurrences(of: "fnref-1", with: "fnref-2")), Self.normaliseCmark(cmark))
    }

    // MARK: harness

    /// The page as the site writes it, minus link rewriting (`x.md` → `x.html`, tested in RenderTests).
    static func render(_ page: Page) -> String {
        var writer = MarkdownHTMLWriter(page: page, verdicts: [], checkResults: [:], rewriteLink: { $0 })
        return writer.render()
    }

    private func markdownFiles(under folder: URL) throws -> [URL] {
        let paths = try FileManager.default.subpathsOfDirectory(atPath: folder.path)
        return paths.filter { $0.hasSuffix(".md") }.sorted().map { folder.appendingPathComponent($0) }
    }

    private func assertSameAsCmark(_ file: URL, line: UInt = #line) throws {
        let data = try Data(contentsOf: file)
        let path = "content/" + file.lastPathComponent
        let (page, _) = PageBuilder.build(path: path, relative: file.lastPathComponent, data: data)
        let (text, _) = SourceText.decode(data, path: path)
        let body = FrontMatterDecoder(path: path).split(text).0.body
        let ours = Self.render(page)
        let expected = Self.normaliseCmark(CMark.renderHTML(body))
        let actual = Self.normaliseOurs(ours)
        if ProcessInfo.processInfo.environment["OPSBOOK_DUMP_DIFF"] != nil {
            try? Data(expected.utf8).write(to: URL(fileURLWithPath: "/tmp/diff-cmark-" + file.lastPathComponent + ".html"))
            try? Data(actual.utf8).write(to: URL(fileURLWithPath: "/tmp/diff-ours-" + file.lastPathComponent + ".html"))
        }
        guard expected != actual else { return }
        XCTFail("\(file.path): differs from cmark-gfm\n" + Self.firstDifference(expected, actual), line: line)
    }

    static func firstDifference(_ a: String, _ b: String) -> String {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false)
        let y = b.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(x.count, y.count) where (i < x.count ? x[i] : "<end>") != (i < y.count ? y[i] : "<end>") {
            let context = x[max(0, i - 3)..<min(i, x.count)].joined(separator: "\n")
            return "line \(i + 1), after:\n\(context)\ncmark: \(i < x.count ? String(x[i]) : "<end>")\nours:  \(i < y.count ? String(y[i]) : "<end>")"
        }
        return "(same lines, different bytes)"
    }

    // MARK: normalising the documented differences

    /// opsbook's additions, taken back out of its HTML.
    static func normaliseOurs(_ html: String) -> String {
        var s = html
        // Check blocks are opsbook's own element (checked by RenderTests); both sides become a mark.
        s = replace(s, #"<div class="check" [^>]*>\n.*?</details></div>\n"#, "<CHECK>\n")
        s = replace(s, #"<figure class="mermaid[^"]*">.*?</figure>\n"#, "<MERMAID>\n")
        // Heading ids and every `#` anchor link.
        s = replace(s, #"<h([1-6]) id="[^"]*">"#, "<h$1>")
        s = replace(s, ##"<a class="anchor" href="#[^"]*" aria-label="[^"]*">#</a>"##, "")
        // Criteria: the verdict on the <li>, the claim wrapper, the badge, the text span.
        s = replace(s, #"<li class="criterion" [^>]*>"#, "<li>")
        s = replace(s, #"<span class="claim" title="[^"]*">(<input [^>]*/> )</span>"#, "$1")
        for status in CriterionStatus.allCases {
            for claimed in [true, false] {
                s = s.replacingOccurrences(of: StatusLabel.criterionBadge(status, claimedFailing: claimed) + " ", with: "")
            }
        }
        s = replace(s, #"<span class="criterion-text">(.*?)</span>"#, "$1")
        s = s.replacingOccurrences(of: "<ul class=\"criteria\">", with: "<ul>")
        // Raw HTML is shown escaped; cmark's safe mode omits it.
        s = replace(s, #"<pre class="raw-html" title="[^"]*"><code>[^<]*</code></pre>\n"#, "<!-- raw HTML omitted -->\n")
        s = replace(s, #"<code class="raw-html">[^<]*</code>"#, "<!-- raw HTML omitted -->")
        // Tables scroll in a wrapper.
        s = s.replacingOccurrences(of: "<div class=\"table-wrap\">\n", with: "")
        s = s.replacingOccurrences(of: "</table>\n</div>\n", with: "</table>\n")
        return s
    }

    /// cmark's HTML with what opsbook renders differently by design put in opsbook's form.
    static func normaliseCmark(_ html: String) -> String {
        var s = replace(html, #"<pre><code class="language-check">.*?</code></pre>\n"#, "<CHECK>\n")
        s = replace(s, #"<pre><code class="language-mermaid">.*?</code></pre>\n"#, "<MERMAID>\n")
        return alertsAsCallOuts(s)
    }

    /// `<blockquote>\n<p>[!NOTE]…` becomes the call-out opsbook writes, its `</blockquote>` a `</div>`.
    static func alertsAsCallOuts(_ html: String) -> String {
        let open = try! NSRegularExpression(pattern: #"<blockquote>\n<p>\[!(note|tip|important|warning|caution)\](\n|</p>\n)"#, options: [.caseInsensitive])
        var s = html
        while let m = open.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) {
            let whole = Range(m.range, in: s)!
            let kind = Alert.Kind(rawValue: String(s[Range(m.range(at: 1), in: s)!]).lowercased())!
            let restOfParagraph = s[Range(m.range(at: 2), in: s)!] == "\n"
            let head = "<div class=\"markdown-alert markdown-alert-\(kind.rawValue)\" role=\"note\">\n" + kind.titleHTML + "\n" + (restOfParagraph ? "<p>" : "")
            // The matching close tag: count nested block quotes from here.
            var depth = 1
            var cursor = whole.upperBound
            var close: Range<String.Index>?
            while close == nil, let end = s.range(of: "</blockquote>", range: cursor..<s.endIndex) {
                if let inner = s.range(of: "<blockquote>", range: cursor..<end.lowerBound) {
                    depth += 1
                    cursor = inner.upperBound
                } else {
                    depth -= 1
                    cursor = end.upperBound
                    if depth == 0 { close = end }
                }
            }
            guard let closeRange = close else { break }
            s.replaceSubrange(closeRange, with: "</div>")
            s.replaceSubrange(whole, with: head)
        }
        return s
    }

    static func replace(_ s: String, _ pattern: String, _ template: String) -> String {
        let re = try! NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        return re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: template)
    }
}
