import Foundation

/// Renders a page's Markdown tree to HTML: byte for byte what cmark-gfm's own renderer
/// (`cmark_render_html`, safe mode) makes of it, plus opsbook's additions — heading ids and
/// anchors, criteria marked with their verdicts, check blocks shown with their results, GitHub
/// alerts as call-outs, raw HTML shown escaped instead of omitted, `.md` links pointing at built
/// pages. `DifferentialRenderTests` holds it to that: every difference is listed in
/// docs/design.md ("Rendering: differences from cmark-gfm").
///
/// Why not `cmark_render_html` itself: every addition needs a hook inside the tree walk, and raw
/// HTML must be shown escaped, not dropped or passed through. Everything from Markdown is escaped
/// here; nothing is written unescaped except markup this file makes.
struct MarkdownHTMLWriter {
    var page: Page
    /// The page's verdicts by criterion anchor (unique in a page): a verdict finds its task item
    /// by name, whatever order or subset the results hold.
    var verdicts: [String: CriterionVerdict]
    var checkResults: [String: CheckResult]
    var rewriteLink: (String) -> String

    private var out = ""
    private var footnotes = Footnotes()

    init(page: Page, verdicts: [CriterionVerdict], checkResults: [String: CheckResult],
         rewriteLink: @escaping (String) -> String) {
        self.page = page
        self.verdicts = Dictionary(verdicts.map { ($0.criterion.anchor, $0) }, uniquingKeysWith: { first, _ in first })
        self.checkResults = checkResults
        self.rewriteLink = rewriteLink
    }

    mutating func render() -> String {
        out = ""
        footnotes = Footnotes(page.document)
        for child in page.document.children { block(child, tight: false) }
        if footnotes.sectionOpen { out += "</ol>\n</section>\n" }
        return out
    }

    /// cmark's `cr()`: start a new line unless the output is at one already.
    private mutating func cr() {
        if !out.isEmpty && !out.hasSuffix("\n") { out += "\n" }
    }

    /// `tight`: the node is a child of an item of a tight list (its paragraphs get no `<p>`).
    private mutating func block(_ node: MarkdownNode, tight: Bool) {
        switch node.kind {
        case .paragraph:
            paragraph(node, tight: tight)
        case .heading(let level):
            // The loader's anchor (PageExtractor); a tree it did not annotate gets the fallback id.
            var anchor = "section"
            if case .anchor(let annotated) = node.annotation { anchor = annotated }
            cr()
            out += "<h\(level) id=\"\(Self.escape(anchor))\">"
            inlines(node.children)
            out += Self.anchorLink(anchor, label: "連結到此節") + "</h\(level)>\n"
        case .blockQuote:
            if let alert = Alert(node) { self.alert(alert, node) } else { blockQuote(node) }
        case .list(let ordered, let start, let isTight):
            list(node, ordered: ordered, start: start, tight: isTight)
        case .item:
            cr(); out += "<li>"; children(node, tight: tight); out += "</li>\n"
        case .taskItem(let checked):
            criterion(node, checked: checked, tight: tight)
        case .codeBlock(let info, _):
            codeBlock(node, info: info)
        case .htmlBlock:
            cr()
            out += "<pre class=\"raw-html\" title=\"raw HTML is shown, not run\"><code>\(Self.escape(node.literal))</code></pre>\n"
        case .thematicBreak:
            cr(); out += "<hr />\n"
        case .table:
            table(node)
        case .footnoteDefinition(let label):
            footnoteDefinition(node, label: label)
        default:
            inline(node)
        }
    }

    private mutating func children(_ node: MarkdownNode, tight: Bool) {
        for child in node.children { block(child, tight: tight) }
    }

    private mutating func paragraph(_ node: MarkdownNode, tight: Bool, backrefsFor label: String? = nil) {
        if tight { inlines(node.children); return }
        cr(); out += "<p>"; inlines(node.children)
        if let label { out += " " + footnotes.backrefs(label) }
        out += "</p>\n"
    }

