import Foundation

/// Walks one parsed page and pulls out what opsbook acts on: headings (with anchors), acceptance
/// criteria, check blocks, `check:ID` references and relative links. Pure: no I/O.
struct PageExtractor {
    var path: String
    var idSlug: String
    /// The page's lines, to find columns cmark does not report (inline code spans, info-string words).
    var lines: [Substring]

    struct Output {
        var headings: [Heading] = []
        var criteria: [Criterion] = []
        var checks: [CheckBlock] = []
        var links: [PageLink] = []
        var problems: [Diagnostic] = []
        var diagrams = 0
    }

    /// Also annotates `document` where it found each thing: a heading with its anchor, a task item
    /// with its criterion, a `check` block with its check, so the renderer reads them off the node.
    func extract(_ document: inout MarkdownNode) -> Output {
        var out = Output()
        var anchors = AnchorMaker()
        visit(&document, criterion: nil, block: document.position, into: &out, anchors: &anchors)
        // An id-less check is named `<page-slug>-<n>`, counting id-less checks on the page.
        var generated = 0
        for i in out.checks.indices where out.checks[i].hasGeneratedID {
            generated += 1
            out.checks[i].id = "\(idSlug)-\(generated)"
        }
        // Grouped once: filtering every check per criterion was quadratic in a long checklist.
        let nested = Dictionary(grouping: out.checks.filter { $0.criterionIndex != nil }, by: { $0.criterionIndex! })
        for i in out.criteria.indices {
            out.criteria[i].checkIDs = (nested[i] ?? []).map(\.id) + out.criteria[i].checkIDs
        }
        return out
    }

    private func visit(_ node: inout MarkdownNode, criterion: Int?, block: SourcePosition?, into out: inout Output,
                       anchors: inout AnchorMaker) {
        var criterion = criterion
        let here = node.position ?? block
        switch node.kind {
        case .heading(let level):
            let text = node.plainText.trimmingWhitespaces()
            let anchor = anchors.make(text)
            out.headings.append(Heading(level: level, text: text, anchor: anchor, line: node.position?.line ?? 0))
            node.annotation = .anchor(anchor)
        case .taskItem(let checked):
            criterion = out.criteria.count
            var made = makeCriterion(node, checked: checked)
            made.anchor = anchors.make(Self.anchorText(node), fallback: "criterion", limit: Self.criterionAnchorLimit)
            node.annotation = .criterion(out.criteria.count)
            out.criteria.append(made)
        case .codeBlock(let info, let fenced):
            let isCheck = CheckInfoParser.isCheck(info)
            if fenced { out.problems += fenceProblems(node, isCheck: isCheck) }
            if isCheck {
                node.annotation = .check(out.checks.count)
                out.checks.append(makeCheck(node, info: info, criterion: criterion, problems: &out.problems))
            } else if MarkdownNode.language(ofInfo: info) == "mermaid" {
                out.diagrams += 1
            }
        case .link(let url, _), .image(let url, _):
            if let position = here, Self.isRelative(url) { out.links.append(PageLink(url: url, position: position)) }
        default:
            break
        }
        for i in node.children.indices {
            visit(&node.children[i], criterion: criterion, block: here, into: &out, anchors: &anchors)
        }
    }

    // MARK: criteria

    private func makeCriterion(_ item: MarkdownNode, checked: Bool) -> Criterion {
        let position = item.position ?? SourcePosition(path: path, line: 1)
        let ownText = item.children.filter {
            if case .paragraph = $0.kind { return true } else { return false }
        }
        let text = ownText.map(\.plainText).joined(separator: " ")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let refs = references(in: ownText, item: item)
        return Criterion(page: path, position: position, text: text, claimedDone: checked,
                         checkIDs: refs.map(\.id), references: refs)
    }

    /// Criteria are often whole sentences: their ids keep the first 40 characters of the slug (cut
    /// at a hyphen when one falls in the second half), enough to read and to stay unique.
    static let criterionAnchorLimit = 40

