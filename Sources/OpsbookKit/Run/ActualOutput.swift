#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A command's output as the tool printed it (contract §3): bytes split on `\n` only, one `\r`
/// before each `\n` dropped (CRLF), terminal escape sequences already removed by the caller.
///
/// Splitting Swift `String`s on `"\n"` is wrong for output: `"\r\n"` is one `Character`, so CRLF
/// output never split and a bare `\r` before opsbook's marker glued the marker to a line.
public struct ActualOutput: Hashable, Sendable {
    public var lines: [String]
    /// False when the last line had no `\n` (what `(no-eol)` expects).
    public var endsWithNewline: Bool

    public init(lines: [String], endsWithNewline: Bool = true) {
        self.lines = lines
        self.endsWithNewline = endsWithNewline
    }

    public init(bytes: [UInt8]) {
        var lines: [String] = []
        var endsWithNewline = true
        bytes.withUnsafeBufferPointer { buffer in
            ByteLines.each(in: buffer) { line, terminated in
                // A CR before LF is the line ending, not output; only one is dropped.
                let body = terminated && line.last == UInt8(ascii: "\r") ? UnsafeBufferPointer(rebasing: line.dropLast()) : line
                lines.append(String(decoding: body, as: UTF8.self))
                endsWithNewline = terminated
            }
        }
        self.init(lines: lines, endsWithNewline: endsWithNewline)
    }

    public init(_ text: String) { self.init(bytes: Array(text.utf8)) }

    /// The output as it is shown and stored: lines joined with `\n`.
    public var text: String {
        lines.joined(separator: "\n") + (endsWithNewline && !lines.isEmpty ? "\n" : "")
    }
}

/// Splitting bytes on `\n` with `memchr`: output can be tens of megabytes, and a byte-by-byte
/// generic loop is slow in debug builds (what the tests and CI run).
enum ByteLines {
    /// Calls `body` with each line (without its `\n`) and whether a `\n` ended it; nothing after
    /// a final `\n`.
    static func each(in buffer: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, Bool) -> Void) {
        guard let base = buffer.baseAddress else { return }
        var start = 0
        while start < buffer.count {
            guard let hit = memchr(base + start, Int32(UInt8(ascii: "\n")), buffer.count - start) else {
                body(UnsafeBufferPointer(start: base + start, count: buffer.count - start), false)
                return
            }
            let end = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            body(UnsafeBufferPointer(start: base + start, count: end - start), true)
            start = end + 1
        }
    }
}

/// Removes terminal escape sequences (colours, cursor moves, window titles, hyperlinks) from
/// output before it is matched, stored or shown (contract §3). Works on bytes: every byte of a
/// sequence is ASCII, so UTF-8 text around it is never cut.
///
/// Recognised, after ESC (0x1B), as ECMA-48 defines them:
/// - CSI `ESC [`: parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, one final byte 0x40–0x7E;
/// - OSC `ESC ]`, and the other strings DCS `ESC P`, SOS `ESC X`, PM `ESC ^`, APC `ESC _`:
///   up to BEL or ST (`ESC \`);
/// - any other: intermediate bytes 0x20–0x2F, then one final byte 0x30–0x7E (`ESC (B`, `ESC =`).
/// A sequence that is cut off (no final byte) is dropped up to where it broke off; a lone ESC
/// is dropped. The callers strip each command's output separately, so an unterminated string
/// can never run past opsbook's own marker line.
public enum TerminalEscapes {
    static let esc: UInt8 = 0x1B, bel: UInt8 = 0x07

    public static func strip(_ bytes: [UInt8]) -> [UInt8] {
        let mayHaveEscape = bytes.withUnsafeBufferPointer { b in
            b.baseAddress.map { memchr($0, Int32(esc), b.count) != nil || memchr($0, Int32(c1Lead), b.count) != nil } ?? false
        }
        guard mayHaveEscape else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == esc {
                i = end(ofSequenceAt: i, in: bytes)
            } else if bytes[i] == c1Lead, i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) {
                i = end(ofC1At: i, in: bytes)
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }

    /// UTF-8 lead byte of U+0080–U+00BF: the C1 controls U+0080–U+009F are `C2 80`…`C2 9F`, and
    /// a terminal in UTF-8 mode may act on U+009B (CSI) or U+009D (OSC) as on `ESC [`, `ESC ]`.
    static let c1Lead: UInt8 = 0xC2

    /// Index just after the C1 control at `start` (two bytes) and, for CSI and the string
    /// controls, the rest of its sequence.
    private static func end(ofC1At start: Int, in b: [UInt8]) -> Int {
        let kind = b[start + 1]
        var i = start + 2
        switch kind {
        case 0x9B:  // CSI
            while i < b.count, (0x30...0x3F).contains(b[i]) { i += 1 }
            while i < b.count, (0x20...0x2F).contains(b[i]) { i += 1 }
            if i < b.count, (0x40...0x7E).contains(b[i]) { i += 1 }
        case 0x9D, 0x90, 0x98, 0x9E, 0x9F:  // OSC, DCS, SOS, PM, APC: up to BEL, ST or ESC \
            while i < b.count {
                if b[i] == bel { return i + 1 }
                if b[i] == c1Lead, i + 1 < b.count, b[i + 1] == 0x9C { return i + 2 }
                if b[i] == esc { return i + 1 < b.count && b[i + 1] == UInt8(ascii: "\\") ? i + 2 : i }
                i += 1
            }
        default: break  // any other C1 control: just itself
        }
        return i
    }

    /// Index just after the escape sequence that starts at `start` (an ESC).
    private static func end(ofSequenceAt start: Int, in b: [UInt8]) -> Int {
        var i = start + 1
        guard i < b.count else { return i }
        switch b[i] {
        case UInt8(ascii: "["):
            i += 1
            while i < b.count, (0x30...0x3F).contains(b[i]) { i += 1 }
            while i < b.count, (0x20...0x2F).contains(b[i]) { i += 1 }
            if i < b.count, (0x40...0x7E).contains(b[i]) { i += 1 }
            return i
        case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "X"), UInt8(ascii: "^"), UInt8(ascii: "_"):
            i += 1
            while i < b.count {
                if b[i] == bel { return i + 1 }
                if b[i] == esc { return i + 1 < b.count && b[i + 1] == UInt8(ascii: "\\") ? i + 2 : i }
                i += 1
            }
            return i
        default:
            while i < b.count, (0x20...0x2F).contains(b[i]) { i += 1 }
            if i < b.count, (0x30...0x7E).contains(b[i]) { i += 1 }
            return i
        }
    }
}
