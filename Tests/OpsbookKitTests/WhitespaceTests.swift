import Foundation
import XCTest
@testable import OpsbookKit

/// `trimmingWhitespaces()` replaced Foundation's `trimmingCharacters(in: .whitespaces)` on the
/// build's hot paths; it must trim exactly what Foundation trims.
final class WhitespaceTests: XCTestCase {
    /// Each Zs space, tab, the zero-width space Foundation trims too, and the near misses it
    /// keeps: CR, LF, BOM, NEL, vertical tab, form feed; combining marks and CJK text around them.
    static let pieces = ["", " ", "\t", "\u{A0}", "\u{3000}", "\u{2003}", "\u{202F}", "\u{205F}", "\u{1680}",
                         "\r", "\n", "\u{200B}", "\u{FEFF}", "\u{85}", "\u{0B}", "\u{0C}", "\u{301}", "a", "檢查", "é", "-"]

    func testTrimsWhatFoundationTrims() {
        var generator = SystemRandomNumberGenerator()
        var cases = Self.pieces.flatMap { a in Self.pieces.map { b in a + "x" + b } }
        for _ in 0..<3000 {
            cases.append((0..<Int.random(in: 0...6, using: &generator)).map { _ in Self.pieces.randomElement(using: &generator)! }.joined())
        }
        for text in cases {
            XCTAssertEqual(text.trimmingWhitespaces(), text.trimmingCharacters(in: .whitespaces), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            let sub = ("<" + text + ">").dropFirst().dropLast()
            XCTAssertEqual(sub.trimmingWhitespaces(), sub.trimmingCharacters(in: .whitespaces))
        }
    }

    func testEveryScalarIsWhitespaceExactlyWhenFoundationSaysSo() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            XCTAssertEqual(isWhitespace(scalar), CharacterSet.whitespaces.contains(scalar), "U+\(String(value, radix: 16))")
        }
    }
}
