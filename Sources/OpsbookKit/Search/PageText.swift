import Foundation

/// What search sees of one rendered page: its title and its sections, each the text under one
/// `h2`/`h3` heading (the first has no heading: the text before any).
public struct PageText: Sendable, Equatable, Encodable {
    public struct Section: Sendable, Equatable, Encodable {
        public var anchor: String
        public var heading: String
        public var text: String

        /// Arrays, not objects: a thousand pages of `"anchor":` keys would be a tenth of the index.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.unkeyedContainer()
            try c.encode(anchor); try c.encode(heading); try c.encode(text)
        }
    }

    public var url: String
    public var title: String
    public var sections: [Section]

    enum CodingKeys: String, CodingKey { case url = "u", title = "t", sections = "s" }

    /// Everything a query is matched against, in one string: what the tests take as ground truth.
    public var indexedText: String {
        ([title] + sections.flatMap { [$0.heading, $0.text] }).filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// Reads the text of a page opsbook rendered, from its `<article>`: the page's own words, the
/// criteria and the check commands, without the chrome around them.
///
/// This is not a general HTML parser and needs not be one: it reads only markup opsbook wrote,
/// where every attribute value is escaped (no `>` inside a tag) and every element is closed.
enum PageTextExtractor {
    /// Elements whose text nobody searches for: the `#` of heading anchors, status badges and
    /// check metadata, and a run's output, which changes with every run.
    static let skippedClasses: Set<String> = ["anchor", "badge", "check-meta", "output", "diff", "label", "meta", "claim", "copy"]
    static let voidElements: Set<String> = ["area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"]
    /// Inline elements join their text to the neighbours'; any other tag separates words.
    static let inlineElements: Set<String> = ["a", "abbr", "b", "code", "del", "em", "i", "kbd", "mark", "s", "small", "span", "strong", "sub", "sup", "time", "u"]

    static func extract(html: String, url: String) -> PageText? {
        let bytes = Array(html.utf8)
        guard let start = find(Array("<article".utf8), in: bytes, from: 0),
              let end = findLast(Array("</article>".utf8), in: bytes) , end > start else { return nil }
        var reader = Reader()
        reader.read(bytes[start..<end])
        let title = reader.title.isEmpty ? titleTag(bytes) : reader.title
        return PageText(url: url, title: title, sections: reader.finish())
    }

    /// `<title>Page · Site</title>` → `Page`, for pages without an `h1`.
    private static func titleTag(_ bytes: [UInt8]) -> String {
        guard let open = find(Array("<title>".utf8), in: bytes, from: 0),
              let close = find(Array("</title>".utf8), in: bytes, from: open) else { return "" }
        let full = Entities.decode(String(decoding: bytes[(open + 7)..<close], as: UTF8.self))
        if let dot = full.range(of: " · ", options: .backwards) { return String(full[..<dot.lowerBound]) }
        return full
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = from
        while i <= hay.count - needle.count {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    static func findLast(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = hay.count - needle.count
        while i >= 0 {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }
}

/// Walks the article's bytes once, tag by tag, sending text to the title, the current heading
/// or the current section.
private struct Reader {
    private var stack: [String] = []
    private var skipBelow: Int? = nil
    private var inTitle = false
    private var inHeading = false
    private var titleBytes: [UInt8] = []
    private var headingBytes: [UInt8] = []
    private var textBytes: [UInt8] = []
    private var anchor = ""
    private var sections: [PageText.Section] = []
    private(set) var title = ""

    mutating func read(_ bytes: ArraySlice<UInt8>) {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "<"), let close = bytes[i...].firstIndex(of: UInt8(ascii: ">")) {
                tag(Tag(bytes[(i + 1)..<close]))
                i = close + 1
                continue
            }
            if skipBelow == nil { append(b) }
            i += 1
        }
    }

    private mutating func append(_ b: UInt8) {
        if inTitle { titleBytes.append(b) } else if inHeading { headingBytes.append(b) } else { textBytes.append(b) }
    }

    private mutating func tag(_ t: Tag) {
        if !PageTextExtractor.inlineElements.contains(t.name) && skipBelow == nil { append(UInt8(ascii: " ")) }
        if t.isClosing {
            if let at = stack.lastIndex(of: t.name) { stack.removeSubrange(at...) }
            if let depth = skipBelow, stack.count < depth { skipBelow = nil }
            if t.name == "h1", inTitle { inTitle = false; title = Self.clean(titleBytes) }
            if (t.name == "h2" || t.name == "h3"), inHeading { inHeading = false }
            return
        }
        if PageTextExtractor.voidElements.contains(t.name) || t.isSelfClosing { return }
        stack.append(t.name)
        if skipBelow == nil, t.hasClass(in: PageTextExtractor.skippedClasses) { skipBelow = stack.count }
        if skipBelow != nil { return }
        switch t.name {
        case "h1" where title.isEmpty && !inTitle: inTitle = true
        case "h2", "h3":
            closeSection()
            anchor = t.id()
            inHeading = true
        default: break
        }
    }

    private mutating func closeSection() {
        let heading = Self.clean(headingBytes), text = Self.clean(textBytes)
        if !heading.isEmpty || !text.isEmpty { sections.append(.init(anchor: anchor, heading: heading, text: text)) }
        headingBytes = []; textBytes = []; anchor = ""
    }

    mutating func finish() -> [PageText.Section] {
        closeSection()
        return sections
    }

    /// Runs of white space made one space, then entities decoded (on bytes: this runs on every
    /// page's whole text).
    static func clean(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pendingSpace = false
        for b in bytes {
            if b == 32 || b == 10 || b == 9 || b == 13 { pendingSpace = !out.isEmpty; continue }
            if pendingSpace { out.append(32); pendingSpace = false }
            out.append(b)
        }
        return Entities.decode(String(decoding: out, as: UTF8.self))
    }
}

/// One tag's name, and the two attributes search cares about. Read from bytes: Foundation's
/// string search made tag reading most of the indexer's time on a thousand pages.
private struct Tag {
    var name = ""
    var isClosing = false
    var isSelfClosing = false
    /// The attributes' bytes, read only when asked: most tags are closing tags or inside a part
    /// search skips, and making a set of classes for each was most of reading a page.
    private var attributes: ArraySlice<UInt8> = []

    init(_ inside: ArraySlice<UInt8>) {
        var s = inside
        if s.first == UInt8(ascii: "/") { isClosing = true; s = s.dropFirst() }
        if s.last == UInt8(ascii: "/") { isSelfClosing = true; s = s.dropLast() }
        let nameEnd = s.firstIndex(where: Self.isSpace) ?? s.endIndex
        name = String(decoding: s[s.startIndex..<nameEnd], as: UTF8.self)
        attributes = s[nameEnd...]
    }

    /// One of the tag's classes is in `names`.
    func hasClass(in names: Set<String>) -> Bool {
        guard !attributes.isEmpty, let value = Self.attribute(Self.classKey, in: attributes) else { return false }
        return value.split(separator: UInt8(ascii: " ")).contains { names.contains(String(decoding: $0, as: UTF8.self)) }
    }

    /// The `id` attribute, entities decoded; "" without one.
    func id() -> String {
        guard !attributes.isEmpty, let value = Self.attribute(Self.idKey, in: attributes) else { return "" }
        return Entities.decode(String(decoding: value, as: UTF8.self))
    }

    private static let classKey = Array("class=\"".utf8), idKey = Array("id=\"".utf8)

    static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 10 || b == 9 || b == 13 }

    /// `name="value"` as opsbook writes attributes: double quotes, escaped values.
    private static func attribute(_ key: [UInt8], in s: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var i = s.startIndex
        while i + key.count <= s.endIndex {
            if s[i] == key[0], isSpace(s[i - 1]), s[i..<(i + key.count)].elementsEqual(key) {
                let start = i + key.count
                guard let end = s[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                return s[start..<end]
            }
            i += 1
        }
        return nil
    }
}

/// The entities opsbook's HTML escaping writes, and numeric ones.
enum Entities {
    static let named: [String: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}"]

    static func decode(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "&")) else { return s }
        var out = ""
        var rest = s[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(10).firstIndex(of: ";"), let text = entity(after[..<semi]) {
                out += text
                rest = after[after.index(after: semi)...]
            } else {
                out += "&"
                rest = after
            }
        }
        return out + rest
    }

    private static func entity(_ name: Substring) -> String? {
        if let text = named[String(name)] { return text }
        guard name.hasPrefix("#") else { return nil }
        let digits = name.dropFirst()
        let value = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
        return value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
    }
}
