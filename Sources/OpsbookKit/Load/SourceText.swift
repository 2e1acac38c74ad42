import Foundation

/// Turns a file's bytes into the text cmark sees, and reports what a reader should be told:
/// bytes that are not UTF-8, UTF-16 files, and mojibake (UTF-8 that was once read as a legacy
/// code page and saved again, like `è¨­å®š` for `設定`). The page is still published.
///
/// The work is `SourceFile`'s single scan; this is the text-and-warnings view of it. One quirk is
/// kept from the string-level decoder it replaced: the invalid-UTF-8 warning counts lines by LF
/// only, so after a bare CR (an old Mac line end) its line number is the LF line's.
enum SourceText {
    static func decode(_ data: Data, path: String) -> (String, [Diagnostic]) {
        let file = SourceFile(data: data, path: path)
        return (file.text, file.problems)
    }

    /// UTF-16 without a BOM, told apart by where its NULs are: ASCII characters (all of
    /// Markdown's syntax, spaces and newlines) have a zero high byte, so nearly every NUL sits at
    /// odd offsets (little-endian) or even ones (big-endian). UTF-8 text has no NULs at all.
    static func utf16WithoutBOM<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String.Encoding? {
        guard bytes.count >= 2, bytes.count % 2 == 0 else { return nil }
        var even = 0, odd = 0
        for (i, b) in bytes.prefix(8192).enumerated() where b == 0 { if i % 2 == 0 { even += 1 } else { odd += 1 } }
        let pairs = min(bytes.count, 8192) / 2
        if odd * 4 >= pairs, even * 20 <= odd { return .utf16LittleEndian }
        if even * 4 >= pairs, odd * 20 <= even { return .utf16BigEndian }
        return nil
    }

    /// One warning per line holding bytes that are not UTF-8, at the first such byte.
    static func invalidUTF8Lines(_ bytes: [UInt8], path: String) -> [Diagnostic] {
        var scan = LineScan()
        _ = scan.run(bytes)
        return scan.invalidUTF8Problems(path: path)
    }
}
