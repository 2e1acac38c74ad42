import Foundation
import XCTest
@testable import OpsbookKit

/// Contract §3 on fences: valid CommonMark is never an error; a problem that changes what a reader
/// sees is a warning in documentation, an error in or around a check block.
final class FenceLintTests: XCTestCase {
    private func problems(_ markdown: String) -> [Diagnostic] {
        TestSupport.page(markdown).1.filter { $0.code.hasPrefix("fence.") }
    }

    func testFenceClosedByItsBlockQuoteListItemOrDocumentEndIsClosed() {
        XCTAssertEqual(problems("> ```bash\n> echo in a quote\n\nAfter the quote.\n"), [])
        XCTAssertEqual(problems("- item\n  ```bash\n  echo in an item\n- next item\n\nText.\n"), [])
        XCTAssertEqual(problems("- [ ] criterion\n  ```check in-item\n  true\nParagraph after the item.\n"), [])
    }

    func testFenceOpenToTheEndOfThePageWarnsInDocumentationAndIsAnErrorInACheck() {
        let doc = problems("Text.\n\n```bash\necho swallowed\n\n# Heading swallowed too\n")
        XCTAssertEqual(doc.map(\.code), ["fence.unclosed"])
        XCTAssertEqual(doc.first?.severity, .warning)
        XCTAssertEqual(doc.first?.position?.line, 3)
        let check = problems("```check open\ntrue\n\nmore\n")
        XCTAssertEqual(check.map(\.severity), [.error])
        let aroundCheck = problems("```bash\nx\n```check swallowed\ntrue\n")
        XCTAssertEqual(aroundCheck.first { $0.code == "fence.unclosed" }?.severity, .error,
                       "a documentation fence that swallows a check changes what runs")
    }

    func testNestedSameFenceWarnsInDocumentationAndIsAnErrorInACheck() {
        let doc = problems("```markdown\n```bash\nx\n```\n")
        XCTAssertEqual(doc.map(\.code), ["fence.nested"])
        XCTAssertEqual(doc.first?.severity, .warning)
        XCTAssertEqual(doc.first?.position?.line, 2)
        XCTAssertEqual(problems("```check c\n```bash\nx\n```\n").map(\.severity), [.error])
        XCTAssertEqual(problems("```markdown\n```check c\ntrue\n```\n").map(\.severity), [.error])
    }

    func testFenceLineIndentedFourOrMoreInsideABlockIsText() {
        XCTAssertEqual(problems("- item\n\n  ```markdown\n      ```bash\n      x\n      ```\n  ```\n"), [])
        XCTAssertEqual(problems("```markdown\n    ```bash\n    x\n    ```\n```\n"), [])
        XCTAssertEqual(problems("> ```markdown\n>     ```bash\n>     x\n>     ```\n> ```\n"), [])
        // Less than four: its closing line would close the outer block.
        // (and the last fence line then opens a block that runs to the end of the page).
        XCTAssertEqual(problems("- item\n\n  ```markdown\n   ```bash\n   x\n   ```\n  ```\n").map(\.code), ["fence.nested", "fence.unclosed"])
    }

    func testSeed002PublishesWithWarnings() throws {
        let seeds = try XCTUnwrap(TestSupport.seeds, "shared/seeds not found beside the repository")
        let name = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: seeds.path).first { $0.hasPrefix("002_") })
        let text = try String(contentsOf: seeds.appendingPathComponent(name), encoding: .utf8)
        let root = try TestSupport.handbook(["content/index.md": "# 首頁\n", "content/seed.md": text])
        let run = try Pipeline.build(root: root, out: "site", verdicts: .none, options: .init(search: false))
        let stderr = (run.diagnostics + run.siteDiagnostics).printed
        XCTAssertEqual(TestSupport.exitStatus(run.diagnostics + run.siteDiagnostics, anyFailure: run.anyFailure), 0, stderr)
        XCTAssertTrue(stderr.contains("warning:"), "the reader is told")
        XCTAssertFalse(stderr.contains(": error:"), stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("site/seed.html").path))
    }
}
