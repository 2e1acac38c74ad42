import XCTest
@testable import OpsbookKit

/// The site as the people who act on it read it (issue 15): the rest is in Tests/browser.
final class VerdictSiteTests: XCTestCase {
    private func criterion(_ text: String, checks: [String]) -> Criterion {
        Criterion(page: "content/p.md", position: SourcePosition(path: "content/p.md", line: 3), text: text, claimedDone: true,
                  checkIDs: checks, references: [])
    }

    func testCriterionWordsLeaveOutCheckReferences() {
        XCTAssertEqual(CriterionWords.of(criterion("rollout 已完成 check:rb-rollout-status", checks: ["rb-rollout-status"])),
                       "rollout 已完成")
        XCTAssertEqual(CriterionWords.of(criterion("演練前置：叢集是健康的（check:a、check:b）；不健康就延後", checks: ["a", "b"])),
                       "演練前置：叢集是健康的；不健康就延後")
        XCTAssertEqual(CriterionWords.of(criterion("check:only", checks: ["only"])), "only", "nothing but a reference: its id")
    }

    func testReasonsAreSaidInZhHantWithPathAndLine() {
        XCTAssertEqual(CheckReason.words("output differs from the expected lines and exit status 1, expected 0", page: "content/r.md", line: 70),
                       "content/r.md:70：輸出與預期的行不符，結束碼 1（預期 0）")
        XCTAssertEqual(CheckReason.words("line 122: output differs from the expected lines; line 135: exit status 3, expected 0",
                                         page: "content/r.md", line: 120),
                       "content/r.md:122：輸出與預期的行不符；content/r.md:135：結束碼 3（預期 0）")
        XCTAssertEqual(CheckReason.words("something new", page: "p.md", line: 1), "p.md:1：something new", "unknown reasons stay as written")
    }

    func testDiffMarksActualLinesAsTheFailure() {
        let diff = DiffLines(" a healthy\n-b healthy\n+b UNHEALTHY\n c healthy\n")
        XCTAssertEqual(diff.actual, ["b UNHEALTHY"])
        XCTAssertEqual(diff.lines.map(\.kind), ["same", "expected", "actual", "same"])
        XCTAssertTrue(diff.html.contains("<span class=\"diff-line actual\"><span class=\"diff-tag\">✘ 實際</span>b UNHEALTHY</span>"))
        XCTAssertFalse(diff.html.contains("ins"), "no git-style insertion (green) for a bad line")
    }

    func testProvenanceTimeIsATimeElementWithHowLongAgo() {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let html = Provenance.timeHTML(at, now: at.addingTimeInterval(3 * 3600 + 60), zone: TimeZone(identifier: "Asia/Taipei")!)
        XCTAssertTrue(html.hasPrefix("<time datetime=\"\(ResultsFile.timestamp(at))\" data-ago>2027-01-15 16:00 UTC+08:00</time>"), html)
        XCTAssertTrue(html.hasSuffix("（<span class=\"ago\">3 小時前</span>）"), html)
        XCTAssertEqual(Provenance.ago(at, now: at.addingTimeInterval(20)), "剛剛")
    }

    func testHandbookRevisionNamesTheCommitAndUncommittedChanges() throws {
        let root = try TestSupport.handbook(["content/index.md": "# A\n"])
        XCTAssertNil(HandbookRevision.read(root: root), "not a git checkout: no commit")
        func git(_ args: String...) throws { try TestSupport.git(args, in: root) }
        try git("init", "-q"); try git("add", "."); try git("commit", "-qm", "a")
        let clean = try XCTUnwrap(HandbookRevision.read(root: root))
        XCTAssertEqual(clean.commit.count, 40)
        XCTAssertFalse(clean.dirty)
        try Data("# B\n".utf8).write(to: root.appendingPathComponent("content/index.md"))
        XCTAssertEqual(HandbookRevision.read(root: root)?.dirty, true)
    }

    func testDashboardLinksEveryFailingCriterionOfEveryKindOfPage() throws {
        let root = try TestSupport.handbook([
            "content/index.md": "# 手冊\n",
            "content/guides/index.md": "# 指南\n",
            "content/guides/g.md": "# 指南一\n- [x] 指南的條件 `check:g1`\n\n```check g1\ntrue\n```\n",
            "content/runbooks/r.md": "---\nkind: runbook\n---\n# 手冊一\n- [ ] 手冊的條件 `check:r1`\n\n```check r1\ntrue\n```\n",
        ])
        let (handbook, _) = try TestSupport.load(root)
        let checks = [CheckResult(id: "g1", page: "content/guides/g.md", line: 4, status: .failed, exit: 1, attempts: 1),
                      CheckResult(id: "r1", page: "content/runbooks/r.md", line: 7, status: .failed, exit: 1, attempts: 1)]
        let results = Results(handbook: handbook, checks: checks, attestations: [], target: "demo", started: nil,
                              finished: nil, today: Day(iso: "2026-11-24")!)
        let out = root.appendingPathComponent("site")
        try SiteRenderer(theme: try Theme(override: nil), today: Day(iso: "2026-11-24")!).render(handbook, results, into: out)
        let dashboard = try String(contentsOf: out.appendingPathComponent("dashboard.html"), encoding: .utf8)
        for v in results.criteria {
            let href = handbook.page(at: v.criterion.page)!.outputPath + "#" + v.criterion.anchor
            XCTAssertTrue(dashboard.contains("<a href=\"\(href)\"><span aria-hidden=\"true\">✘</span> \(CriterionWords.of(v.criterion))</a>"), href)
        }
        XCTAssertFalse(dashboard.contains(">手冊的條件 check:"), "link texts are the criterion's words")
        XCTAssertTrue(dashboard.contains("href=\"#status-failed\""), "the failed count links to the failed criteria")
        XCTAssertTrue(dashboard.contains("id=\"status-failed--guides-g\""))
        XCTAssertFalse(dashboard.contains("class=\"pager\""), "no empty pager")
        XCTAssertTrue(dashboard.contains("aria-label=\"1 項失敗\""), "the navigation marks pages with failures")
    }
}
