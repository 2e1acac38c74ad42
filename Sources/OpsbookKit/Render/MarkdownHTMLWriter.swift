import Foundation

/// Renders a page's Markdown tree to HTML, with opsbook's additions: heading ids, criteria marked
/// with their verdicts, check blocks shown with their results, `.md` links pointing at built pages.
///
/// Why not `cmark_render_html`: every one of those additions needs a hook inside the tree walk,
/// and raw HTML must be escaped, not passed through. Walking our own `MarkdownNode` values keeps
/// the renderer free of C and lets each piece be tested alone. Everything from Markdown is
/// escaped here; nothing is written unescaped except markup this file makes.
struct MarkdownHTMLWriter {
    var page: Page
    var verdicts: [CriterionVerdict]
    var checkResults: [String: CheckResult]
    var rewriteLink: (String) -> String

    private var out = ""
    private var headingIndex = 0
    private var criterionIndex = 0
    private var checkIndex = 0

    init(page: Page, verdicts: [CriterionVerdict], checkResults: [String: CheckResult],
         rewriteLink: @escaping (String) -> String) {
        self.page = page
        self.verdicts = verdicts
        self.checkResults = checkResults
        self.rewriteLink = rewriteLink
    }

    mutating func render() -> String {
        out = ""
        for child in page.document.children { block(child, tight: false) }
        return out
    }

