import XCTest
@testable import OpsbookKit

/// The one scan over a page's bytes: the text cmark sees, the line index, the per-line flags and
/// the encoding warnings, each at a known line and column.
final class SourceFileTests: XCTestCase {
    private let path = "content/p.md"

    private func scan(_ bytes: [UInt8]) -> SourceFile {
        SourceFile(data: Data(bytes), path: path)
    }

    private func scan(_ text: String) -> SourceFile { scan(Array(text.utf8)) }

    private func places(_ file: SourceFile) -> [String] {
        file.problems.map { "\($0.code) \($0.position?.line ?? 0):\($0.position?.column ?? 0)" }
    }

    func testPlainTextIsIndexedByLine() {
        let file = scan("# T\n\nbody\n")
        XCTAssertEqual(file.text, "# T\n\nbody\n")
        XCTAssertEqual(file.lines.starts, [0, 4, 5, 10])
        XCTAssertEqual(file.lines.count, 4)
        XCTAssertEqual(file.lines[1], "# T")
        XCTAssertEqual(file.lines[3], "body")
        XCTAssertEqual(file.lines[4], "")
        XCTAssertEqual(file.lines.all, "# T\n\nbody\n".split(separator: "\n", omittingEmptySubsequences: false))
        XCTAssertEqual(file.flags, [[], [], [], []])
        XCTAssertEqual(file.problems, [])
    }

    func testCRLFBecomesLFAndFlagsItsLines() {
        let file = scan("a\r\nb\nc\r\n")
        XCTAssertEqual(file.text, "a\nb\nc\n")
        XCTAssertEqual(file.lines.starts, [0, 2, 4, 6])
        XCTAssertEqual(file.flags, [[.carriageReturn], [], [.carriageReturn], []])
        XCTAssertEqual(file.problems, [])
    }

    func testBareCREndsALine() {
        let file = scan("a\rb\r\rc")
        XCTAssertEqual(file.text, "a\nb\n\nc")
        XCTAssertEqual(file.lines.count, 4)
        XCTAssertEqual(file.lines[4], "c")
        XCTAssertEqual(file.flags, [[.carriageReturn], [.carriageReturn], [.carriageReturn], []])
    }

    func testNULIsReportedAtItsFirstColumnAndShownAsReplacement() {
        let file = scan(Array("x\n".utf8) + [0x61, 0x62, 0, 0x63, 0] + Array("\n\u{0}".utf8))
        XCTAssertEqual(file.text, "x\nab\u{FFFD}c\u{FFFD}\n\u{FFFD}")
        XCTAssertEqual(places(file), ["encoding.nul 2:3", "encoding.nul 3:1"])
        XCTAssertEqual(file.flags, [[], [.nul], [.nul]])
        XCTAssertEqual(file.problems.first?.message, "line contains a NUL byte; it is shown as �")
    }

    func testNULColumnCountsTheBytesBeforeItAsTheyAreShown() {
        // An invalid byte before the NUL is shown as three bytes (U+FFFD), and a CRLF before the
        // line is gone: the column is counted in the text cmark sees.
        let file = scan([0x78, 0x0D, 0x0A, 0xFF, 0x00, 0x79, 0x7A])
        XCTAssertEqual(places(file), ["encoding.invalid-utf8 2:1", "encoding.nul 2:4"])
    }

    func testInvalidUTF8MidLineIsReportedAtTheFirstBadByte() {
        let file = scan(Array("ok\nab".utf8) + [0xFF] + Array("cd \u{20AC}".utf8) + [0xE2, 0x82] + Array("\n".utf8))
        XCTAssertEqual(places(file), ["encoding.invalid-utf8 2:3"])
        XCTAssertEqual(file.problems.first?.message, "line is not valid UTF-8; invalid bytes are shown as �")
        XCTAssertEqual(file.text, "ok\nab\u{FFFD}cd \u{20AC}\u{FFFD}\n")
        XCTAssertEqual(file.flags, [[], [.invalidUTF8], []])
    }

