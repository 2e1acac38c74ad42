import Foundation
import XCTest
@testable import OpsbookKit

/// The work made once per site (navigation fragments, breadcrumb trails, the run line, escaping on
/// bytes) must give the same bytes as the per-page way it replaced. The per-page way lives on here
/// as the oracle, written as plainly as it was.
final class SiteOnceTests: XCTestCase {
    // MARK: The oracle: the navigation and trails as each page computed them before.

    private static func oracleEscape(_ text: String, apostrophe: Bool = true) -> String {
        var out = ""
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'" where apostrophe: out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    private static func oracleNav(_ node: NavNode, current: String, prefix: String, failures: [String: Int]) -> String {
        var open: Set<String> = []
        var folder = (current as NSString).deletingLastPathComponent
        while !folder.isEmpty {
            open.insert(folder)
            folder = (folder as NSString).deletingLastPathComponent
        }
        return oracleList(node, current: current, prefix: prefix, open: open, failures: failures)
    }

    private static func oracleList(_ node: NavNode, current: String, prefix: String, open: Set<String>, failures: [String: Int]) -> String {
        var out = "<ul>"
        for child in node.children {
            let failed = child.failureCount(failures)
            let mark = failed > 0 ? "<span class=\"nav-fail\" role=\"img\" aria-label=\"\(failed) 項失敗\" title=\"\(failed) 項驗收條件失敗\">✗</span>" : ""
            let isCurrent = child.outputPath == current
            let isOpen = child.folder.map { open.contains($0) } ?? false
            out += "<li\(isCurrent ? " class=\"current\"" : "")>"
            if let path = child.outputPath {
                out += "<a href=\"\(oracleEscape(prefix + LinkRewriter.pathHref(path)))\"\(isCurrent ? " aria-current=\"page\"" : "")>\(oracleEscape(child.title))\(mark)</a>"
            } else {
                out += "<span class=\"folder\">\(oracleEscape(child.title))\(mark)</span>"
            }
            if child.folder != nil, isOpen, !child.children.isEmpty {
                out += oracleList(child, current: current, prefix: prefix, open: open, failures: failures)
            }
            out += "</li>"
        }
        return out + "</ul>"
    }

    private static func oracleTrail(_ node: NavNode, to path: String) -> [NavNode]? {
        if node.outputPath == path { return [node] }
        for child in node.children {
            if let rest = oracleTrail(child, to: path) { return [node] + rest }
        }
        return nil
    }

    // MARK: A handbook with the awkward cases: nested folders, folders without index.md, titles
    // that need escaping, names that need percent-encoding, failures deep in a folder.

    private func pages() -> [Page] {
        let files: [(String, String)] = [
            ("content/index.md", "# Home <&> \"site\"\n"),
            ("content/guides/index.md", "# Guides & 'tips'\n"),
            ("content/guides/a#b.md", "# A <b>\n"),
            ("content/guides/deep/x y.md", "# Deep \"x\"\n"),
            ("content/guides/deep/more/z.md", "# Z\n"),
            ("content/noindex/one.md", "# One\n"),
            ("content/noindex/two.md", "# 二\n"),
            ("content/top.md", "# Top > level\n"),
            ("content/e%25f.md", "# Percent\n"),
        ]
        return files.map { path, text in
            TestSupport.page(text, path: path).0
        }
    }

    func testNavigationMatchesThePerPageRenderingOnEveryPage() {
        let pages = pages()
        let tree = NavNode.tree(pages)
        let failures = ["guides/deep/more/z.html": 2, "top.html": 1, "guides/index.html": 3, "noindex/two.html": 1]
        let nav = SiteNav(tree, failures: failures)
        var checked = 0
        for page in pages {
            for prefix in ["", "../", "../../", "/", "a&b\"/"] {
                XCTAssertEqual(nav.html(current: page.outputPath, prefix: prefix),
                               Self.oracleNav(tree, current: page.outputPath, prefix: prefix, failures: failures),
                               "\(page.outputPath) with prefix \(prefix)")
                checked += 1
            }
        }
        for other in ["dashboard.html", "search.html", "404.html", "evidence/demo.html", "guides/deep/nothing.html"] {
            XCTAssertEqual(nav.html(current: other, prefix: "../"), Self.oracleNav(tree, current: other, prefix: "../", failures: failures))
        }
        XCTAssertEqual(checked, pages.count * 5)
        // The case the oracle must not hide: the deep page's folders are open and it is current.
        let deep = nav.html(current: "guides/deep/more/z.html", prefix: "../../../")
        XCTAssertTrue(deep.contains("<li class=\"current\"><a href=\"../../../guides/deep/more/z.html\" aria-current=\"page\">Z"), deep)
        XCTAssertTrue(deep.contains("Guides &amp; &#39;tips&#39;"), deep)
        XCTAssertTrue(deep.contains("aria-label=\"5 項失敗\""), "guides holds 3 + 2 failures: \(deep)")
        XCTAssertFalse(nav.html(current: "top.html", prefix: "").contains("z.html"), "a closed folder's pages are not listed")
    }

    func testTrailsMatchTheWalkFromTheRoot() {
        let pages = pages()
        let tree = NavNode.tree(pages)
        let nav = SiteNav(tree, failures: [:])
        for page in pages {
            let expected = Self.oracleTrail(tree, to: page.outputPath).map { Array($0.dropLast()) } ?? []
            let got = nav.trail(to: page.outputPath)
            XCTAssertEqual(got.map(\.title), expected.map(\.title), page.outputPath)
            XCTAssertEqual(got.map(\.trailHref), expected.map(\.href), page.outputPath)
            XCTAssertEqual(got.map(\.folder), expected.map(\.folder), page.outputPath)
        }
        XCTAssertEqual(nav.trail(to: "guides/deep/more/z.html").map(\.title), ["Home <&> \"site\"", "Guides & 'tips'", "deep", "more"])
        XCTAssertEqual(nav.trail(to: "noindex/one.html").last?.trailHref, "noindex/one.html", "a folder without index.md links to its first page")
        XCTAssertTrue(nav.trail(to: "missing.html").isEmpty)
    }

    func testEscapeOnBytesMatchesTheScalarWay() {
        let pieces = ["", "a", "&", "<", ">", "\"", "'", "營運", "😀", "e\u{301}", "\u{0}", "&amp;", " ", "\n", "ü", "<script>"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let text = (0..<Int.random(in: 0...12, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            XCTAssertEqual(HTML.escape(text), Self.oracleEscape(text), text)
            XCTAssertEqual(HTML.escape(text, apostrophe: false), Self.oracleEscape(text, apostrophe: false), text)
        }
        XCTAssertEqual(HTML.escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        XCTAssertEqual(HTML.escape("it's", apostrophe: false), "it's")
        XCTAssertEqual(HTML.escape("營運手冊"), "營運手冊")
    }

    func testRunLineIsMadeOnceAndFollowsNow() throws {
        let root = try TestSupport.handbook(["content/index.md": "# Home\n"])
        let (book, _) = try TestSupport.load(root)
        let day = Day(iso: "2026-11-24")!
        let finished = Date(timeIntervalSince1970: 1_790_000_000)
        let results = Results(handbook: book, checks: [], attestations: [], target: "lab", started: finished, finished: finished, today: day)
        var context = SiteContext(handbook: book, results: results, today: day)
        context.now = finished.addingTimeInterval(3 * 3600)
        XCTAssertTrue(context.provenanceHTML.contains("3 小時前"), context.provenanceHTML)
        XCTAssertTrue(context.runProvenanceHTML.contains("<strong class=\"prov-target\">lab</strong>"), context.runProvenanceHTML)
        XCTAssertEqual(context.runInfo, "檢查於 \(ResultsFile.timestamp(finished)) 對目標「lab」執行")
        let page = try XCTUnwrap(book.pages.first)
        XCTAssertEqual(context.pageView(page, index: 0).provenanceHTML, context.provenanceHTML)
    }

    // MARK: Views name their fields for Mustache; a field left out would render as nothing.

    /// Every stored field Mirror sees is answered by `child(named:)`, with the same value (an
    /// optional field unwrapped, as Mustache's Mirror lookup unwraps it).
    private func assertListsEveryField<V>(_ view: V, _ child: (String) -> Any?, file: StaticString = #filePath, line: UInt = #line) {
        let fields = Mirror(reflecting: view).children
        XCTAssertFalse(fields.isEmpty, file: file, line: line)
        for field in fields {
            let label = field.label ?? "?"
            var value = field.value
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional, let wrapped = mirror.children.first?.value { value = wrapped }
            guard let answer = child(label) else {
                XCTFail("\(V.self).\(label) is not listed", file: file, line: line)
                continue
            }
            XCTAssertEqual(String(describing: answer), String(describing: value), "\(V.self).\(label)", file: file, line: line)
        }
    }

    func testEveryViewFieldIsListedForMustache() {
        let link = PageView.Link(title: "t", href: "h")
        let count = PageView.Count(status: "failed", word: "w", icon: "i", count: 2)
        assertListsEveryField(link, link.child(named:))
        let toc = PageView.TOCEntry(text: "x", anchor: "a", level: 2, isSub: false)
        assertListsEveryField(toc, toc.child(named:))
        assertListsEveryField(count, count.child(named:))
        let fact = PageView.Fact(label: "l", value: "v")
        assertListsEveryField(fact, fact.child(named:))
        let page = PageView(
            siteTitle: "s", title: "t", rootPrefix: "../", navHTML: "<ul></ul>", breadcrumbs: [link], bodyHTML: "<p>b</p>",
            toc: [], hasTOC: false, prev: link, next: link, facts: [], counts: [count], hasCounts: true,
            claimedFailing: [link], hasClaimedFailing: true, runInfo: "r", kind: "phase",
            provenanceHTML: "p", runProvenanceHTML: "rp", staleNotice: "stale")
        assertListsEveryField(page, page.child(named:))
        let countLink = DashboardView.CountLink(status: "failed", word: "w", icon: "i", count: 1, href: "#h")
        let criterion = DashboardView.CriterionLink(page: "p", text: "t", href: "h", claimedFailing: true)
        let phase = DashboardView.Phase(title: "t", href: "h", due: "d", overdue: true, total: 3, barHTML: "<div></div>",
                                        counts: [countLink], failing: [criterion], hasFailing: true)
        let failingPage = DashboardView.FailingPage(title: "t", href: "h", section: "s", counts: [countLink], failing: [criterion])
        let runbook = DashboardView.Runbook(title: "t", href: "h", component: "c", severity: "sev", owner: "o", lastReviewed: "l",
                                            stale: true, checksIcon: "i", checksWord: "w", checksStatus: "failed", checksHref: "x")
        let group = DashboardView.PageGroup(anchor: "a", title: "t", href: "h", criteria: [criterion])
        let statusGroup = DashboardView.StatusGroup(status: "failed", icon: "i", word: "w", count: 1, open: true, pages: [group])
        assertListsEveryField(countLink, countLink.child(named:))
        assertListsEveryField(criterion, criterion.child(named:))
        assertListsEveryField(phase, phase.child(named:))
        assertListsEveryField(failingPage, failingPage.child(named:))
        assertListsEveryField(runbook, runbook.child(named:))
        assertListsEveryField(group, group.child(named:))
        assertListsEveryField(statusGroup, statusGroup.child(named:))
        let dashboard = DashboardView(
            phases: [phase], hasPhases: true, failingPages: [failingPage], hasFailingPages: true, runbooks: [runbook],
            hasRunbooks: true, verdict: "v", verdictStatus: "failed", counts: [countLink], claimedFailing: [criterion],
            hasClaimedFailing: true, claimedFailingCount: 1, statusGroups: [statusGroup], hasStatusGroups: true)
        assertListsEveryField(dashboard, dashboard.child(named:))
    }

    /// Mustache's own escaping went one Character at a time: a `"` that a combining mark follows is
    /// one Character with it, and was written as it came. The templates now escape on bytes.
    func testTemplateFieldsEscapeAQuoteThatACombiningMarkFollows() throws {
        let title = "Q\"\u{301} <\u{301}b> & 'x'"
        let site = try TestSupport.renderSite(["content/index.md": "# Home\n", "content/a.md": "# \(title)\n\n## 二\n\n## 三\n"])
        let html = try String(contentsOf: site.appendingPathComponent("a.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<title>Q&quot;\u{301} &lt;\u{301}b&gt; &amp; &#39;x&#39; · Home</title>"), html)
        XCTAssertFalse(html.contains("\"\u{301}"), "an unescaped quote with a combining mark")
    }

    func testCriterionWordsWithoutChecksAreTrimmedAsBefore() {
        func words(_ text: String) -> String {
            CriterionWords.of(Criterion(page: "content/a.md", position: SourcePosition(path: "content/a.md", line: 1), text: text,
                                        claimedDone: false, checkIDs: ["c1"], references: []))
        }
        XCTAssertEqual(words("  磁碟空間足夠：  "), "磁碟空間足夠")
        XCTAssertEqual(words("磁碟空間足夠"), "磁碟空間足夠")
        XCTAssertEqual(words("、；"), "c1")
        XCTAssertEqual(words("磁碟空間足夠（check:c1）"), "磁碟空間足夠")
        XCTAssertEqual(words("節點就緒 check:c1"), "節點就緒")
    }

    // MARK: The page template's lists, assembled in Swift

    /// The built-in template writes its lists from fragments `PageView` assembles; the template
    /// before that wrote them with Mustache sections over the arrays, and is kept as a theme
    /// (`Fixtures/render/sectioned-theme`). Every page must come out the same byte for byte, with
    /// every list present and empty, and text that needs escaping in each.
    func testListFragmentsWriteWhatTheSectionsWrote() throws {
        let (root, verdicts) = try TestSupport.everyPartHandbook()
        let a = try TestSupport.assertSameSite(root, verdicts: verdicts) { theme in
            try FileManager.default.copyItem(at: TestSupport.fixtures.appendingPathComponent("render/sectioned-theme/theme"), to: theme)
        }
        // Each list is on some page, so a fragment that wrote nothing would be seen.
        let phase = try XCTUnwrap(a["phases/phase-1.html"])
        for part in ["<nav class=\"breadcrumbs\"", "<dl class=\"facts\">", "<dd>維運 &amp; 平台 &lt;組&gt;</dd>", "<p class=\"counts\">",
                     "claimed-failing", "<li class=\"sub\"><a href=\"#", "子節 &lt;x&gt;", "class=\"prev\"", "class=\"next\"",
                     "階段 &quot;一&quot; &amp; &lt;二&gt;", "<span>階段 1 &lt;b&gt;&#39;x&#39;&lt;/b&gt;</span>"] {
            XCTAssertTrue(phase.contains(part), part)
        }
        XCTAssertTrue(try XCTUnwrap(a["runbooks/disk.html"]).contains("stale-notice"))
        let dashboard = try XCTUnwrap(a["dashboard.html"])
        for part in ["<section class=\"page-group\" id=\"", "<li><a href=\"phases/phase-1.html#", "class=\"mark-claimed\"", "資料庫在線 &amp; &quot;好&quot; &lt;ok&gt;",
                     "<tr class=\"stale\"><td data-label=\"Runbook\">", "<a class=\"badge status-failed\" href=\"#status-failed--", "還新的 &lt;runbook&gt;",
                     "<span class=\"badge status-manual\">", "值班 &quot;SRE&quot;"] {
            XCTAssertTrue(dashboard.contains(part), part)
        }
    }
}

extension SiteOnceTests {
    /// Pages are handed to the writing threads one folder at a time in turn, so two threads
    /// rarely create files in one folder at once; every page still comes exactly once, and each
    /// folder's pages keep their order.
    func testPagesAreTakenFromEachFolderInTurn() {
        let paths = ["a/1", "a/2", "a/3", "b/1", "c/1", "c/2", "top"]
        let pages = paths.map { TestSupport.page("# \($0)\n", path: "content/\($0).md").0 }
        let order = SiteRenderer.acrossFolders(pages)
        XCTAssertEqual(order.map { paths[$0] }, ["a/1", "b/1", "c/1", "top", "a/2", "c/2", "a/3"])
        XCTAssertEqual(SiteRenderer.acrossFolders([]), [])
    }
}