    private mutating func blockQuote(_ node: MarkdownNode) {
        cr(); out += "<blockquote>\n"; children(node, tight: false); cr(); out += "</blockquote>\n"
    }

    private mutating func list(_ node: MarkdownNode, ordered: Bool, start: Int, tight: Bool) {
        let hasTasks = node.children.contains { if case .taskItem = $0.kind { return true } else { return false } }
        cr()
        if ordered {
            out += start == 1 ? "<ol>\n" : "<ol start=\"\(start)\">\n"
        } else {
            out += hasTasks ? "<ul class=\"criteria\">\n" : "<ul>\n"
        }
        for item in node.children { block(item, tight: tight) }
        out += ordered ? "</ol>\n" : "</ul>\n"
    }

    // MARK: criteria

    /// cmark's task item (`<li><input type="checkbox" …/> …</li>`) with the verdict added: the
    /// status on the `<li>`, the author's box wrapped as a claim, a badge, the text in a span
    /// and an anchor link to the criterion's own id.
    private mutating func criterion(_ node: MarkdownNode, checked: Bool, tight: Bool) {
        let anchor = criterion(of: node)?.anchor ?? "criterion"
        let verdict = verdicts[anchor]
        let status = verdict?.status ?? .notRun
        let claimedFailing = verdict?.isClaimedFailing ?? false
        cr()
        out += "<li class=\"criterion\" id=\"\(Self.escape(anchor))\" data-status=\"\(status.rawValue)\"\(claimedFailing ? " data-claimed-failing" : "")>"
        out += "<span class=\"claim\" title=\"作者的勾選是宣稱，不是判定\"><input type=\"checkbox\"\(checked ? " checked=\"\"" : "") disabled=\"\" /> </span>"
        out += StatusLabel.criterionBadge(status, claimedFailing: claimedFailing) + " "
        var textDone = false
        for child in node.children {
            if case .paragraph = child.kind, !textDone {
                textDone = true
                if !tight { cr(); out += "<p>" }
                out += "<span class=\"criterion-text\">"; inlines(child.children); out += "</span>"
                out += Self.anchorLink(anchor, label: "連結到此驗收條件")
                if !tight { out += "</p>\n" }
            } else {
                block(child, tight: tight)
            }
        }
        if let verdict { out += StatusLabel.attestationNote(verdict) }
        if let verdict, let criterionExtra { out += criterionExtra(verdict.criterion) }
        out += "</li>\n"
    }

    /// The criterion the loader annotated a task item with; nil on a tree it did not annotate.
    private func criterion(of node: MarkdownNode) -> Criterion? {
        guard case .criterion(let i) = node.annotation, page.criteria.indices.contains(i) else { return nil }
        return page.criteria[i]
    }

    /// The check the loader annotated a code block with; nil for any other code block.
    private func check(of node: MarkdownNode) -> CheckBlock? {
        guard case .check(let i) = node.annotation, page.checks.indices.contains(i) else { return nil }
        return page.checks[i]
    }

    /// The `#` link beside a heading or criterion: a real link, so keyboards reach it.
    static func anchorLink(_ anchor: String, label: String) -> String {
        "<a class=\"anchor\" href=\"#\(escape(anchor))\" aria-label=\"\(label)\">#</a>"
    }

    // MARK: code

    private mutating func codeBlock(_ node: MarkdownNode, info: String) {
        cr()
        if let check = check(of: node) {
            out += CheckHTML.render(check, result: checkResults[check.id], target: target)
            return
        }
        let language = MarkdownNode.language(ofInfo: info)
        if language == "mermaid" {
            // docs.js draws it when the build found Mermaid; otherwise the labelled source stays.
            out += "<figure class=\"mermaid-diagram\"><figcaption>Mermaid 圖表原始碼（建置時未安裝繪圖程式）</figcaption><pre class=\"mermaid-source\"><code class=\"language-mermaid\">\(Self.escape(node.literal))</code></pre></figure>\n"
            return
        }
        let cls = language.isEmpty ? "" : " class=\"language-\(Self.escape(language))\""
        out += "<pre><code\(cls)>\(Self.escape(node.literal))</code></pre>\n"
    }

    // MARK: tables

    /// cmark-gfm's table (style alignment, no `<tbody>` without body rows), in a scrolling wrapper.
    private mutating func table(_ node: MarkdownNode) {
        guard case .table(let alignments) = node.kind else { return }
        cr()
        out += "<div class=\"table-wrap\">\n<table>\n"
        var inBody = false
        for row in node.children {
            guard case .tableRow(let header) = row.kind else { continue }
            if header { out += "<thead>\n" } else if !inBody { out += "<tbody>\n"; inBody = true }
            out += "<tr>\n"
            for (i, cell) in row.children.enumerated() {
                let tag = header ? "th" : "td"
                let align = i < alignments.count && !alignments[i].isEmpty ? " style=\"text-align: \(alignments[i])\"" : ""
                out += "<\(tag)\(align)>"
                inlines(cell.children)
                out += "</\(tag)>\n"
            }
            out += "</tr>\n"
            if header { out += "</thead>\n" }
        }
        if inBody { out += "</tbody>\n" }
        out += "</table>\n</div>\n"
    }

    // MARK: footnotes

    private mutating func footnoteDefinition(_ node: MarkdownNode, label: String) {
        if !footnotes.sectionOpen {
            footnotes.sectionOpen = true
            out += "<section class=\"footnotes\" data-footnotes>\n<ol>\n"
        }
        out += "<li id=\"fn-\(LinkRewriter.escapeHref(label))\">\n"
        var backrefsWritten = false
        for (i, child) in node.children.enumerated() {
            if case .paragraph = child.kind, i == node.children.count - 1 {
                paragraph(child, tight: false, backrefsFor: label)
                backrefsWritten = true
            } else {
                block(child, tight: false)
            }
        }
        if !backrefsWritten { out += footnotes.backrefs(label) + "\n" }
        out += "</li>\n"
    }

    // MARK: alerts

    private mutating func alert(_ alert: Alert, _ node: MarkdownNode) {
        cr()
        out += "<div class=\"markdown-alert markdown-alert-\(alert.kind.rawValue)\" role=\"note\">\n"
        out += alert.kind.titleHTML + "\n"
        for (i, child) in node.children.enumerated() {
            if i == 0 {
                if !alert.rest.isEmpty { cr(); out += "<p>"; inlines(alert.rest); out += "</p>\n" }
            } else {
                block(child, tight: false)
            }
        }
        cr(); out += "</div>\n"
    }

    // MARK: inlines

    private mutating func inlines(_ nodes: [MarkdownNode]) {
        for node in nodes { inline(node) }
    }

    private mutating func inline(_ node: MarkdownNode) {
        switch node.kind {
        case .text: out += Self.escape(node.literal)
        case .softBreak: out += "\n"
        case .lineBreak: out += "<br />\n"
        case .code: codeSpan(node.literal)
        case .htmlInline: out += "<code class=\"raw-html\">\(Self.escape(node.literal))</code>"
        case .emphasis: wrap("em", node)
        case .strong: wrap("strong", node)
        case .strikethrough: wrap("del", node)
        case .link(let url, let title):
            out += "<a href=\"\(href(url, image: false))\"\(Self.titleAttribute(title))>"; inlines(node.children); out += "</a>"
        case .image(let url, let title):
            out += "<img src=\"\(href(url, image: true))\" alt=\"\(Self.escape(node.plainText))\"\(Self.titleAttribute(title)) />"
        case .footnoteReference(_, let ordinal):
            out += footnotes.reference(ordinal)
        case .paragraph: inlines(node.children)
        default:
            if node.children.isEmpty { out += Self.escape(node.literal) } else { inlines(node.children) }
        }
    }

    /// Dangerous schemes become `""` as in cmark's safe mode; the rest is rewritten for the site
    /// and percent-encoded as cmark does.
    private func href(_ url: String, image: Bool) -> String {
        LinkRewriter.isDangerous(url) ? "" : LinkRewriter.escapeHref(rewriteLink(url))
    }

    private static func titleAttribute(_ title: String) -> String {
        title.isEmpty ? "" : " title=\"\(escape(title))\""
    }

    private mutating func wrap(_ tag: String, _ node: MarkdownNode) {
        out += "<\(tag)>"; inlines(node.children); out += "</\(tag)>"
    }

    /// `check:ID` spans become links to the check they name.
    private mutating func codeSpan(_ literal: String) {
        let trimmed = literal.trimmingWhitespaces()
        if trimmed.hasPrefix("check:") {
            let id = String(trimmed.dropFirst(6))
            if let target = checkLink(id) {
                out += "<a class=\"check-ref\" href=\"\(HTML.escape(target))\"><code>\(Self.escape(literal))</code></a>"
                return
            }
        }
        out += "<code>\(Self.escape(literal))</code>"
    }

    /// cmark's text escaping: `&`, `<`, `>` and `"` (every attribute here is double-quoted).
    static func escape(_ text: String) -> String { HTML.escape(text, apostrophe: false) }

    /// The target the results came from, shown with each check.
    var target: String?
    /// Extra HTML after a criterion's text: its verdicts on other targets and its history (FleetSite).
    var criterionExtra: ((Criterion) -> String)?

    /// Where each check id is shown (`#check-id` or `../page.html#check-id`), from the site renderer.
    var checkLink: (String) -> String? = { _ in nil }
}