    func testInvalidUTF8IsReplacedExactlyAsSwiftDecodesIt() {
        // Maximal subparts become one U+FFFD each, as `String(decoding:as:)` does (Unicode's
        // recommended practice); random bytes drawn to hit every malformed shape.
        let pieces: [[UInt8]] = [[0x80], [0xBF], [0xC0, 0xAF], [0xC2], [0xC3, 0xA9], [0xE0, 0x80], [0xE0, 0xA0],
                                 [0xED, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xF0, 0x8F], [0xF0, 0x9F, 0x98], [0xF4, 0x90],
                                 [0xF4, 0x8F, 0xBF, 0xBF], [0xF5], [0xFF], [0x61], [0x0A], [0xE2, 0x82, 0xAC], [0xEF, 0xBF]]
        var generator = SplitMix(state: 14)
        for _ in 0..<2000 {
            var bytes: [UInt8] = [0x61]
            for _ in 0..<Int(generator.next() % 12) { bytes += generator.pick(pieces) }
            XCTAssertEqual(scan(bytes).text, String(decoding: bytes, as: UTF8.self), "\(bytes)")
        }
    }

    func testInvalidUTF8LinesAreCountedByLineFeedsOnly() {
        // Kept from the string-level decoder: the invalid-UTF-8 warning numbers lines by LF
        // alone (a bare CR does not start one), unlike the NUL and mojibake warnings.
        let file = scan(Array("a\rb".utf8) + [0xFF])
        XCTAssertEqual(places(file), ["encoding.invalid-utf8 1:4"])
        XCTAssertEqual(file.flags, [[.carriageReturn], [.invalidUTF8]])
    }

    func testMojibakeNeedsTwoPairsOnALine() {
        let garbled = "設定".data(using: .utf8)!.map { Character(Unicode.Scalar($0)) }
        let file = scan("# T\n\nsee \(String(garbled)) here\ncafé à la crème\n設定\n")
        XCTAssertEqual(places(file), ["encoding.mojibake 3:5"])
        XCTAssertEqual(file.problems.first?.message,
                       "text looks mis-decoded (UTF-8 read as a legacy code page, e.g. `è¨…`); re-save the file as UTF-8 from its original")
        XCTAssertEqual(file.flags[2], [.mojibakeCandidate])
        // One Â..ô pair is not enough to look at a line; `é` + `è` is two pairs but no match.
        XCTAssertEqual(file.flags[3], [.mojibakeCandidate])
        XCTAssertEqual(file.flags[4], [])
    }

    func testMojibakeColumnIsInBytesAfterCRLFAndBOM() {
        let file = scan([0xEF, 0xBB, 0xBF] + Array("x\r\nab Ã©Ã¨\r\n".utf8))
        XCTAssertEqual(places(file), ["encoding.mojibake 2:4"])
        XCTAssertEqual(file.text, "x\nab Ã©Ã¨\n")
    }

    func testByteOrderMarkIsDropped() {
        let file = scan([0xEF, 0xBB, 0xBF] + Array("---\ntitle: t\n---\n".utf8))
        XCTAssertEqual(file.text, "---\ntitle: t\n---\n")
        XCTAssertEqual(file.lines[1], "---")
        XCTAssertEqual(file.problems, [])
    }

