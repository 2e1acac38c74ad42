/// Front matter that is nothing but `key: word` lines, read without Yams.
///
/// Almost every page's front matter is six lines like `owner: sre`; for those, Yams built a node
/// tree, a tag object per scalar and a hash of every key (to find duplicates) — a fifth of the
/// time it took to load a page. This reader takes only what YAML reads as plain text, exactly as
/// Yams gives it: each line `key: value` where the key is a simple word and the value a plain
/// scalar that cannot mean anything else. Anything else — a quote, a list, a comment, a
/// continued line, an indicator, a duplicate key, a tab, a control character — returns nil and
/// the page goes through Yams as before. `FrontMatterTests` decodes thousands of generated front
/// matters both ways and requires the same front matter and the same diagnostics.
enum FlatFrontMatter {
    /// The keys and values in order, or nil when Yams must read it.
    static func entries(_ yaml: String, path: String, firstLine: Int) -> [(key: String, value: FrontMatterDecoder.Value)]? {
        var out: [(key: String, value: FrontMatterDecoder.Value)] = []
        var seen: Set<String> = []
        var lineNumber = firstLine
        for line in yaml.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            defer { lineNumber += 1 }
            if line.isEmpty { continue }
            guard let colon = keyEnd(line) else { return nil }
            let key = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            // `key:` then exactly the spaces before the value; the value starts at a safe byte.
            var start = line.index(after: colon)
            guard start < line.endIndex, line[start] == UInt8(ascii: " ") else { return nil }
            while start < line.endIndex, line[start] == UInt8(ascii: " ") { start = line.index(after: start) }
            let value = line[start...]
            guard isPlain(value) else { return nil }
            let text = String(decoding: value, as: UTF8.self)
            guard isPrintable(text), seen.insert(key).inserted else { return nil }
            // The key is ASCII, so the value's column in bytes is its column in characters too.
            let column = line.distance(from: line.startIndex, to: start) + 1
            out.append((key, .init(text: text, position: SourcePosition(path: path, line: lineNumber, column: column))))
        }
        return out.isEmpty ? nil : out
    }

    /// The index of the `:` after a key of ASCII letters, digits, `_` and `-` that starts with a
    /// letter; nil for any other line.
    private static func keyEnd(_ line: Substring.UTF8View) -> Substring.UTF8View.Index? {
        guard let first = line.first, isLetter(first) else { return nil }
        for i in line.indices {
            let byte = line[i]
            if byte == UInt8(ascii: ":") { return i }
            guard isLetter(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") else { return nil }
        }
        return nil
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }

    /// A value YAML reads as this very text: it does not start with an indicator or a space, does
    /// not end in a space or a colon, and has no `: `, ` #`, tab, control character or DEL.
    /// Non-ASCII text is fine (titles are Chinese) when `isPrintable` says so.
    private static func isPlain(_ value: Substring.UTF8View) -> Bool {
        guard let first = value.first, let last = value.last else { return false }
        if "-?:,[]{}#&*!|>'\"%@` ".utf8.contains(first) { return false }
        if last == UInt8(ascii: " ") || last == UInt8(ascii: ":") { return false }
        var previous: UInt8 = 0
        for byte in value {
            if byte < 0x20 || byte == 0x7F { return false }
            if byte == UInt8(ascii: " ") && previous == UInt8(ascii: ":") { return false }
            if byte == UInt8(ascii: "#") && previous == UInt8(ascii: " ") { return false }
            previous = byte
        }
        return true
    }

    /// Non-ASCII text YAML counts printable ([A0-D7FF], [E000-FFFD], [10000-10FFFF]), and none of
    /// YAML 1.1's line breaks (U+2028, U+2029) or a byte order mark (U+FEFF).
    private static func isPrintable(_ text: String) -> Bool {
        for scalar in text.unicodeScalars where scalar.value >= 0x80 {
            let v = scalar.value
            let printable = (0xA0...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || v >= 0x10000
            if !printable || v == 0x2028 || v == 0x2029 || v == 0xFEFF { return false }
        }
        return true
    }
}