    /// The text a criterion's id is made from: its own paragraphs without `check:ID` spans, so
    /// pointing a criterion at another check keeps its id.
    static func anchorText(_ item: MarkdownNode) -> String {
        var text = ""
        for paragraph in item.children {
            guard case .paragraph = paragraph.kind else { continue }
            paragraph.walk { node in
                switch node.kind {
                case .code where node.literal.trimmingWhitespaces().hasPrefix("check:"): break
                case .text, .code, .htmlInline: text += node.literal
                case .softBreak, .lineBreak: text += " "
                default: break
                }
            }
            text += " "
        }
        return text.trimmingWhitespaces()
    }

    /// `check:ID` code spans in the item's own paragraphs. cmark gives code spans no position, so
    /// the column is found in the source lines of the item.
    private func references(in paragraphs: [MarkdownNode], item: MarkdownNode) -> [CheckReference] {
        var refs: [CheckReference] = []
        var searchFrom: [String: Int] = [:]
        for paragraph in paragraphs {
            paragraph.walk { node in
                guard case .code = node.kind else { return }
                let literal = node.literal.trimmingWhitespaces()
                guard literal.hasPrefix("check:") else { return }
                let id = String(literal.dropFirst("check:".count))
                let position = locate("check:" + id, from: paragraph.position?.line ?? item.position?.line ?? 1,
                                      to: item.endLine, skip: searchFrom[id, default: 0])
                searchFrom[id, default: 0] += 1
                refs.append(CheckReference(id: id, position: position))
            }
        }
        return refs
    }

    /// The position of the `skip`-th occurrence of `needle` as a whole code span (only spaces
    /// between it and a backtick on either side) between two file lines: so `check:` is not
    /// found inside `check:a`, nor in the words "this check: is".
    private func locate(_ needle: String, from first: Int, to last: Int?, skip: Int) -> SourcePosition {
        func isSpan(_ line: Substring, _ r: Range<Substring.Index>) -> Bool {
            let before = line[..<r.lowerBound].reversed().drop { $0 == " " }.first
            let after = line[r.upperBound...].drop { $0 == " " }.first
            return before == "`" && after == "`"
        }
        var seen = 0
        let end = min(last ?? first, lines.count)
        var lineNumber = max(1, first)
        while lineNumber <= end {
            let line = lines[lineNumber - 1]
            var rest = line[...]
            while let r = rest.range(of: needle) {
                defer { rest = rest[r.upperBound...] }
                guard isSpan(line[...], r) else { continue }
                if seen == skip {
                    return SourcePosition(path: path, line: lineNumber, column: line[..<r.lowerBound].utf8.count + 1)
                }
                seen += 1
            }
            lineNumber += 1
        }
        return SourcePosition(path: path, line: first)
    }

    // MARK: check blocks

    private func makeCheck(_ node: MarkdownNode, info: String, criterion: Int?, problems: inout [Diagnostic]) -> CheckBlock {
        let position = node.position ?? SourcePosition(path: path, line: 1)
        let parsed = CheckInfoParser().parse(info)
        for problem in parsed.problems {
            problems.append(.error(problem.code, problem.message, at: columnOf(problem.token, onLine: position)))
        }
        return CheckBlock(id: parsed.id ?? "", hasGeneratedID: parsed.id == nil, attributes: parsed.attributes,
                          body: node.literal, page: path, position: position, criterionIndex: criterion)
    }

    private func columnOf(_ token: String, onLine position: SourcePosition) -> SourcePosition {
        guard position.line <= lines.count, let r = lines[position.line - 1].range(of: token) else { return position }
        let line = lines[position.line - 1]
        return SourcePosition(path: path, line: position.line, column: line[..<r.lowerBound].utf8.count + 1)
    }

    // MARK: fences