    func testUTF16WithByteOrderMark() {
        let le = scan([0xFF, 0xFE] + Array("# Le\r\nb\u{0}é\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        XCTAssertEqual(le.text, "# Le\nb\u{FFFD}é\n")
        XCTAssertEqual(places(le), ["encoding.utf16 1:1", "encoding.nul 2:2"])
        XCTAssertEqual(le.problems.first?.message, "file is UTF-16; opsbook reads it, but save it as UTF-8")
        XCTAssertEqual(le.flags, [[.carriageReturn], [.nul], []])
        let be = scan([0xFE, 0xFF] + Array("# Be\n".utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        XCTAssertEqual(be.text, "# Be\n")
        XCTAssertEqual(places(be), ["encoding.utf16 1:1"])
    }

    func testUTF16WithoutByteOrderMark() {
        let text = "# Title\n\nsome text here\n"
        let le = scan(Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        XCTAssertEqual(le.text, text)
        XCTAssertEqual(le.problems.map(\.message), ["file is UTF-16LE without a byte-order mark; opsbook reads it, but save it as UTF-8"])
        let be = scan(Array(text.utf16).flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        XCTAssertEqual(be.text, text)
        XCTAssertEqual(be.problems.map(\.message), ["file is UTF-16BE without a byte-order mark; opsbook reads it, but save it as UTF-8"])
        XCTAssertEqual(places(be), ["encoding.utf16 1:1"])
    }

    func testEmptyFileIsOneEmptyLine() {
        let file = scan([UInt8]())
        XCTAssertEqual(file.text, "")
        XCTAssertEqual(file.lines.count, 1)
        XCTAssertEqual(file.lines[1], "")
    }

    func testWarningsComeInTheOrderTheDecoderGaveThem() {
        // Invalid UTF-8 first, then NUL, then mojibake, each by line: lint prints them so.
        let file = scan(Array("Ã©Ã¨\n\u{0}\n".utf8) + [0xFF])
        XCTAssertEqual(places(file), ["encoding.invalid-utf8 3:1", "encoding.nul 2:1", "encoding.mojibake 1:1"])
    }

    func testLineEndsAndNULBeforeACombiningMarkAreStillSeen() {
        // The string-level decoder searched with Foundation, which matches whole composed
        // characters: a NUL + U+0301 stayed a NUL (and cmark cut the page there), a CR + U+0301
        // stayed a CR (cmark saw a line the extractor did not), CRLF + U+0301 became two lines.
        let file = scan("a\u{0}\u{301}b\rc\u{301}\r\n\u{301}d\n")
        XCTAssertEqual(file.text, "a\u{FFFD}\u{301}b\nc\u{301}\n\u{301}d\n")
        XCTAssertEqual(places(file), ["encoding.nul 1:2"])
        XCTAssertEqual(file.lines.count, 4)
    }

    // MARK: the front-matter split, off the line index

    private func split(_ text: String) -> (FrontMatterDecoder.Split, Diagnostic?, [Substring]) {
        let lines = LineIndex(text)
        let (split, problem) = FrontMatterDecoder(path: path).split(lines)
        return (split, problem, split.bodyLines(lines))
    }

    func testFrontMatterLinesAreBlankedNotRemoved() {
        let (split, problem, lines) = split("---\ntitle: t\norder: 2\n---\n# H\n")
        XCTAssertNil(problem)
        XCTAssertEqual(split.yaml, "title: t\norder: 2")
        XCTAssertEqual(split.body, "\n\n\n\n# H\n")
        XCTAssertEqual(lines, ["", "", "", "", "# H", ""])
    }

    func testFrontMatterFencesMayBeIndentedOrDotsAndEndTheFile() {
        let (split, _, lines) = split(" --- \t\na: 1\n\u{3000}...")
        XCTAssertEqual(split.yaml, "a: 1")
        XCTAssertEqual(split.body, "\n\n")
        XCTAssertEqual(lines, ["", "", ""])
        XCTAssertEqual(self.split("---\n---").0.yaml, "")
    }

    func testNoFrontMatterLeavesTheTextAlone() {
        let text = "# H\n---\nx: 1\n---\n"
        let (split, problem, lines) = split(text)
        XCTAssertNil(split.yaml)
        XCTAssertNil(problem)
        XCTAssertEqual(split.body, text)
        XCTAssertEqual(lines, text.split(separator: "\n", omittingEmptySubsequences: false))
    }

    func testUnclosedFrontMatterIsAnErrorOnLineOne() {
        let (split, problem, _) = split("---\ntitle: t\n# H\n")
        XCTAssertNil(split.yaml)
        XCTAssertEqual(split.body, "---\ntitle: t\n# H\n")
        XCTAssertEqual(problem?.code, "frontmatter.unclosed")
        XCTAssertEqual(problem?.position?.line, 1)
    }
}
