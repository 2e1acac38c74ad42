import Dispatch
import Foundation
import Synchronization
import XCTest
@testable import OpsbookKit

/// Pages load on every core: the handbook, its pages and its diagnostics are the same as one
/// page after another, in file order, and cmark-gfm's shared state never leaks between parses.
final class ConcurrentParseTests: XCTestCase {
    /// Every GFM extension whose parse touches cmark-gfm's process-wide tables (strikethrough and
    /// autolink add special characters, tables, task lists), plus footnotes and an encoding warning.
    private func page(_ n: Int) -> String {
        """
        ---
        title: Page \(n)
        order: \(n % 7)
        ---
        # Heading \(n)

        Text with ~~struck \(n)~~ and ~single~ words, www.example.com/\(n) and a note[^n\(n)].

        | a | b |
        | :- | -: |
        | ~~x\(n)~~ | https://example.org/\(n) |

        - [ ] criterion \(n)

          ```check id=c-\(n)
          $ echo \(n)
          \(n)
          ```

        [^n\(n)]: Footnote \(n) with ~~strike~~.
        """ + (n % 5 == 0 ? "\nnul \u{0} here\n" : "\n")
    }

    func testConcurrentLoadEqualsOnePageAfterAnother() throws {
        var files: [String: String] = [:]
        for n in 0..<60 { files["content/s\(n / 10)/p\(n).md"] = page(n) }
        let root = try TestSupport.handbook(files)
        let loader = HandbookLoader(root: root)
        let (handbook, problems) = try loader.load()
        let content = root.appendingPathComponent("content")
        var listed: [Diagnostic] = []
        var serialProblems: [Diagnostic] = []
        var serialPages: [String: Page] = [:]
        for relative in MarkdownFiles(content: content).list(problems: &listed) {
            let (page, pageProblems) = loader.loadPage(relative, in: content)
            serialProblems += pageProblems
            serialPages[page.path] = page
        }
        XCTAssertEqual(handbook.pages.count, 60)
        for page in handbook.pages { XCTAssertEqual(page, serialPages[page.path], page.path) }
        // Diagnostics in file order (sorted paths), not in the order threads finished.
        XCTAssertEqual(problems, serialProblems)
        XCTAssertGreaterThan(problems.count, 12)
        XCTAssertEqual(problems.filter { $0.code == "encoding.nul" }.count, 12)
        let struck = try XCTUnwrap(handbook.pages.first)
        XCTAssertTrue(Self.kinds(struck.document).contains("strikethrough"), "strikethrough parsed")
    }

    /// Many parses at once give the trees one parse alone gives: cmark-gfm's special-character
    /// table is process-wide and every parse sets and clears it, so without `CMark`'s lock a
    /// parse could lose its strikethroughs and autolinks to another's clearing. (Timing-bound:
    /// this catches the race only when threads happen to overlap there; docs/performance.md
    /// has the proof from the library's code.)
    func testParsesOnManyThreadsMatchParsesAlone() {
        let texts = (0..<64).map { page($0) }
        let alone = texts.map { CMark.parse($0, path: "content/p.md") }
        for _ in 0..<4 {
            let trees = Mutex<[Int: MarkdownNode]>([:])
            DispatchQueue.concurrentPerform(iterations: texts.count) { i in
                let tree = CMark.parse(texts[i], path: "content/p.md")
                trees.withLock { $0[i] = tree }
            }
            let together = trees.withLock { all in texts.indices.map { all[$0]! } }
            for i in texts.indices where together[i] != alone[i] {
                XCTFail("page \(i) parsed differently beside others")
            }
        }
    }

    private static func kinds(_ node: MarkdownNode) -> [String] {
        ["\(node.kind)".components(separatedBy: "(").first!] + node.children.flatMap(kinds)
    }
}
