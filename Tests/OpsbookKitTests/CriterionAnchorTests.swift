import Foundation
import XCTest
@testable import OpsbookKit

/// Contract §7: a criterion's element id is made from its text, like a heading's, so a link to it
/// survives edits elsewhere on the page.
final class CriterionAnchorTests: XCTestCase {
    func testIdsComeFromTheTextAndSurviveALineInsertedAbove() {
        let before = TestSupport.page("# 階段\n\n- [ ] etcd 三節點皆為 Started\n- [x] 備份完成 `check:backup`\n").0
        let after = TestSupport.page("# 階段\n\n新增的一段說明。\n\n還有一段。\n\n- [ ] etcd 三節點皆為 Started\n- [x] 備份完成 `check:other`\n").0
        XCTAssertEqual(before.criteria.map(\.anchor), ["etcd-三節點皆為-started", "備份完成"])
        XCTAssertEqual(after.criteria.map(\.anchor), before.criteria.map(\.anchor), "lines above and a changed check: do not move the id")
        XCTAssertNotEqual(after.criteria[0].position.line, before.criteria[0].position.line)
    }

    func testLongCriteriaGetReadableIds() {
        let long = "叢集沒有資源耗盡：沒有任何節點回報記憶體、磁碟或 PID 壓力，過去 30 天也沒有容器因 OOMKilled 結束"
        let page = TestSupport.page("- [ ] \(long)\n- [ ] \(long)（第二次）\n").0
        XCTAssertEqual(page.criteria.map(\.anchor), ["叢集沒有資源耗盡沒有任何節點回報記憶體磁碟或-pid-壓力過去-30", "叢集沒有資源耗盡沒有任何節點回報記憶體磁碟或-pid-壓力過去-30-1"])
        XCTAssertEqual(AnchorMaker.shortened("abc-def", to: 40), "abc-def")
        XCTAssertEqual(AnchorMaker.shortened("aaaaa-bbbbb-ccccc", to: 14), "aaaaa-bbbbb")
    }

    func testIdsAreUniqueInThePageAmongHeadingsAndCriteria() {
        let page = TestSupport.page("## 備份\n\n- [ ] 備份\n- [ ] 備份\n- [ ] `check:x`\n- [ ] **!!**\n").0
        XCTAssertEqual(page.headings.map(\.anchor), ["備份"])
        XCTAssertEqual(page.criteria.map(\.anchor), ["備份-1", "備份-2", "criterion", "criterion-1"])
    }

    func testPageAndResultsCarryTheId() throws {
        let root = try TestSupport.handbook(["content/p.md": "# P\n\n- [ ] 監控告警上線\n"])
        let (handbook, _) = try TestSupport.load(root)
        let results = Results(handbook: handbook, checks: nil, attestations: [], target: nil,
                              started: nil, finished: nil, today: Day(iso: "2026-11-24")!)
        let out = root.appendingPathComponent("site")
        try SiteRenderer(theme: try Theme(override: nil), today: Day(iso: "2026-11-24")!).render(handbook, results, into: out)
        let html = try String(contentsOf: out.appendingPathComponent("p.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<li class=\"criterion\" id=\"監控告警上線\" data-status=\"manual\">"))
        XCTAssertTrue(html.contains("<a class=\"anchor\" href=\"#監控告警上線\" aria-label=\"連結到此驗收條件\">#</a>"),
                      "an anchor link, reachable by keyboard")
        let json = try JSONSerialization.jsonObject(with: ResultsFile.json(results)) as? [String: Any]
        let criteria = try XCTUnwrap(json?["criteria"] as? [[String: Any]])
        XCTAssertEqual(criteria.first?["anchor"] as? String, "監控告警上線")
    }

    /// The anchor slug as it was written before it was made to remember its last hyphen instead
    /// of asking the string: anchors are links readers keep, so the new one must agree.
    private static func oracleSlug(_ text: String, fallback: String = "section") -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let c = Character(scalar)
                if c.isLetter || c.isNumber || c == "_" { out += c.lowercased() }
                else if (c == " " || c == "-") && !out.hasSuffix("-") && !out.isEmpty { out += "-" }
            } else if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                out.unicodeScalars.append(scalar)
            } else if scalar.properties.isWhitespace && !out.hasSuffix("-") && !out.isEmpty {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? fallback : out
    }

    func testSlugAgreesWithTheWayItWasWritten() {
        let pieces = ["", " ", "-", "--", " - ", "_", "a", "Z", "9", "!", "`", "\t", "\u{3000}", "\u{A0}", "檢查", "é", "e\u{301}",
                      "Ⅻ", "٣", "🙂", "\u{200B}", "(", "：", "、", "etcd", "P0"]
        var generator = SystemRandomNumberGenerator()
        var cases = pieces.flatMap { a in pieces.map { a + $0 } }
        for _ in 0..<5000 {
            cases.append((0..<Int.random(in: 0...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined())
        }
        for text in cases {
            XCTAssertEqual(AnchorMaker.slug(text), Self.oracleSlug(text), text)
        }
    }
}
