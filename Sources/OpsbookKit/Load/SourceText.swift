import Foundation

/// Turns a file's bytes into the text cmark sees, and reports what a reader should be told:
/// bytes that are not UTF-8, UTF-16 files, and mojibake (UTF-8 that was once read as a legacy
/// code page and saved again, like `è¨­å®š` for `設定`). The page is still published.
enum SourceText {
    static func decode(_ data: Data, path: String) -> (String, [Diagnostic]) {
        var bytes = [UInt8](data)
        var problems: [Diagnostic] = []
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var text: String
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let encoding: String.Encoding = bytes[0] == 0xFF ? .utf16LittleEndian : .utf16BigEndian
            text = String(data: Data(bytes.dropFirst(2)), encoding: encoding) ?? ""
            problems.append(.warning("encoding.utf16", "file is UTF-16; opsbook reads it, but save it as UTF-8", at: SourcePosition(path: path, line: 1)))
        } else if let encoding = utf16WithoutBOM(bytes), let decoded = String(data: Data(bytes), encoding: encoding) {
            // Without this the NULs of every ASCII character cut the page short at the first one
            // and its checks vanished behind a single warning.
            text = decoded
            let name = encoding == .utf16LittleEndian ? "UTF-16LE" : "UTF-16BE"
            problems.append(.warning("encoding.utf16", "file is \(name) without a byte-order mark; opsbook reads it, but save it as UTF-8", at: SourcePosition(path: path, line: 1)))
        } else {
            text = String(decoding: bytes, as: UTF8.self)
            problems += invalidUTF8Lines(bytes, path: path)
        }
        if text.contains("\r") {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        // cmark stops at NUL; a reader never meant one.
        if text.contains("\0") {
            problems += nulLines(text, path: path)
            text = text.replacingOccurrences(of: "\0", with: "\u{FFFD}")
        }
        problems += mojibakeLines(text, path: path)
        return (text, problems)
    }

    /// UTF-16 without a BOM, told apart by where its NULs are: ASCII characters (all of
    /// Markdown's syntax, spaces and newlines) have a zero high byte, so nearly every NUL sits at
    /// odd offsets (little-endian) or even ones (big-endian). UTF-8 text has no NULs at all.
    static func utf16WithoutBOM(_ bytes: [UInt8]) -> String.Encoding? {
        guard bytes.count >= 2, bytes.count % 2 == 0 else { return nil }
        var even = 0, odd = 0
        for (i, b) in bytes.prefix(8192).enumerated() where b == 0 { if i % 2 == 0 { even += 1 } else { odd += 1 } }
        let pairs = min(bytes.count, 8192) / 2
        if odd * 4 >= pairs, even * 20 <= odd { return .utf16LittleEndian }
        if even * 4 >= pairs, odd * 20 <= even { return .utf16BigEndian }
        return nil
    }

    private static func nulLines(_ text: String, path: String) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let nul = line.utf8.firstIndex(of: 0) else { continue }
            let column = line.utf8.distance(from: line.utf8.startIndex, to: nul) + 1
            out.append(.warning("encoding.nul", "line contains a NUL byte; it is shown as �", at: SourcePosition(path: path, line: index + 1, column: column)))
        }
        return out
    }

    static func invalidUTF8Lines(_ bytes: [UInt8], path: String) -> [Diagnostic] {
        var out: [Diagnostic] = []
        var line = 1
        for chunk in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if String(validating: chunk, as: UTF8.self) == nil {
                let good = validPrefixLength(Array(chunk))
                out.append(.warning("encoding.invalid-utf8", "line is not valid UTF-8; invalid bytes are shown as �",
                                    at: SourcePosition(path: path, line: line, column: good + 1)))
            }
            line += 1
        }
        return out
    }

    private static func validPrefixLength(_ bytes: [UInt8]) -> Int {
        var n = bytes.count
        while n > 0, String(validating: bytes[0..<n], as: UTF8.self) == nil { n -= 1 }
        return n
    }

    /// A lead byte of a multi-byte UTF-8 sequence (Â..ô as Latin-1) followed by what a
    /// continuation byte looks like in Windows-1252 or Latin-1. Two such pairs on a line is
    /// mojibake with near certainty; real CJK, accented Latin or `é` alone never match twice.
    nonisolated(unsafe) private static let mojibake = #/[\u00C2-\u00F4][\u0080-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013\u2014\u2018-\u201E\u2020-\u2022\u2026\u2030\u2039\u203A\u20AC\u2122]/#

    private static func mojibakeLines(_ text: String, path: String) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            // Most lines hold no Â..ô at all; skip the regex for them (it dominated loading).
            guard line.unicodeScalars.contains(where: { $0.value >= 0xC2 && $0.value <= 0xF4 }) else { continue }
            let matches = line.matches(of: mojibake)
            guard matches.count >= 2, let first = matches.first else { continue }
            let column = line[..<first.range.lowerBound].utf8.count + 1
            out.append(.warning("encoding.mojibake",
                                "text looks mis-decoded (UTF-8 read as a legacy code page, e.g. `\(line[first.range])…`); re-save the file as UTF-8 from its original",
                                at: SourcePosition(path: path, line: index + 1, column: column)))
        }
        return out
    }
}