/// Footnote numbering as cmark-gfm renders it: a reference shows its definition's ordinal and
/// gets `fnref-LABEL`, `fnref-LABEL-2`, …; each definition links back to every reference.
struct Footnotes {
    /// Definition label by ordinal (definitions sit at the end of the document, in order).
    private var labels: [Int: String] = [:]
    private var referenceCount: [String: Int] = [:]
    private var seen: [Int: Int] = [:]
    var sectionOpen = false

    init() {}

    init(_ document: MarkdownNode) {
        var ordinal = 0
        for child in document.children {
            if case .footnoteDefinition(let label) = child.kind { ordinal += 1; labels[ordinal] = label }
        }
        guard ordinal > 0 else { return }
        document.walk { node in
            if case .footnoteReference(_, let n) = node.kind, let label = labels[n] { referenceCount[label, default: 0] += 1 }
        }
    }

    mutating func reference(_ ordinal: Int) -> String {
        let label = LinkRewriter.escapeHref(labels[ordinal] ?? String(ordinal))
        seen[ordinal, default: 0] += 1
        let n = seen[ordinal]!
        let id = n > 1 ? "fnref-\(label)-\(n)" : "fnref-\(label)"
        return "<sup class=\"footnote-ref\"><a href=\"#fn-\(label)\" id=\"\(id)\" data-footnote-ref>\(ordinal)</a></sup>"
    }

    func backrefs(_ rawLabel: String) -> String {
        let label = LinkRewriter.escapeHref(rawLabel)
        let count = max(1, referenceCount[rawLabel] ?? 1)
        return (1...count).map { n in
            let id = n > 1 ? "fnref-\(label)-\(n)" : "fnref-\(label)"
            let mark = n > 1 ? "↩<sup class=\"footnote-ref\">\(n)</sup>" : "↩"
            return "<a href=\"#\(id)\" class=\"footnote-backref\" data-footnote-backref aria-label=\"Back to content\">\(mark)</a>"
        }.joined(separator: " ")
    }
}
