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

    func decode(_ yaml: String, firstLine: Int) -> (FrontMatter, [Diagnostic]) {
        let file = YAMLFile(path: path, lineOffset: firstLine - 1, resolver: .basic)
        var fm = FrontMatter()
        let root: Node
        switch file.parse(yaml) {
        case .failure(let d): return (fm, [d])
        case .success(nil): return (fm, [])
        case .success(let node?): root = node
        }
        guard case .mapping(let mapping) = root else {
            return (fm, [.error("frontmatter.type", "front matter must be a mapping of `key: value`", at: file.position(root))])
        }
        var problems: [Diagnostic] = []
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            if let problem = apply(key, value, to: &fm, file: file) { problems.append(problem) }
        }
        return (fm, problems)
    }

    /// Sets one key; returns the problem if its value has the wrong type.
    private func apply(_ key: String, _ value: Node, to fm: inout FrontMatter, file: YAMLFile) -> Diagnostic? {
        func set<T>(_ result: Result<T, Diagnostic>, _ assign: (T) -> Void) -> Diagnostic? {
            switch result {
            case .success(let v): assign(v); return nil
            case .failure(let d): return d
            }
        }
        switch key {
        case "title": return set(file.string(value, key)) { fm.title = $0 }
        case "owner": return set(file.string(value, key)) { fm.owner = $0 }
        case "component": return set(file.string(value, key)) { fm.component = $0 }
        case "order": return set(file.int(value, key)) { fm.order = $0 }
        case "phase": return set(file.int(value, key)) { fm.phase = $0 }
        case "tags": return set(file.strings(value, key)) { fm.tags = $0 }
        case "starts": return set(file.day(value, key)) { fm.starts = $0 }
        case "due": return set(file.day(value, key)) { fm.due = $0 }
        case "last-reviewed": return set(file.day(value, key)) { fm.lastReviewed = $0 }
        case "kind":
            guard let s = value.string, let kind = PageKind(rawValue: s) else {
                return .error("frontmatter.kind", "`kind` must be one of phase, runbook, guide, page; got \(YAMLFile.show(value))", at: file.position(value))
            }
            fm.kind = kind
        case "severity":
            guard let s = value.string, let sev = Severity(rawValue: s.uppercased()) else {
                return .error("frontmatter.severity", "`severity` must be one of P0, P1, P2, P3; got \(YAMLFile.show(value))", at: file.position(value))
            }
            fm.severity = sev
        case "review-every":
            guard let s = value.string, let days = Self.days(s) else {
                return .error("frontmatter.review-every", "`review-every` must be a number of days, weeks or months such as 90d, 12w, 6m; got \(YAMLFile.show(value))", at: file.position(value))
            }
            fm.reviewEveryDays = days
        default:
            fm.extra[key] = value.string ?? YAMLFile.show(value)
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
