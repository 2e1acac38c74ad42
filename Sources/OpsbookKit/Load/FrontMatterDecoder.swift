import Foundation
import Yams

/// Splits the `---` front matter off a page and decodes it into `FrontMatter`.
struct FrontMatterDecoder {
    var path: String

    /// The page text with its front matter lines blanked out (not removed), so cmark's line
    /// numbers stay the file's own.
    struct Split {
        var yaml: String?
        var body: String
        /// File line of the first YAML line.
        var yamlFirstLine = 2
        /// How many lines from the top were blanked: the front matter with both its fences.
        var blankedLines = 0

        /// The body's lines, for the extractor: the text's own, blank where the front matter was.
        func bodyLines(_ lines: LineIndex) -> [Substring] {
            (1...lines.count).map { $0 <= blankedLines ? "" : lines[$0] }
        }
    }

    func split(_ text: String) -> (Split, Diagnostic?) {
        split(LineIndex(text))
    }

    /// Looks at line 1 before anything else: most pages have no front matter, and theirs is
    /// the text as it is.
    func split(_ lines: LineIndex) -> (Split, Diagnostic?) {
        let text = lines.text
        guard Self.isFence(lines[1], "---") else { return (Split(yaml: nil, body: text), nil) }
        guard let close = (2...max(2, lines.count)).first(where: {
            $0 <= lines.count && (Self.isFence(lines[$0], "---") || Self.isFence(lines[$0], "..."))
        }) else {
            let d = Diagnostic.error("frontmatter.unclosed", "front matter starts with `---` but is never closed by a `---` line",
                                     at: SourcePosition(path: path, line: 1))
            return (Split(yaml: nil, body: text), d)
        }
        let yaml = close > 2 ? String(lines.slice(from: lines.starts[1], to: lines.end(close - 1))) : ""
        // Lines 1...close become empty: `close - 1` LFs stand for them, then the text from the
        // closing fence's own LF on (nothing if the fence was the last line).
        let rest = lines.slice(from: lines.end(close), to: text.utf8.count)
        let body = String(repeating: "\n", count: close - 1) + rest
        return (Split(yaml: yaml, body: body, blankedLines: close), nil)
    }

    /// `line` is `fence` with only spaces and tabs (Unicode's, as Foundation's `whitespaces`
    /// says) around it.
    private static func isFence(_ line: Substring, _ fence: String) -> Bool {
        if line == fence { return true }
        guard line.utf8.count > 3, line.utf8.contains(fence.utf8.first!) else { return false }
        return line.trimmingWhitespaces() == fence
    }

    /// `flat`: read `key: word` front matter without Yams when it is nothing more than that
    /// (`FlatFrontMatter`); the tests turn it off to compare the two.
    func decode(_ yaml: String, firstLine: Int, flat: Bool = true) -> (FrontMatter, [Diagnostic]) {
        if flat, let entries = FlatFrontMatter.entries(yaml, path: path, firstLine: firstLine) {
            return decode(entries)
        }
        let file = YAMLFile(path: path, lineOffset: firstLine - 1, resolver: .basic)
        let root: Node
        switch file.parse(yaml) {
        case .failure(let d): return (FrontMatter(), [d])
        case .success(nil): return (FrontMatter(), [])
        case .success(let node?): root = node
        }
        guard case .mapping(let mapping) = root else {
            return (FrontMatter(), [.error("frontmatter.type", "front matter must be a mapping of `key: value`", at: file.position(root))])
        }
        return decode(mapping.map { (key: $0.key.string ?? "", value: Value($0.value, file: file)) })
    }

    private func decode(_ entries: [(key: String, value: Value)]) -> (FrontMatter, [Diagnostic]) {
        var fm = FrontMatter()
        var problems: [Diagnostic] = []
        for (key, value) in entries {
            if let problem = apply(key, value, to: &fm) { problems.append(problem) }
        }
        return (fm, problems)
    }

    /// A value as the keys read it, whichever reader found it.
    struct Value {
        /// A scalar's text; nil for a mapping, a list or an alias.
        var text: String?
        /// A list's items; nil for anything else.
        var items: [Value]?
        /// How an error quotes it (`YAMLFile.show`).
        var shown: String
        var position: SourcePosition

        init(text: String, position: SourcePosition) {
            self.text = text
            shown = "\"\(text)\""
            self.position = position
        }

        init(_ node: Node, file: YAMLFile) {
            text = node.scalar?.string
            if case .sequence(let seq) = node { items = seq.map { Value($0, file: file) } }
            shown = YAMLFile.show(node)
            position = file.position(node)
        }
    }

    /// Sets one key; returns the problem if its value has the wrong type.
    private func apply(_ key: String, _ value: Value, to fm: inout FrontMatter) -> Diagnostic? {
        func typeError(_ value: Value, _ expected: String) -> Diagnostic {
            .error("yaml.type", "`\(key)` must be \(expected), got \(value.shown)", at: value.position)
        }
        func string(_ assign: (String) -> Void) -> Diagnostic? {
            guard let text = value.text else { return typeError(value, "a string") }
            assign(text)
            return nil
        }
        func int(_ assign: (Int) -> Void) -> Diagnostic? {
            guard let text = value.text, let n = Int(text) else { return typeError(value, "a whole number") }
            assign(n)
            return nil
        }
        func day(_ assign: (Day) -> Void) -> Diagnostic? {
            guard let text = value.text, let d = Day(iso: text) else {
                return .error("yaml.bad-date", "`\(key)` must be a real date written YYYY-MM-DD, got \(value.shown)", at: value.position)
            }
            assign(d)
            return nil
        }
        switch key {
        case "title": return string { fm.title = $0 }
        case "owner": return string { fm.owner = $0 }
        case "component": return string { fm.component = $0 }
        case "order": return int { fm.order = $0 }
        case "phase": return int { fm.phase = $0 }
        case "tags":
            guard let items = value.items else { return typeError(value, "a list of words") }
            var tags: [String] = []
            for item in items {
                guard let text = item.text else { return typeError(item, "a list of words") }
                tags.append(text)
            }
            fm.tags = tags
        case "starts": return day { fm.starts = $0 }
        case "due": return day { fm.due = $0 }
        case "last-reviewed": return day { fm.lastReviewed = $0 }
        case "kind":
            guard let s = value.text, let kind = PageKind(rawValue: s) else {
                return .error("frontmatter.kind", "`kind` must be one of phase, runbook, guide, page; got \(value.shown)", at: value.position)
            }
            fm.kind = kind
        case "severity":
            guard let s = value.text, let sev = Severity(rawValue: s.uppercased()) else {
                return .error("frontmatter.severity", "`severity` must be one of P0, P1, P2, P3; got \(value.shown)", at: value.position)
            }
            fm.severity = sev
        case "review-every":
            guard let s = value.text, let days = Self.days(s) else {
                return .error("frontmatter.review-every", "`review-every` must be a number of days, weeks or months such as 90d, 12w, 6m; got \(value.shown)", at: value.position)
            }
            fm.reviewEveryDays = days
        default:
            fm.extra[key] = value.text ?? value.shown
        }
        return nil
    }

    /// `90d`, `12w`, `6m` (30-day months), `1y` (365 days).
    static func days(_ text: String) -> Int? {
        guard let unit = text.last, let n = Int(text.dropLast()), n > 0 else { return nil }
        switch unit {
        case "d": return n
        case "w": return n * 7
        case "m": return n * 30
        case "y": return n * 365
        default: return nil
        }
    }
}
