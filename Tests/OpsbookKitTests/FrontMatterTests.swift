import Foundation
import XCTest
@testable import OpsbookKit

/// `FlatFrontMatter` reads `key: word` front matter without Yams. Whatever it accepts, it must
/// read exactly as Yams does: same front matter, same diagnostics, at the same positions.
final class FrontMatterTests: XCTestCase {
    static let keys = ["title", "owner", "component", "order", "phase", "tags", "starts", "due", "last-reviewed", "kind",
                       "severity", "review-every", "x-custom", "Weird_Key", "a1", "1bad", "a b", "é"]
    static let values = ["sre", "第 153 頁：維運手冊範例", "12", "-5", "007", "2026-10-01", "2026-02-30", "90d", "0d", "P1", "p2", "runbook",
                         "phase", "x: y", "a #b", "a#b", "'quoted'", "\"dq\"", "it's", "[a, b]", "{a: 1}", "~", "null", "true", "a,b",
                         "x:", "http://a.b/c", " lead", "trail ", "tab\there", "é\u{301}", "\u{85}x", "x\u{2028}y", "\u{FEFF}x",
                         "x\u{80}", "x\u{FFFE}", "!tag", "*alias", "&anchor", "|", ">", "@x", "`x", "%x", "?x", "-x", ":x", ",x", "#x",
                         "...", "a  b", "a\\b", "", "😀 emoji", "a: ", "k:v", "=", "<<", "1e3", "0x1F", "+1", "1_000",
                         "x\u{A0}", "\u{A0}x", "x\u{3000}", "---", "a\u{200B}", "x\u{7F}", "x\u{1}"]

    private func line(_ generator: inout some RandomNumberGenerator) -> String {
        switch Int.random(in: 0..<20, using: &generator) {
        case 0: return ""
        case 1: return "# a comment"
        case 2: return "  indented: x"
        case 3: return "\(Self.keys.randomElement(using: &generator)!):\(Self.values.randomElement(using: &generator)!)"
        case 4: return "\(Self.keys.randomElement(using: &generator)!):  \(Self.values.randomElement(using: &generator)!)"
        case 5: return "- item"
        default: return "\(Self.keys.randomElement(using: &generator)!): \(Self.values.randomElement(using: &generator)!)"
        }
    }

    func testTheFlatReaderReadsWhatYamsReads() {
        var generator = SystemRandomNumberGenerator()
        var flat = 0
        let decoder = FrontMatterDecoder(path: "content/p.md")
        for n in 0..<6000 {
            let count = n < 2000 ? 1 : Int.random(in: 1...7, using: &generator)
            let yaml = (0..<count).map { _ in line(&generator) }.joined(separator: "\n")
            if FlatFrontMatter.entries(yaml, path: "content/p.md", firstLine: 2) != nil { flat += 1 }
            let (a, aProblems) = decoder.decode(yaml, firstLine: 2, flat: true)
            let (b, bProblems) = decoder.decode(yaml, firstLine: 2, flat: false)
            XCTAssertEqual(a, b, yaml.debugDescription)
            XCTAssertEqual(aProblems, bProblems, yaml.debugDescription)
        }
        // Not vacuous: a good share went through the flat reader, and a good share did not.
        XCTAssertGreaterThan(flat, 500)
        XCTAssertLessThan(flat, 5000)
    }

    func testAnOrdinaryFrontMatterSkipsYams() throws {
        let yaml = "title: 第 153 頁：維運手冊範例\nkind: runbook\norder: 153\nowner: sre\nlast-reviewed: 2026-10-01\nreview-every: 90d"
        let entries = try XCTUnwrap(FlatFrontMatter.entries(yaml, path: "content/p.md", firstLine: 2))
        XCTAssertEqual(entries.map(\.key), ["title", "kind", "order", "owner", "last-reviewed", "review-every"])
        XCTAssertEqual(entries[2].value.position, SourcePosition(path: "content/p.md", line: 4, column: 8))
        for yaml in ["tags: [a, b]", "title: 'x'", "title: a # note", "title: a\ntitle: b", "title: a\n  more", "title:\tx", "title: a\r"] {
            XCTAssertNil(FlatFrontMatter.entries(yaml, path: "content/p.md", firstLine: 2), yaml)
        }
    }
}
