import XCTest
@testable import OpsbookKit

final class LintTests: XCTestCase {
    private func lint(_ files: [String: String]) throws -> [Diagnostic] {
        try TestSupport.load(try TestSupport.handbook(files)).1
    }

    func testDuplicateIdsUnknownReferencesAndBrokenLinks() throws {
        let problems = try lint([
            "content/a.md": "```check same\ntrue\n```\n- [ ] x `check:nowhere`\n[gone](missing.md) [ok](b.md#x) [web](https://x.io)\n",
            "content/b.md": "```check same\ntrue\n```\n",
        ])
        XCTAssertEqual(problems.codes(.error).sorted(), ["check.duplicate-id", "check.unknown-reference", "link.broken"])
        let ref = problems.first { $0.code == "check.unknown-reference" }!.position!
        XCTAssertEqual([ref.line, ref.column], [4, 10])
    }

    func testUnmarkedMutationIsAnErrorButMutatesAndDocsAreFine() throws {
        let problems = try lint(["content/a.md": """
        ```check restart
        kubectl -n chat rollout restart deploy/chat-server
        ```
        ```check ok mutates
        kubectl delete pod x
        ```
        ```bash
        kubectl delete pod x
        ```
        ```check transcript
        $ kubectl get events | grep -c deleted
        3 pods deleted
        ```
        """])
        XCTAssertEqual(problems.codes(.error), ["check.unmarked-mutation"])
        XCTAssertEqual(problems.first?.position?.line, 2)
    }

    func testNestedSameLengthFenceAsInSeed002Template() throws {
        // Seed 002's runbook template wraps ```bash blocks in a ```markdown block.
        // In documentation blocks these are warnings: the page renders as cmark-gfm renders it.
        let problems = try lint(["content/a.md": "```markdown\n# Runbook\n```bash\nkubectl get nodes\n```\n說明\n```\n"])
        XCTAssertEqual(problems.codes(.error), [])
        XCTAssertTrue(problems.codes(.warning).contains("fence.nested"))
        XCTAssertEqual(problems.first { $0.code == "fence.nested" }?.position?.line, 3)
        XCTAssertTrue(problems.codes(.warning).contains("fence.unclosed"), "the last fence opens a block that never closes")
        // The fix: a longer outer fence.
        XCTAssertEqual(try lint(["content/a.md": "````markdown\n```bash\nx\n```\n````\n"]), [])
    }

    func testInvalidRegexAndCannotFail() throws {
        let problems = try lint(["content/a.md": """
        ```check bad-re
        $ echo x
        ([ (re)
        ```
        ```check always
        kubectl get nodes || true
        ```
        ```check empty
        ```
        ```check forced
        $ kubectl get nodes || true
        ```
        ```check real
        $ kubectl get nodes || true
        [0]
        ```
        """])
        XCTAssertEqual(problems.codes(.error), ["transcript.syntax"])
        XCTAssertEqual(problems.first { $0.code == "transcript.syntax" }?.position?.line, 3)
        XCTAssertEqual(problems.filter { $0.code == "check.cannot-fail" }.map { $0.position!.line }, [5, 8, 10])
    }

    /// The acceptance test: five different mistakes, five positioned errors.
    func testFiveMistakesFivePositionedErrors() throws {
        let root = try TestSupport.handbook([
            "content/index.md": "---\ndue: 2025-13-01\n---\n# Home\n[x](nope.md)\n",
            "content/a.md": "```check dup timeout=abc\ntrue\n```\n```check dup\ntrue\n```\n- [ ] `check:ghost`\n",
        ])
        let run = try Pipeline.lint(root: root)
        XCTAssertEqual(TestSupport.exitStatus(run.diagnostics), 2)
        let stderr = run.diagnostics.printed
        let errors = stderr.split(separator: "\n").filter { $0.contains(": error: ") }
        XCTAssertEqual(errors.count, 5, stderr)
        for e in errors { XCTAssertNotNil(e.wholeMatch(of: /content\/[a-z]+\.md:\d+:\d+: error: .+/), String(e)) }
    }
}

extension LintTests {
    func testLintReadsChecksFolderToo() throws {
        let root = try TestSupport.handbook([
            "content/a.md": "- [ ] 人工項目\n",
            "checks/targets.yaml": "default: demo\ntargets:\n  demo:\n    fixtures: checks/fixtures/demo\n  gone:\n    fixtures: checks/fixtures/gone\n",
            "checks/fixtures/demo/k.yaml": "- call: [kubectl]\n  bogus: 1\n",
            "checks/attestations.yaml": "- page: content/a.md\n  criterion: 不存在\n  by: a\n  on: 2026-01-01\n",
            "checks/redact.yaml": "- '(['\n",
        ])
        let run = try Pipeline.lint(root: root)
        XCTAssertEqual(TestSupport.exitStatus(run.diagnostics), 2)
        let stderr = run.diagnostics.printed
        for expected in ["checks/fixtures/demo/k.yaml:2:3: error: unknown fixture key `bogus`",
                         "checks/attestations.yaml:1:3: error: no criterion on content/a.md starts with",
                         "checks/redact.yaml:1:3: error: not a valid regular expression",
                         "fixture folder checks/fixtures/gone does not exist (target `gone`)"] {
            XCTAssertTrue(stderr.contains(expected), "missing: \(expected)\n\(stderr)")
        }
    }
}

extension LintTests {
    /// Link targets are resolved the way `URL.standardizedFileURL` resolved them: dot segments
    /// removed from the written path, symbolic links left to `stat`.
    func testLinkTargetsAreResolvedAsStandardizedFileURLsWere() {
        for path in ["/r/content/a/../index.md", "/r/content/./a//b.md", "/r/content/../../../x", "/r/content/a/", "/", "/r/c/d/../../e/./f/.."] {
            XCTAssertEqual(BrokenPageLink.lexicalPath(path), URL(fileURLWithPath: path).standardizedFileURL.path, path)
        }
    }
}
