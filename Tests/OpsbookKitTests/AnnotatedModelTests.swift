import XCTest
@testable import OpsbookKit

/// The loader annotates the tree the renderer walks (issue 14, "An annotated model"): each
/// heading carries its anchor, each task item its criterion, each `check` block its check, and a
/// verdict finds its task item by the criterion's anchor. Nothing is matched by counting.
final class AnnotatedModelTests: XCTestCase {
    private func render(_ page: Page, verdicts: [CriterionVerdict] = [], results: [String: CheckResult] = [:]) -> String {
        var writer = MarkdownHTMLWriter(page: page, verdicts: verdicts, checkResults: results, rewriteLink: { $0 })
        return writer.render()
    }

    /// `<li class="criterion" id="…" data-status="…">` of every criterion, in page order.
    private func criterionStatuses(_ html: String) -> [String] {
        html.matches(of: #/<li class="criterion" id="([^"]*)" data-status="([^"]*)"/#).map { "\($0.1)=\($0.2)" }
    }

    func testVerdictsFindTheirCriterionByAnchorNotByPosition() throws {
        let (page, _) = TestSupport.page("# P\n\n- [ ] first one\n- [x] second one\n- [ ] third one\n")
        XCTAssertEqual(page.criteria.map(\.anchor), ["first-one", "second-one", "third-one"])
        func verdict(_ i: Int, _ status: CriterionStatus) -> CriterionVerdict {
            CriterionVerdict(criterion: page.criteria[i], status: status)
        }
        // Out of page order, and one left out (a run that judged only some criteria): the old
        // writer gave the first task item the first verdict in the list.
        let html = render(page, verdicts: [verdict(2, .passed), verdict(1, .failed)])
        XCTAssertEqual(criterionStatuses(html), ["first-one=not-run", "second-one=failed", "third-one=passed"])
        XCTAssertTrue(html.contains("id=\"second-one\" data-status=\"failed\" data-claimed-failing"), html)
    }

    func testTheRendererFollowsTheAnnotationNotTheOrderOfTheLists() throws {
        // A hand-built model whose lists run in the opposite order to the tree: a writer that
        // counted nodes would take the anchors, criteria and checks of the other nodes.
        let position = SourcePosition(path: "content/t.md", line: 1)
        func heading(_ text: String, _ anchor: String) -> MarkdownNode {
            var node = MarkdownNode(kind: .heading(level: 2), children: [MarkdownNode(kind: .text, literal: text)])
            node.annotation = .anchor(anchor)
            return node
        }
        func task(_ text: String, _ index: Int) -> MarkdownNode {
            var node = MarkdownNode(kind: .taskItem(checked: false),
                                    children: [MarkdownNode(kind: .paragraph, children: [MarkdownNode(kind: .text, literal: text)])])
            node.annotation = .criterion(index)
            return node
        }
        func check(_ index: Int) -> MarkdownNode {
            var node = MarkdownNode(kind: .codeBlock(info: "check", fenced: true), literal: "true\n")
            node.annotation = .check(index)
            return node
        }
        func criterion(_ text: String, _ anchor: String) -> Criterion {
            var c = Criterion(page: "content/t.md", position: position, text: text, claimedDone: false, checkIDs: [], references: [])
            c.anchor = anchor
            return c
        }
        func block(_ id: String) -> CheckBlock {
            CheckBlock(id: id, hasGeneratedID: false, attributes: CheckAttributes(), body: "true\n", page: "content/t.md",
                       position: position, criterionIndex: nil)
        }
        let document = MarkdownNode(kind: .document, children: [
            heading("Alpha", "alpha"), heading("Beta", "beta"),
            MarkdownNode(kind: .list(ordered: false, start: 1, tight: true), children: [task("a", 1), task("b", 0)]),
            check(1), check(0),
            MarkdownNode(kind: .codeBlock(info: "check", fenced: true), literal: "not annotated\n"),
        ])
        let page = Page(path: "content/t.md", slugPath: "t", frontMatter: FrontMatter(), title: "t", document: document,
                        headings: [Heading(level: 2, text: "Beta", anchor: "beta", line: 2),
                                   Heading(level: 2, text: "Alpha", anchor: "alpha", line: 1)],
                        criteria: [criterion("b", "crit-b"), criterion("a", "crit-a")],
                        checks: [block("second"), block("first")], links: [])
        let html = render(page, verdicts: [CriterionVerdict(criterion: page.criteria[1], status: .passed)])
        let ids = html.matches(of: #/ id="([^"]*)"/#).map { String($0.1) }
        XCTAssertEqual(ids, ["alpha", "beta", "crit-a", "crit-b", "check-first", "check-second"], html)
        XCTAssertEqual(criterionStatuses(html), ["crit-a=passed", "crit-b=not-run"])
        XCTAssertTrue(html.contains("<pre><code class=\"language-check\">not annotated\n</code></pre>"), html)
    }

    /// Where cmark moves or the writer consumes nodes (footnote definitions go to the end, an
    /// alert's first paragraph is taken apart, headings repeat), every annotation still names the
    /// thing the extractor found at that node, and the page shows each id once.
    func testTheLoaderAnnotatesEveryHeadingTaskItemAndCheck() throws {
        let markdown = """
        # Same

        Text with a note[^n].

        > [!WARNING]
        > Careful.
        >
        > ```check in-alert
        > true
        > ```

        ## Same

        - [ ] outer
          - [ ] inner

            ```check nested
            true
            ```

        [^n]: A note with a task:

            - [ ] in the note

            ```check in-note
            true
            ```

        ```check
        true
        ```

        """
        let (page, problems) = TestSupport.page(markdown)
        XCTAssertEqual(problems.filter { $0.severity == .error }, [])
        var seen: [MarkdownNode.Annotation] = []
        page.document.walk { node in
            switch node.kind {
            case .heading, .taskItem: XCTAssertNotNil(node.annotation, "\(node.kind)")
            case .codeBlock(let info, _) where CheckInfoParser.isCheck(info): XCTAssertNotNil(node.annotation, info)
            default: XCTAssertNil(node.annotation, "\(node.kind)")
            }
            if let a = node.annotation { seen.append(a) }
        }
        // Tree order; the footnote definition (and what it holds) comes last, as cmark moves it.
        XCTAssertEqual(seen, [.anchor("same"), .check(0), .anchor("same-1"), .criterion(0), .criterion(1), .check(1),
                              .check(2), .criterion(2), .check(3)])
        XCTAssertEqual(page.checks.map(\.id), ["in-alert", "nested", "t-1", "in-note"])
        XCTAssertEqual(page.criteria.map(\.anchor), ["outer", "inner", "in-the-note"])
        XCTAssertEqual(page.checks[1].criterionIndex, 1)
        let ids = render(page).matches(of: #/ id="([^"]*)"/#).map { String($0.1) }.filter { !$0.hasPrefix("fn") }
        XCTAssertEqual(ids, ["same", "check-in-alert", "same-1", "outer", "inner", "check-nested", "check-t-1",
                             "in-the-note", "check-in-note"])
    }
}