    private mutating func block(_ node: MarkdownNode, tight: Bool) {
        switch node.kind {
        case .paragraph:
            if tight { inlines(node.children) } else { out += "<p>"; inlines(node.children); out += "</p>\n" }
        case .heading(let level):
            let anchor = headingIndex < page.headings.count ? page.headings[headingIndex].anchor : "section"
            headingIndex += 1
            out += "<h\(level) id=\"\(HTML.escape(anchor))\">"
            inlines(node.children)
            out += "<a class=\"anchor\" href=\"#\(HTML.escape(anchor))\" aria-label=\"連結到此節\">#</a></h\(level)>\n"
        case .blockQuote:
            out += "<blockquote>\n"; children(node, tight: false); out += "</blockquote>\n"
        case .list(let ordered, let start, let isTight):
            let tag = ordered ? "ol" : "ul"
            let startAttr = ordered && start != 1 ? " start=\"\(start)\"" : ""
            let hasTasks = node.children.contains { if case .taskItem = $0.kind { return true } else { return false } }
            out += "<\(tag)\(startAttr)\(hasTasks ? " class=\"criteria\"" : "")>\n"
            for item in node.children { block(item, tight: isTight) }
            out += "</\(tag)>\n"
        case .item:
            out += "<li>"; children(node, tight: tight); out += "</li>\n"
        case .taskItem(let checked):
            criterion(node, checked: checked, tight: tight)
        case .codeBlock(let info, _):
            codeBlock(node, info: info)
        case .htmlBlock:
            out += "<pre class=\"raw-html\" title=\"raw HTML is shown, not run\"><code>\(HTML.escape(node.literal))</code></pre>\n"
        case .thematicBreak:
            out += "<hr>\n"
        case .table:
            table(node)
        case .footnoteDefinition:
            out += "<div class=\"footnote\">"; children(node, tight: false); out += "</div>\n"
        default:
            inlines([node])
        }
    }

    private mutating func children(_ node: MarkdownNode, tight: Bool) {
        for child in node.children { block(child, tight: tight) }
    }

    // MARK: criteria

    private mutating func criterion(_ node: MarkdownNode, checked: Bool, tight: Bool) {
        let verdict = criterionIndex < verdicts.count ? verdicts[criterionIndex] : nil
        criterionIndex += 1
        let status = verdict?.status ?? .notRun
        let claimedFailing = verdict?.isClaimedFailing ?? false
        let anchor = verdict?.criterion.anchor ?? "criterion-\(node.position?.line ?? 0)"
        out += "<li class=\"criterion\" id=\"\(anchor)\" data-status=\"\(status.rawValue)\"\(claimedFailing ? " data-claimed-failing" : "")>"
        out += "<span class=\"claim\" title=\"作者的勾選是宣稱，不是判定\"><input type=\"checkbox\" disabled\(checked ? " checked" : "")> </span>"
        out += StatusLabel.criterionBadge(status, claimedFailing: claimedFailing)
        out += " <span class=\"criterion-text\">"
        var first = true
        for child in node.children {
            if case .paragraph = child.kind, first {
                inlines(child.children)
                first = false
                out += "</span>"
            } else {
                if first { out += "</span>"; first = false }
                block(child, tight: tight)
            }
        }
        if first { out += "</span>" }
        if let verdict { out += StatusLabel.attestationNote(verdict) }
        out += "</li>\n"
    }

    // MARK: code

    private mutating func codeBlock(_ node: MarkdownNode, info: String) {
        if CheckInfoParser.isCheck(info) {
            let check = checkIndex < page.checks.count ? page.checks[checkIndex] : nil
            checkIndex += 1
            if let check {
                out += CheckHTML.render(check, result: checkResults[check.id], target: target)
                return
            }
        }
        let language = info.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? ""
        if language == "mermaid" {
            out += "<figure class=\"mermaid-source\"><figcaption>Mermaid 圖表原始碼（離線網站不載入繪圖程式）</figcaption><pre><code class=\"language-mermaid\">\(HTML.escape(node.literal))</code></pre></figure>\n"
            return
        }
        let cls = language.isEmpty ? "" : " class=\"language-\(HTML.escape(language))\""
        out += "<pre><code\(cls)>\(HTML.escape(node.literal))</code></pre>\n"
    }

    // MARK: tables

    private mutating func table(_ node: MarkdownNode) {
        guard case .table(let alignments) = node.kind else { return }
        out += "<div class=\"table-wrap\"><table>\n"
        for row in node.children {
            guard case .tableRow(let header) = row.kind else { continue }
            out += header ? "<thead><tr>" : "<tr>"
            for (i, cell) in row.children.enumerated() {
                let tag = header ? "th" : "td"
                let align = i < alignments.count && !alignments[i].isEmpty ? " style=\"text-align:\(alignments[i])\"" : ""
                out += "<\(tag)\(align)>"
                inlines(cell.children)
                out += "</\(tag)>"
            }
            out += header ? "</tr></thead>\n<tbody>\n" : "</tr>\n"
        }
        out += "</tbody></table></div>\n"
    }

    // MARK: inlines

    private mutating func inlines(_ nodes: [MarkdownNode]) {
        for node in nodes { inline(node) }
    }

    private mutating func inline(_ node: MarkdownNode) {
        switch node.kind {
        case .text: out += HTML.escape(node.literal)
        case .softBreak: out += "\n"
        case .lineBreak: out += "<br>\n"
        case .code: codeSpan(node.literal)
        case .htmlInline: out += "<code class=\"raw-html\">\(HTML.escape(node.literal))</code>"
        case .emphasis: wrap("em", node)
        case .strong: wrap("strong", node)
        case .strikethrough: wrap("del", node)
        case .link(let url, let title):
            let href = HTML.escape(rewriteLink(HTML.safeURL(url)))
            let titleAttr = title.isEmpty ? "" : " title=\"\(HTML.escape(title))\""
            out += "<a href=\"\(href)\"\(titleAttr)>"; inlines(node.children); out += "</a>"
        case .image(let url, let title):
            let alt = HTML.escape(node.plainText)
            let titleAttr = title.isEmpty ? "" : " title=\"\(HTML.escape(title))\""
            out += "<img src=\"\(HTML.escape(rewriteLink(HTML.safeURL(url))))\" alt=\"\(alt)\"\(titleAttr)>"
        case .footnoteReference: out += "<sup>\(HTML.escape(node.literal))</sup>"
        case .paragraph: inlines(node.children)
        default:
            if node.children.isEmpty { out += HTML.escape(node.literal) } else { inlines(node.children) }
        }
    }

    private mutating func wrap(_ tag: String, _ node: MarkdownNode) {
        out += "<\(tag)>"; inlines(node.children); out += "</\(tag)>"
    }

    /// `check:ID` spans become links to the check they name.
    private mutating func codeSpan(_ literal: String) {
        let trimmed = literal.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("check:") {
            let id = String(trimmed.dropFirst(6))
            if let target = checkLink(id) {
                out += "<a class=\"check-ref\" href=\"\(HTML.escape(target))\"><code>\(HTML.escape(literal))</code></a>"
                return
            }
        }
        out += "<code>\(HTML.escape(literal))</code>"
    }

    /// The target the results came from, shown with each check.
    var target: String?

    /// Where each check id is shown (`#check-id` or `../page.html#check-id`), from the site renderer.
    var checkLink: (String) -> String? = { _ in nil }
}