    /// Contract §3: a fence closed by the end of its block quote, list item or document is
    /// closed, and valid CommonMark is never an error. What a reader would not expect is reported:
    /// a fence left open to the end of the page (it swallows the rest), and a fence line with an
    /// info string inside a block of the same fence (seed 002's runbook template: its closing
    /// fence ends the outer block early). In a documentation block these are warnings — the page
    /// renders as cmark-gfm renders it; in or around a `check` block they are errors, because they
    /// change what runs. cmark accepts all of it silently, so it is found here from the source.
    private func fenceProblems(_ node: MarkdownNode, isCheck: Bool) -> [Diagnostic] {
        guard let start = node.position, let open = opening(at: start) else { return [] }
        var problems: [Diagnostic] = []
        let end = min(node.endLine ?? start.line, lines.count)
        let closingLine = end > start.line ? Self.fence(lines[end - 1], quotes: open.quotes) : nil
        let closed = closingLine.map { $0.char == open.char && $0.count >= open.count && $0.info.isEmpty } ?? false
        // cmark's end line of a block closed by its container is the line that closed the
        // container; the block's own last line is counted from its content instead.
        let contentLines = node.literal.reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
        let bodyEnd = closed ? end - 1 : min(start.line + contentLines, lines.count)
        let body = start.line + 1 <= bodyEnd ? Array((start.line + 1)...bodyEnd) : []
        if !closed && lines[bodyEnd...].allSatisfy({ Self.isBlank($0) }) {
            let swallowsCheck = body.contains { n in
                Self.fence(lines[n - 1], quotes: open.quotes).map { CheckInfoParser.isCheck($0.info) } ?? false
            }
            let fenceText = String(repeating: open.char, count: open.count)
            problems.append(Diagnostic(isCheck || swallowsCheck ? .error : .warning, "fence.unclosed",
                                       "code fence `\(fenceText)` opened here is never closed; it swallows everything after it to the end of the page\(swallowsCheck ? ", including a check block" : "")",
                                       at: start))
        }
        for n in body {
            // A fence line indented 4+ columns past the outer fence is text: its closing line could
            // not close the outer block either.
            guard let inner = Self.fence(lines[n - 1], quotes: open.quotes), inner.char == open.char,
                  inner.count >= open.count, !inner.info.isEmpty, inner.column - open.column < 4 else { continue }
            let opener = String(repeating: inner.char, count: inner.count) + inner.info
            let severity: Diagnostic.Severity = isCheck || CheckInfoParser.isCheck(inner.info) ? .error : .warning
            problems.append(Diagnostic(severity, "fence.nested", "fence line \"\(opener)\" inside a block opened with the same fence at line \(start.line): its closing fence ends the outer block; open the outer block with a longer fence (\(String(repeating: open.char, count: inner.count + 1)))",
                                       at: SourcePosition(path: path, line: n, column: inner.column)))
        }
        return problems
    }

    /// The opening fence at cmark's position (the column of its first fence character), with the
    /// block-quote markers before it counted.
    private func opening(at start: SourcePosition) -> Fence? {
        guard start.line >= 1, start.line <= lines.count else { return nil }
        let line = lines[start.line - 1]
        guard let at = line.utf8.index(line.utf8.startIndex, offsetBy: start.column - 1, limitedBy: line.utf8.endIndex),
              let fenceStart = String.Index(at, within: line),
              var open = Self.fence(line[fenceStart...], quotes: 0) else { return nil }
        open.quotes = line[..<fenceStart].filter { $0 == ">" }.count
        open.column = start.column
        return open
    }

    /// A fence line: its character, length, info string, the number of block-quote markers before
    /// it and its 1-based byte column.
    struct Fence { var char: Character; var count: Int; var info: String; var quotes: Int; var column: Int }

