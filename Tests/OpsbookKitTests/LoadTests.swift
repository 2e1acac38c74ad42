import XCTest
@testable import OpsbookKit

final class LoadTests: XCTestCase {
    func testTaskListRightAfterParagraphIsStillAList() {
        let (page, _) = TestSupport.page("驗收條件：\n- [x] 第一項\n- [ ] 第二項\n")
        XCTAssertEqual(page.criteria.map(\.text), ["第一項", "第二項"])
        XCTAssertEqual(page.criteria.map(\.claimedDone), [true, false])
        XCTAssertEqual(page.criteria.map(\.position.line), [2, 3])
    }

    func testFrontMatterLinesCountInPositions() {
        let md = "---\ntitle: T\nkind: phase\n---\n# 標題\n\n- [ ] 條件\n"
        let (page, problems) = TestSupport.page(md)
        XCTAssertEqual(problems, [])
        XCTAssertEqual(page.title, "T")
        XCTAssertEqual(page.kind, .phase)
        XCTAssertEqual(page.criteria.first?.position.line, 7)
        XCTAssertEqual(page.headings.first?.line, 5)
    }

    func testFrontMatterTypeAndDateErrorsArePositioned() {
        let md = "---\ntitle: T\norder: first\ndue: 2025-02-30\nkind: nonsense\nreview-every: often\n---\nbody\n"
        let (_, problems) = TestSupport.page(md)
        let where_ = problems.map { "\($0.position!.line):\($0.code)" }.sorted()
        XCTAssertEqual(where_, ["3:yaml.type", "4:yaml.bad-date", "5:frontmatter.kind", "6:frontmatter.review-every"])
    }

    func testUnknownFrontMatterKeysAreKept() {
        let (page, problems) = TestSupport.page("---\nreviewers: [a, b]\nteam: sre\n---\n")
        XCTAssertEqual(problems, [])
        XCTAssertEqual(page.frontMatter.extra["team"], "sre")
        XCTAssertNotNil(page.frontMatter.extra["reviewers"])
    }

    func testUnclosedFrontMatterAndBadYAML() {
        XCTAssertEqual(TestSupport.page("---\ntitle: x\n# never closed\n").1.codes(), ["frontmatter.unclosed"])
        let bad = TestSupport.page("---\ntitle: [unterminated\n---\n").1
        XCTAssertEqual(bad.codes(), ["yaml.syntax"])
        XCTAssertGreaterThanOrEqual(bad.first?.position?.line ?? 0, 2)
    }

    func testHeadingAnchorsAreStableWithCJKAndDuplicates() {
        let (page, _) = TestSupport.page("# Phase 1：救急\n## 目標\n## 目標\n## Hello, World!\n## 目標\n## ？\n")
        XCTAssertEqual(page.headings.map(\.anchor), ["phase-1救急", "目標", "目標-1", "hello-world", "目標-2", "section"])
    }

    func testCheckBlocksIdsAttributesAndNesting() {
        let md = """
        - [x] 三節點
          ```check etcd-quorum timeout=20s retry=5x10s requires=etcdctl,jq
          $ etcdctl member list | wc -l
          3
          ```
        - [ ] 引用 `check:etcd-quorum` 與 `check:other`

        ```check
        true
        ```

        ```bash
        rm -rf /
        ```
        """
        let (page, problems) = TestSupport.page(md, path: "content/phases/phase-2.md")
        XCTAssertEqual(problems, [])
        XCTAssertEqual(page.checks.map(\.id), ["etcd-quorum", "phases-phase-2-1"])
        let a = page.checks[0].attributes
        XCTAssertEqual(a.timeoutMilliseconds, 20_000)
        XCTAssertEqual(a.retry, .init(attempts: 5, delayMilliseconds: 10_000))
        XCTAssertEqual(a.requires, ["etcdctl", "jq"])
        XCTAssertEqual(page.checks[0].criterionIndex, 0)
        XCTAssertNil(page.checks[1].criterionIndex)
        XCTAssertEqual(page.checks[0].position.line, 2)
        XCTAssertEqual(page.criteria[0].checkIDs, ["etcd-quorum"])
        XCTAssertEqual(page.criteria[1].checkIDs, ["etcd-quorum", "other"])
    }

    func testReferenceColumnsCountUTF8Bytes() {
        // "- [ ] 驗證 `" is 6 + 6 bytes of CJK + 2: the span's text starts at byte column 15.
        let (page, _) = TestSupport.page("- [ ] 驗證 `check:abc`\n")
        XCTAssertEqual(page.criteria[0].references.first?.position.column, 15)
    }

