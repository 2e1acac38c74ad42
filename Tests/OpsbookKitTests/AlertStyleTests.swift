import Foundation
import XCTest
@testable import OpsbookKit

/// The alerts' section of the built-in style sheet: present in what the binary ships, one colour
/// per kind, each readable (WCAG contrast ≥ 4.5:1) on the page background, light and dark.
final class AlertStyleTests: XCTestCase {
    private var css: String {
        String(decoding: EmbeddedFile.files(under: "Render/Assets")["style.css"] ?? Data(), as: UTF8.self)
    }

    func testEveryKindHasAReadableColourInLightDarkAndPrint() throws {
        let start = try XCTUnwrap(css.range(of: "/* == GitHub alerts"), "the section ships in the binary")
        let end = try XCTUnwrap(css.range(of: "/* == end GitHub alerts"))
        let section = String(css[start.lowerBound..<end.lowerBound])
        let background = (light: try colour("--bg", in: css, occurrence: 0), dark: try colour("--bg", in: css, occurrence: 1))
        for kind in Alert.Kind.allCases {
            let name = "--alert-\(kind.rawValue)"
            XCTAssertTrue(section.contains(".markdown-alert-\(kind.rawValue) { --alert-color: var(\(name)); }"))
            let light = try colour(name, in: section, occurrence: 0)
            let dark = try colour(name, in: section, occurrence: 1)
            let print = try colour(name, in: section, occurrence: 2)
            XCTAssertGreaterThanOrEqual(Self.contrast(light, background.light), 4.5, "\(kind) light")
            XCTAssertGreaterThanOrEqual(Self.contrast(dark, background.dark), 4.5, "\(kind) dark")
            XCTAssertGreaterThanOrEqual(Self.contrast(print, "#ffffff"), 4.5, "\(kind) print")
        }
        XCTAssertTrue(section.contains("@media print"))
        XCTAssertTrue(section.contains("@media (prefers-color-scheme: dark)"))
    }

    func testContrastFormulaKnowsBlackOnWhite() {
        XCTAssertEqual(Self.contrast("#000000", "#ffffff"), 21, accuracy: 0.01)
        XCTAssertLessThan(Self.contrast("#777777", "#ffffff"), 4.5)
    }

    /// The `occurrence`-th `NAME: #rrggbb` in `css`.
    private func colour(_ name: String, in css: String, occurrence: Int) throws -> String {
        let re = try NSRegularExpression(pattern: NSRegularExpression.escapedPattern(for: name) + #":\s*(#[0-9a-fA-F]{6})"#)
        let matches = re.matches(in: css, range: NSRange(css.startIndex..., in: css))
        guard occurrence < matches.count, let r = Range(matches[occurrence].range(at: 1), in: css) else {
            throw MissingColour(description: "no \(name) number \(occurrence) in the style sheet")
        }
        return String(css[r])
    }

    struct MissingColour: Error, CustomStringConvertible { var description: String }

    /// WCAG 2 contrast ratio of two `#rrggbb` colours.
    static func contrast(_ a: String, _ b: String) -> Double {
        func luminance(_ hex: String) -> Double {
            let v = Int(hex.dropFirst(), radix: 16) ?? 0
            let channels = [(v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF].map { c -> Double in
                let s = Double(c) / 255
                return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
            }
            return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
        }
        let (x, y) = (luminance(a), luminance(b))
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }
}
