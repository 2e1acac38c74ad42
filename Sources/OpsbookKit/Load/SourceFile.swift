import Foundation

/// One page's text as cmark sees it, made by one pass over the file's bytes: UTF-8 with LF line
/// ends, a NUL or an invalid byte shown as U+FFFD, the byte-order mark dropped, UTF-16 read.
/// The same pass builds the line index the front-matter split, the extractor and lint share, and
/// flags each line that held a CR, a NUL, invalid UTF-8 or bytes that may be mojibake, so no
/// later stage looks at a line again unless its flag says so.
struct SourceFile: Sendable {
    struct LineFlags: OptionSet, Hashable, Sendable {
        let rawValue: UInt8
        /// Ended by CR or CRLF (now LF).
        static let carriageReturn = LineFlags(rawValue: 1)
        static let nul = LineFlags(rawValue: 2)
        static let invalidUTF8 = LineFlags(rawValue: 4)
        /// Holds two or more UTF-8 encodings of U+00C2…U+00F4 (bytes C3 82…C3 B4): the lead
        /// characters of mojibake. Only such lines go to the exact mojibake test.
        static let mojibakeCandidate = LineFlags(rawValue: 8)
    }

    let path: String
    let text: String
    let lines: LineIndex
    /// One entry per line of `lines`.
    let flags: [LineFlags]
    /// Encoding warnings: UTF-16, then invalid UTF-8, NUL and mojibake, each in line order.
    let problems: [Diagnostic]

    init(data: Data, path: String) {
        self.path = path
        let read = data.withUnsafeBytes { raw in
            Self.read(raw.bindMemory(to: UInt8.self), path: path)
        }
        text = read.text
        lines = LineIndex(text: read.text, starts: read.scan.starts)
        flags = read.scan.flags
        var problems = read.problems
        problems += read.scan.invalidUTF8Problems(path: path)
        problems += read.scan.nul.map {
            .warning("encoding.nul", "line contains a NUL byte; it is shown as �", at: SourcePosition(path: path, line: $0.line, column: $0.column))
        }
        for (index, flag) in read.scan.flags.enumerated() where flag.contains(.mojibakeCandidate) {
            if let problem = Mojibake.problem(in: lines[index + 1], line: index + 1, path: path) { problems.append(problem) }
        }
        self.problems = problems
    }

    /// Drops a UTF-8 byte-order mark, reads UTF-16 (with or without its mark), and scans.
    private static func read(_ all: UnsafeBufferPointer<UInt8>, path: String) -> (text: String, scan: LineScan, problems: [Diagnostic]) {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let bytes = all.starts(with: bom) ? UnsafeBufferPointer(rebasing: all[3...]) : all
        if let (decoded, warning) = utf16(bytes, path: path) {
            var scan = LineScan()
            let text = decoded.utf8.withContiguousStorageIfAvailable { scan.run($0) } ?? scan.run(Array(decoded.utf8))
            return (text, scan, [warning])
        }
        var scan = LineScan()
        let text = scan.run(bytes)
        return (text, scan, [])
    }

    /// The text of a UTF-16 file and the warning that says so; nil if the bytes are not UTF-16.
    private static func utf16(_ bytes: UnsafeBufferPointer<UInt8>, path: String) -> (String, Diagnostic)? {
        let first = SourcePosition(path: path, line: 1)
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let encoding: String.Encoding = bytes[0] == 0xFF ? .utf16LittleEndian : .utf16BigEndian
            let text = String(data: Data(bytes.dropFirst(2)), encoding: encoding) ?? ""
            return (text, .warning("encoding.utf16", "file is UTF-16; opsbook reads it, but save it as UTF-8", at: first))
        }
        // Without this the NULs of every ASCII character cut the page short at the first one
        // and its checks vanished behind a single warning.
        guard let encoding = SourceText.utf16WithoutBOM(bytes), let text = String(data: Data(bytes), encoding: encoding) else { return nil }
        let name = encoding == .utf16LittleEndian ? "UTF-16LE" : "UTF-16BE"
        return (text, .warning("encoding.utf16", "file is \(name) without a byte-order mark; opsbook reads it, but save it as UTF-8", at: first))
    }
}

/// Byte offsets of a text's lines, and the lines as substrings of it (1-based, without their LF).
struct LineIndex: Sendable {
    let text: String
    /// `starts[n - 1]` is where line n starts in `text.utf8`. A text ending in LF has a last,
    /// empty line after it, as `split(separator: "\n", omittingEmptySubsequences: false)` says.
    let starts: [Int]

    var count: Int { starts.count }

    /// Indexes a text that is already LF-only (a front-matter string, a test's text).
    init(_ text: String) {
        var starts = [0]
        for (offset, byte) in text.utf8.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
        self.init(text: text, starts: starts)
    }

    init(text: String, starts: [Int]) {
        self.text = text
        self.starts = starts
    }

    /// Where line `n` ends in `text.utf8` (its LF, or the end of the text).
    func end(_ n: Int) -> Int {
        n < starts.count ? starts[n] - 1 : text.utf8.count
    }

    subscript(_ n: Int) -> Substring {
        slice(from: starts[n - 1], to: end(n))
    }

    /// Every line, as the extractor takes them.
    var all: [Substring] {
        (1...count).map { self[$0] }
    }

    /// `text.utf8[from..<to]`; both offsets sit at line boundaries, so on character boundaries.
    func slice(from: Int, to: Int) -> Substring {
        let utf8 = text.utf8
        let lower = utf8.index(utf8.startIndex, offsetBy: from)
        let upper = utf8.index(lower, offsetBy: to - from)
        return Substring(utf8[lower..<upper])
    }
}