    func testBadCheckAttributesAreErrorsAtTheirColumn() {
        let (_, problems) = TestSupport.page("```check Bad_ID timeout=abc color=red\n```\n")
        XCTAssertEqual(problems.codes().sorted(), ["check.bad-attribute", "check.bad-attribute", "check.invalid-id"])
        XCTAssertEqual(problems.first { $0.message.contains("timeout") }?.position?.column, 17)
    }

    func testOnlyCheckInfoStringsAreChecks() {
        let (page, _) = TestSupport.page("```checkout\nx\n```\n```bash check\nx\n```\n~~~check tilde\nexit 1\n~~~\n")
        XCTAssertEqual(page.checks.map(\.id), ["tilde"])
    }

    func testEncodingProblemsAreWarningsAndThePageStillLoads() {
        var bytes = Array("# ok\n\nline two \u{8A2D}\n".utf8)
        bytes += [0xFF, 0xFE, 0x41, 0x0A]  // invalid UTF-8 on line 4
        let (page, problems) = PageBuilder.build(path: "content/x.md", relative: "x.md", data: Data(bytes))
        XCTAssertEqual(page.title, "ok")
        XCTAssertEqual(problems.map { "\($0.position!.line):\($0.code)" }, ["4:encoding.invalid-utf8"])
    }

    func testMojibakeFromSeed002IsReportedAtItsLines() throws {
        let seeds = try XCTUnwrap(TestSupport.seeds)
        let file = try FileManager.default.contentsOfDirectory(atPath: seeds.path).first { $0.hasPrefix("002_") }
        let data = try XCTUnwrap(file.flatMap { FileManager.default.contents(atPath: seeds.appendingPathComponent($0).path) })
        let (_, problems) = PageBuilder.build(path: "content/seed.md", relative: "seed.md", data: data)
        let mojibake = problems.filter { $0.code == "encoding.mojibake" }
        XCTAssertGreaterThan(mojibake.count, 100)
        XCTAssertEqual(mojibake.first?.position?.line, 1)
        // Real zh-Hant text is never flagged.
        XCTAssertEqual(TestSupport.page("# 企業級維運最佳實踐\n設定檔 — “引號” café\n").1, [])
    }

    func testBOMAndCRLFAndUTF16() {
        let crlf = Data([0xEF, 0xBB, 0xBF] + Array("---\r\ntitle: 標題\r\n---\r\n- [x] a\r\n".utf8))
        let (page, problems) = PageBuilder.build(path: "content/x.md", relative: "x.md", data: crlf)
        XCTAssertEqual(problems, [])
        XCTAssertEqual(page.title, "標題")
        XCTAssertEqual(page.criteria.first?.position.line, 4)
        var utf16 = Data([0xFF, 0xFE])
        utf16.append("# 你好\n".data(using: .utf16LittleEndian)!)
        let (p16, w16) = PageBuilder.build(path: "content/u.md", relative: "u.md", data: utf16)
        XCTAssertEqual(p16.title, "你好")
        XCTAssertEqual(w16.codes(), ["encoding.utf16"])
    }

    func testEdgeCasesDoNotCrash() {
        XCTAssertEqual(TestSupport.page("").0.title, "t")
        XCTAssertEqual(TestSupport.page("---\ntitle: 只有前言\n---\n").0.title, "只有前言")
        let big = String(repeating: "## 標題\n\n- [ ] 條件 `code` **粗**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n", count: 80_000)
        XCTAssertGreaterThan(big.utf8.count, 5_000_000)
        let (page, _) = TestSupport.page(big)
        XCTAssertEqual(page.criteria.count, 80_000)
        XCTAssertEqual(page.headings.last?.anchor, "標題-79999")
    }

    func testNavigationOrder() throws {
        let root = try TestSupport.handbook([
            "content/index.md": "# Home", "content/b.md": "# B", "content/a.md": "---\norder: 5\n---\n# A",
            "content/z/index.md": "---\norder: 1\n---\n# Z", "content/z/y.md": "# Y",
        ])
        let (handbook, _) = try TestSupport.load(root)
        XCTAssertEqual(handbook.pages.map(\.slugPath), ["index", "z/index", "z/y", "a", "b"])
    }
}

extension LoadTests {
    func testSymlinkLoopIsReadOnceAndMissingContentIsAUsageError() throws {
        let root = try TestSupport.handbook(["content/a/page.md": "# A\n"])
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("content/a/loop").path,
                                                   withDestinationPath: root.appendingPathComponent("content").path)
        let (handbook, problems) = try TestSupport.load(root)
        XCTAssertEqual(handbook.pages.map(\.slugPath), ["a/page"])
        XCTAssertEqual(problems.codes(), ["content.symlink-loop"])

        let empty = try TestSupport.handbook(["README.md": "no content folder"])
        let error = TestSupport.usageError { try Pipeline.lint(root: empty) }
        XCTAssertTrue(error?.printed.contains("no content/ folder") == true, error?.printed ?? "")
    }
}