    /// The fence on `line`, if any. `quotes`: how many `>` markers (each with one optional space)
    /// belong to the enclosing block quotes and are skipped; nil skips any number.
    static func fence(_ line: Substring, quotes: Int? = nil) -> Fence? {
        var rest = line[...]
        var seen = 0
        while quotes.map({ seen < $0 }) ?? true {
            let afterSpaces = rest.drop { $0 == " " }
            guard afterSpaces.first == ">", rest.count - afterSpaces.count <= 3 else { break }
            rest = afterSpaces.dropFirst()
            if rest.first == " " { rest = rest.dropFirst() }
            seen += 1
        }
        if let quotes, seen < quotes { return nil }
        let trimmed = rest.drop { $0 == " " || $0 == "\t" }
        guard let c = trimmed.first, c == "`" || c == "~" else { return nil }
        let run = trimmed.prefix { $0 == c }.count
        guard run >= 3 else { return nil }
        let info = trimmed.dropFirst(run).trimmingWhitespaces()
        if c == "`" && info.contains("`") { return nil }  // not a fence: a backtick fence's info has no backtick
        return Fence(char: c, count: run, info: info, quotes: seen,
                     column: line[..<trimmed.startIndex].utf8.count + 1)
    }

    private static func isBlank(_ line: Substring) -> Bool {
        line.allSatisfy { $0 == " " || $0 == "\t" || $0 == ">" }
    }

    /// A link to a file of the handbook: no scheme (RFC 3986: a letter, then letters, digits,
    /// `+-.`, then `:`), not absolute, not only a fragment. `foo):` and `a/b:c.md` are relative.
    static func isRelative(_ url: String) -> Bool {
        !url.isEmpty && !url.hasPrefix("#") && !url.hasPrefix("/") && !hasScheme(url)
    }

    static func hasScheme(_ url: String) -> Bool {
        guard let colon = url.firstIndex(of: ":"), let first = url.first, first.isASCII, first.isLetter else { return false }
        return url[..<colon].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }
}

/// Heading anchors: ASCII lowercased, spaces to hyphens, CJK and other letters kept, punctuation
/// dropped, duplicates suffixed `-1`, `-2`. Same input, same anchors, on every build.
struct AnchorMaker {
    private var used: [String: Int] = [:]

    mutating func make(_ text: String, fallback: String = "section", limit: Int? = nil) -> String {
        let base = limit.map { Self.shortened(Self.slug(text, fallback: fallback), to: $0) } ?? Self.slug(text, fallback: fallback)
        guard let n = used[base] else {
            used[base] = 0
            return base
        }
        var k = n + 1
        while used["\(base)-\(k)"] != nil { k += 1 }
        used[base] = k
        used["\(base)-\(k)"] = 0
        return "\(base)-\(k)"
    }

    /// At most `limit` characters, cut after the last hyphen in the second half if there is one.
    static func shortened(_ slug: String, to limit: Int) -> String {
        guard slug.count > limit else { return slug }
        var cut = String(slug.prefix(limit))
        if let hyphen = cut.lastIndex(of: "-"), cut.distance(from: cut.startIndex, to: hyphen) >= limit / 2 {
            cut = String(cut[..<hyphen])
        }
        while cut.hasSuffix("-") { cut.removeLast() }
        return cut
    }

    /// Scalar by scalar, remembering whether the last one kept was a hyphen (rather than asking
    /// the string, which goes through grapheme breaking each time).
    static func slug(_ text: String, fallback: String = "section") -> String {
        var out = String.UnicodeScalarView()
        var endsInHyphen = false
        func hyphen() {
            guard !endsInHyphen, !out.isEmpty else { return }
            out.append("-")
            endsInHyphen = true
        }
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x61...0x7A, 0x30...0x39, 0x5F:                    // a-z 0-9 _
                out.append(scalar)
                endsInHyphen = false
            case 0x41...0x5A:                                        // A-Z
                out.append(Unicode.Scalar(scalar.value + 0x20)!)
                endsInHyphen = false
            case 0x20, 0x2D:                                         // space, hyphen
                hyphen()
            case 0..<0x80:                                           // other ASCII: dropped
                break
            default:
                if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                    out.append(scalar)
                    endsInHyphen = false
                } else if scalar.properties.isWhitespace {
                    hyphen()
                }
            }
        }
        if endsInHyphen { out.removeLast() }
        return out.isEmpty ? fallback : String(out)
    }
}