/// The single pass: copies bytes to the output text while ending lines at LF, CRLF or CR,
/// checking UTF-8 sequence by sequence and flagging what it finds.
struct LineScan {
    struct Place { var line: Int, column: Int }

    var starts: [Int] = [0]
    var flags: [SourceFile.LineFlags] = [[]]
    /// First invalid byte per line, lines counted by LF only (see `SourceText`'s notes).
    var invalid: [Place] = []
    /// First NUL per line, its column counted in the output text.
    var nul: [Place] = []

    func invalidUTF8Problems(path: String) -> [Diagnostic] {
        invalid.map {
            .warning("encoding.invalid-utf8", "line is not valid UTF-8; invalid bytes are shown as �",
                     at: SourcePosition(path: path, line: $0.line, column: $0.column))
        }
    }

    mutating func run(_ input: UnsafeBufferPointer<UInt8>) -> String {
        // Room for the worst case (every byte a NUL or invalid: three bytes each), then one copy
        // of what was written, so the page's text holds no slack.
        let output = [UInt8](unsafeUninitializedCapacity: input.count * 3) { buffer, written in
            written = scan(input, into: buffer)
        }
        return String(decoding: output, as: UTF8.self)
    }

    mutating func run(_ input: [UInt8]) -> String {
        input.withUnsafeBufferPointer { run($0) }
    }

    /// Returns how many bytes it wrote. `output` holds three bytes for each input byte: a NUL or
    /// a lone invalid byte becomes the three bytes of U+FFFD.
    private mutating func scan(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var i = 0, o = 0
        var lfLine = 1, lfLineStart = 0, invalidSeen = false
        var pairs = 0
        let n = input.count
        func put(_ b: UInt8) { output[o] = b; o += 1 }
        func putReplacement() { put(0xEF); put(0xBF); put(0xBD) }
        func newLine() {
            starts.append(o)
            flags.append([])
            pairs = 0
        }
        while i < n {
            let b = input[i]
            if b >= 0x20 && b < 0x80 {
                put(b); i += 1
                continue
            }
            switch b {
            case 0x0A:
                put(b); i += 1
                newLine()
                lfLine += 1; lfLineStart = i; invalidSeen = false
            case 0x0D:
                flags[flags.count - 1].insert(.carriageReturn)
                put(0x0A); i += 1
                newLine()
                if i < n, input[i] == 0x0A {
                    i += 1
                    lfLine += 1; lfLineStart = i; invalidSeen = false
                }
            case 0x00:
                if !flags[flags.count - 1].contains(.nul) {
                    flags[flags.count - 1].insert(.nul)
                    nul.append(Place(line: starts.count, column: o - starts[starts.count - 1] + 1))
                }
                putReplacement(); i += 1
            case 0x01..<0x80:
                put(b); i += 1
            default:
                let (length, valid) = UTF8Sequence.measure(input, at: i)
                if valid {
                    if b == 0xC3, (0x82...0xB4).contains(input[i + 1]) {
                        pairs += 1
                        if pairs == 2 { flags[flags.count - 1].insert(.mojibakeCandidate) }
                    }
                    for k in i..<(i + length) { put(input[k]) }
                } else {
                    if !invalidSeen {
                        invalidSeen = true
                        invalid.append(Place(line: lfLine, column: i - lfLineStart + 1))
                    }
                    flags[flags.count - 1].insert(.invalidUTF8)
                    putReplacement()
                }
                i += length
            }
        }
        return o
    }
}

/// UTF-8's well-formed byte sequences (Unicode's table 3-7).
enum UTF8Sequence {
    /// The sequence starting at `i` (a byte ≥ 0x80): its length if well-formed, else the length
    /// of its maximal subpart (at least 1), which is one U+FFFD, as `String(decoding:as:)` does.
    static func measure(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (length: Int, valid: Bool) {
        let lead = bytes[i]
        let count: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: count = 2
        case 0xE0: count = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: count = 3
        case 0xED: count = 3; high = 0x9F
        case 0xF0: count = 4; low = 0x90
        case 0xF1...0xF3: count = 4
        case 0xF4: count = 4; high = 0x8F
        default: return (1, false)
        }
        var length = 1
        while length < count {
            guard i + length < bytes.count else { return (length, false) }
            let b = bytes[i + length]
            guard b >= low && b <= high else { return (length, false) }
            low = 0x80; high = 0xBF
            length += 1
        }
        return (count, true)
    }
}

/// UTF-8 that was once read as a legacy code page and saved again, like `è¨­å®š` for `設定`.
enum Mojibake {
    /// A lead byte of a multi-byte UTF-8 sequence (Â..ô as Latin-1) followed by what a
    /// continuation byte looks like in Windows-1252 or Latin-1. Two such pairs on a line is
    /// mojibake with near certainty; real CJK, accented Latin or `é` alone never match twice.
    /// Made per call: only lines the scan flagged get here, and a `Regex` is not `Sendable`.
    private static func pattern() -> Regex<Substring> {
        #/[\u00C2-\u00F4][\u0080-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013\u2014\u2018-\u201E\u2020-\u2022\u2026\u2030\u2039\u203A\u20AC\u2122]/#
    }

    static func problem(in line: Substring, line number: Int, path: String) -> Diagnostic? {
        let matches = line.matches(of: pattern())
        guard matches.count >= 2, let first = matches.first else { return nil }
        let column = line[..<first.range.lowerBound].utf8.count + 1
        return .warning("encoding.mojibake",
                        "text looks mis-decoded (UTF-8 read as a legacy code page, e.g. `\(line[first.range])…`); re-save the file as UTF-8 from its original",
                        at: SourcePosition(path: path, line: number, column: column))
    }
}
