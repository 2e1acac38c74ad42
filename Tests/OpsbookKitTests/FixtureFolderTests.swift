import XCTest
@testable import OpsbookKit

/// One folder per behaviour (`Tests/Fixtures/<stage>/<behaviour>`): a handbook in, the model and
/// the diagnostics out, as golden text. `OPSBOOK_RERECORD=1` rewrites them.
final class FixtureFolderTests: XCTestCase {
    func testGFMDetailsModelAndDiagnostics() throws {
        let fixture = TestSupport.fixtures.appendingPathComponent("load/gfm-details")
        let (handbook, diagnostics) = try TestSupport.load(fixture.appendingPathComponent("handbook"))
        try TestSupport.assertGolden(ModelDump.dump(handbook), fixture.appendingPathComponent("expected/model.txt"))
        let lines = diagnostics.sortedForOutput().map(\.gccStyle).joined(separator: "\n") + "\n"
        try TestSupport.assertGolden(lines, fixture.appendingPathComponent("expected/diagnostics.txt"))
    }
}

/// A readable dump of what the loader made, with positions, for golden files.
enum ModelDump {
    static func dump(_ handbook: Handbook) -> String {
        var out = ""
        for page in handbook.pages {
            let fm = page.frontMatter
            out += "page \(page.path) title=\"\(page.title)\" kind=\(fm.kind.rawValue) out=\(page.outputPath)\n"
            if !fm.extra.isEmpty { out += "  extra \(fm.extra.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))\n" }
            for h in page.headings { out += "  heading h\(h.level) line \(h.line) #\(h.anchor) \"\(h.text)\"\n" }
            for c in page.criteria {
                out += "  criterion \(c.position.line):\(c.position.column) [\(c.claimedDone ? "x" : " ")] \"\(c.text)\" checks=\(c.checkIDs)\n"
            }
            for b in page.checks {
                let a = b.attributes
                out += "  check \(b.id)\(b.hasGeneratedID ? " (generated)" : "") at \(b.position.line):\(b.position.column) in-criterion=\(b.criterionIndex.map(String.init) ?? "-") timeout=\(a.timeoutMilliseconds)ms transcript=\(b.isTranscript)\n"
            }
        }
        return out
    }
}
