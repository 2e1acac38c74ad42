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

    // MARK: what a check block carries

    func testACheckBlockCarriesItsParsedTranscriptAndItsProblems() throws {
        let markdown = "# P\n\n```check t\n$ echo a\na\n[0]\nlate ([ (re)\n```\n\n```check s\necho '$ not a command'\n```\n"
        let (page, _) = TestSupport.page(markdown)
        let transcript = try XCTUnwrap(page.checks[0].transcript)
        // Parsed with the file's line numbers: the body starts on line 4.
        XCTAssertEqual(transcript, TranscriptParser().parse("$ echo a\na\n[0]\nlate ([ (re)\n", firstLine: 4).0)
        XCTAssertEqual(transcript.commands.map(\.line), [4])
        XCTAssertEqual(page.checks[0].transcriptProblems.map(\.line), [7, 7])  // after `[N]`, and a bad pattern
        XCTAssertTrue(page.checks[0].isTranscript)
        XCTAssertNil(page.checks[1].transcript)
        XCTAssertEqual(page.checks[1].transcriptProblems, [])
        XCTAssertFalse(page.checks[1].isTranscript)
    }

    func testACheckBlockCarriesTheAnalysisOfItsCommands() {
        let (page, _) = TestSupport.page("```check t\n$ kubectl delete pod x\ndeleted\n$ /usr/bin/helm list\n```\n")
        let body = page.checks[0].body
        XCTAssertEqual(page.checks[0].commands, MutationDetector.analyse(body))
        XCTAssertEqual(page.checks[0].commands.mutations.map(\.command), ["kubectl delete"])
    }

    /// One analysis answers every target: its bypasses for any recorded programs are those an
    /// analysis made with that list finds.
    func testBypassesForOtherRecordedProgramsNeedNoSecondAnalysis() {
        let bodies = ["/usr/bin/kubectl get nodes", "PATH=/usr/bin:/bin; kubectl get nodes; jq . x; /opt/tool x",
                      "env -i PATH=/usr/bin kubectl get nodes", "command -p jq . x", "sh -c '/usr/local/bin/helm list'",
                      "exec /usr/bin/etcdctl get x", "sudo jq . x", "kubectl get nodes", "/usr/bin/jq . x.json",
                      "env FOO=1 kubectl get nodes", "PATH=\"$PATH:/opt\"; jq .", "ssh h '/usr/bin/tool a; PATH=/x kubectl get x'"]
        let lists = [RunTarget.defaultRecorded, ["jq"], ["tool", "kubectl"], []]
        for body in bodies {
            let once = MutationDetector.analyse(body)
            for recorded in lists {
                XCTAssertEqual(once.bypasses(recorded: Set(recorded)), MutationDetector.analyse(body, recorded: recorded).bypasses,
                               "\(body) with \(recorded)")
            }
            XCTAssertEqual(once.bypasses, once.bypasses(recorded: Set(RunTarget.defaultRecorded)), body)
        }
        XCTAssertEqual(MutationDetector.analyse("command -p jq . x").bypasses(recorded: ["jq"]).count, 1)
    }

    func testCheckIDsAreCheckedAsThePatternSays() {
        let pattern = #/[a-z0-9][a-z0-9-]*/#
        for id in ["a", "0", "a-b", "abc-123-", "-a", "", "A", "a_b", "a b", "é", "a\u{301}", "ａ", "a\n", "9-", "a.b", "--",
                   "a\u{0}", "ß", "k8s-node-ready"] {
            XCTAssertEqual(CheckBlock.isValidID(id), id.wholeMatch(of: pattern) != nil, id.debugDescription)
        }
    }

    func testARegexLineCarriesItsPatternCompiledOnce() throws {
        let (transcript, problems) = TranscriptParser().parse("$ cmd\nnode-[0-9]+ (re)\nbad ([ (re)\nplain\n", firstLine: 1)
        let lines = try XCTUnwrap(transcript.commands.first).expected
        XCTAssertEqual(lines[0].pattern?.regex.pattern, "node-[0-9]+")
        XCTAssertNil(lines[1].pattern)
        XCTAssertNil(lines[2].pattern)
        XCTAssertEqual(problems.map(\.message), ["invalid regular expression `bad ([`"])
        XCTAssertTrue(Matcher.matches(lines[0], "node-42"))
        XCTAssertFalse(Matcher.matches(lines[0], "node-x"))
        XCTAssertFalse(Matcher.matches(lines[1], "bad (["))  // never compiled, never matched, except…
        XCTAssertTrue(Matcher.matches(lines[1], "bad ([ (re)"))  // …by its own text, as cram does
    }
}
