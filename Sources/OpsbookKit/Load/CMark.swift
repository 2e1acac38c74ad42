import CCmarkGFM
import Foundation

/// The only file that talks to cmark-gfm. What leaves it is `MarkdownNode` values: no pointers,
/// no cmark enums. Every free is in a `defer`.
///
/// Quirks recorded here (libcmark-gfm 0.29.0.gfm.6, Debian):
/// - Core node kinds are told apart by their `cmark_node_type` value; the extensions' kinds
///   (table, tasklist, strikethrough) have run-time values and are told apart by their type
///   string. Footnote nodes report `<unknown>` as their string, so they must go by value.
/// - A footnote reference's literal is its definition's ordinal ("2"), not its label, and a
///   definition has no literal at all: both labels are read back from the source at the
///   nodes' positions.
/// - cmark-gfm's parse is not thread-safe: the inline parser's table of special characters is
///   a process-wide array that every parse of a document with extensions sets and clears again
///   (`cmark_manage_extensions_special_characters`, around inline parsing), so a parse on one
///   thread can end another's strikethrough mid-document. The C parse (feed and finish) takes
///   `lock`; turning cmark's tree into `MarkdownNode`s, the larger part, runs outside it, each
///   thread on its own tree. Extensions are registered once, before the first parse.
/// - cmark gives positions for blocks and for most inline nodes, not all; a missing one is nil,
///   never invented.
/// - The caller blanks out front matter lines instead of cutting them, so cmark's line numbers
///   are already the file's.
/// - cmark's own tree is walked recursively only down to `maxDepth`; deeper content (30 000
///   nested list items, 100 000 `>`) becomes plain text with a warning, so no input can
///   overflow the stack of the C-to-Swift conversion or of any later recursive walk.
enum CMark {
    private static let lock = NSLock()
    /// `cmark_gfm_core_extensions_ensure_registered` adds to a global list: once per process
    /// (a `static let` initialiser runs exactly once, whichever thread gets here first).
    private static let registered: Void = cmark_gfm_core_extensions_ensure_registered()
    static let extensionNames = ["table", "strikethrough", "tasklist", "autolink", "tagfilter"]
    /// Parse options. Table cells' alignment as `style=` (the `align` attribute is obsolete HTML).
    static let options: Int32 = CMARK_OPT_SOURCEPOS | CMARK_OPT_FOOTNOTES | CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES
    /// Deeper nodes are flattened to text. Real handbooks nest a few levels (a list item is two:
    /// the list and the item); 500 is far above
    /// any of them, and the recursive walks (conversion, extraction, rendering, `Hashable`,
    /// deallocation) stay within half of a Linux thread's 8 MiB stack even in a debug build
    /// (DeepNestingTests). About 4 KiB of stack per level in debug builds; far less optimised.
    static let maxDepth = 500

    static func parse(_ text: String, path: String) -> MarkdownNode {
        parseReporting(text, path: path).document
    }

    /// The tree, and a warning when it was cut at `maxDepth`.
    static func parseReporting(_ text: String, path: String) -> (document: MarkdownNode, problems: [Diagnostic]) {
        withTree(text) { root in
            var converter = Converter(path: path, text: text)
            let document = converter.convert(root, depth: 0)
            let problems = converter.cutAt.map {
                [Diagnostic.warning("markdown.too-deep", "Markdown nested deeper than \(maxDepth) levels; what is nested deeper is shown as plain text", at: $0)]
            } ?? []
            return (document, problems)
        } ?? (MarkdownNode(kind: .document), [])
    }

    /// cmark-gfm's own HTML for `text`, parsed with the same options and extensions as `parse`
    /// (rendered without `data-sourcepos`): the test oracle for `MarkdownHTMLWriter`. Safe mode,
    /// so raw HTML is omitted and dangerous URLs are dropped, as cmark does by default.
    static func renderHTML(_ text: String) -> String {
        withDocument(text) { root, parser in
            guard let html = cmark_render_html(root, options & ~CMARK_OPT_SOURCEPOS,
                                               cmark_parser_get_syntax_extensions(parser)) else { return "" }
            defer { free(html) }
            return String(cString: html)
        } ?? ""
    }

    /// Parses under `lock`, then hands `body` the tree outside it: the tree is this thread's own.
    private static func withTree<T>(_ text: String, _ body: (OpaquePointer) -> T) -> T? {
        guard let root = lock.withLock({ withParser(text) { parser, root in root } }) else { return nil }
        defer { cmark_node_free(root) }
        return body(root)
    }

    /// The document and the parser that made it, all under `lock` (rendering reads the parser's
    /// extensions). `body` must take ownership of the root or leave it to be freed.
    private static func withDocument<T>(_ text: String, _ body: (OpaquePointer, OpaquePointer) -> T) -> T? {
        lock.withLock {
            withParser(text) { parser, root in
                defer { cmark_node_free(root) }
                return body(root, parser)
            }
        }
    }

    /// Caller holds `lock`. `body` gets the parser and the finished document's root, which
    /// outlives the parser: `body` frees it or returns it.
    private static func withParser<T>(_ text: String, _ body: (OpaquePointer, OpaquePointer) -> T) -> T? {
        _ = registered
        guard let parser = cmark_parser_new(options) else { return nil }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let ext = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, ext)
            }
        }
        // The text holds no NUL (SourceFile shows them as U+FFFD), so its UTF-8 is fed whole.
        var text = text
        text.withUTF8 { cmark_parser_feed(parser, $0.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, $0.count) }
        guard let root = cmark_parser_finish(parser) else { return nil }
        return body(parser, root)
    }

    /// The page's bytes by line, to read footnote labels cmark does not hand out.
    struct SourceBytes {
        var lines: [ArraySlice<UInt8>]

        init(_ text: String) {
            lines = Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        }

        /// Bytes of `line` from 1-based byte column `from` through `through` (inclusive).
        func slice(line: Int, from: Int, through: Int) -> String {
            guard line >= 1, line <= lines.count else { return "" }
            let l = lines[line - 1]
            let start = min(l.endIndex, l.startIndex + max(0, from - 1))
            let end = min(l.endIndex, max(start, l.startIndex + through))
            return String(decoding: l[start..<end], as: UTF8.self)
        }
    }

    private struct Converter {
        var path: String
        var text: String
        /// Split into lines only when a footnote needs its label read back: most pages have none.
        private var lines: SourceBytes?

        init(path: String, text: String) {
            self.path = path
            self.text = text
        }

        private mutating func source() -> SourceBytes {
            if let lines { return lines }
            let made = SourceBytes(text)
            lines = made
            return made
        }
        /// Where the tree was first cut at `maxDepth`.
        var cutAt: SourcePosition?
        /// Footnote labels by ordinal, as the first reference spells them (fallback for a
        /// definition whose own label cannot be read back).
        var refLabels: [Int: String] = [:]
        var definitions = 0

        mutating func convert(_ node: OpaquePointer, depth: Int) -> MarkdownNode {
            let position = self.position(node)
            let endLine = Int(cmark_node_get_end_line(node))
            if depth >= CMark.maxDepth {
                if cutAt == nil { cutAt = position }
                return flattened(node, position: position)
            }
            let kind = self.kind(of: node, position: position)
            var children: [MarkdownNode] = []
            var child = cmark_node_first_child(node)
            while let c = child {
                children.append(convert(c, depth: depth + 1))
                child = cmark_node_next(c)
            }
            return MarkdownNode(kind: kind, literal: string(cmark_node_get_literal(node)),
                                position: position, endLine: endLine > 0 ? endLine : nil, children: children)
        }

        private func position(_ node: OpaquePointer) -> SourcePosition? {
            let line = Int(cmark_node_get_start_line(node))
            return line > 0
                ? SourcePosition(path: path, line: line, column: max(1, Int(cmark_node_get_start_column(node))))
                : nil
        }

        /// A subtree past `maxDepth` as one text node (in a paragraph, if it is a block), read with
        /// cmark's own iterator, which does not recurse.
        private func flattened(_ node: OpaquePointer, position: SourcePosition?) -> MarkdownNode {
            var text = ""
            guard let iter = cmark_iter_new(node) else { return MarkdownNode(kind: .text) }
            defer { cmark_iter_free(iter) }
            while case let event = cmark_iter_next(iter), event != CMARK_EVENT_DONE {
                guard event == CMARK_EVENT_ENTER, let n = cmark_iter_get_node(iter) else { continue }
                switch cmark_node_get_type(n) {
                case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: text += " "
                default: if let l = cmark_node_get_literal(n) { text += String(cString: l) }
                }
            }
            let leaf = MarkdownNode(kind: .text, literal: text, position: position)
            let isBlock = cmark_node_get_type(node).rawValue & 0xC000 == 0x8000  // CMARK_NODE_TYPE_BLOCK
            return isBlock ? MarkdownNode(kind: .paragraph, position: position, children: [leaf]) : leaf
        }

        private mutating func kind(of node: OpaquePointer, position: SourcePosition?) -> MarkdownNode.Kind {
            switch cmark_node_get_type(node) {
            case CMARK_NODE_DOCUMENT: return .document
            case CMARK_NODE_BLOCK_QUOTE: return .blockQuote
            case CMARK_NODE_LIST:
                return .list(ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
                             start: Int(cmark_node_get_list_start(node)), tight: cmark_node_get_list_tight(node) != 0)
            case CMARK_NODE_ITEM:
                // A task item is an item whose syntax extension is `tasklist`; only the string says so.
                return string(cmark_node_get_type_string(node)) == "tasklist"
                    ? .taskItem(checked: cmark_gfm_extensions_get_tasklist_item_checked(node)) : .item
            case CMARK_NODE_CODE_BLOCK: return codeBlock(node)
            case CMARK_NODE_HTML_BLOCK: return .htmlBlock
            case CMARK_NODE_PARAGRAPH: return .paragraph
            case CMARK_NODE_HEADING: return .heading(level: Int(cmark_node_get_heading_level(node)))
            case CMARK_NODE_THEMATIC_BREAK: return .thematicBreak
            case CMARK_NODE_FOOTNOTE_DEFINITION:
                definitions += 1
                return .footnoteDefinition(label: definitionLabel(position, in: source()) ?? refLabels[definitions] ?? String(definitions))
            case CMARK_NODE_TEXT: return .text
            case CMARK_NODE_SOFTBREAK: return .softBreak
            case CMARK_NODE_LINEBREAK: return .lineBreak
            case CMARK_NODE_CODE: return .code
            case CMARK_NODE_HTML_INLINE: return .htmlInline
            case CMARK_NODE_EMPH: return .emphasis
            case CMARK_NODE_STRONG: return .strong
            case CMARK_NODE_LINK: return .link(url: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)))
            case CMARK_NODE_IMAGE: return .image(url: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)))
            case CMARK_NODE_FOOTNOTE_REFERENCE:
                let ordinal = Int(string(cmark_node_get_literal(node))) ?? 0
                let label = referenceLabel(node, in: source()) ?? String(ordinal)
                if refLabels[ordinal] == nil { refLabels[ordinal] = label }
                return .footnoteReference(label: label, ordinal: ordinal)
            default:
                return extensionKind(node)
            }
        }

        private func extensionKind(_ node: OpaquePointer) -> MarkdownNode.Kind {
            let type = string(cmark_node_get_type_string(node))
            switch type {
            case "table": return .table(alignments: alignments(node))
            case "table_header": return .tableRow(header: true)
            case "table_row": return .tableRow(header: false)
            case "table_cell": return .tableCell
            case "strikethrough": return .strikethrough
            default: return .unknown(type)
            }
        }

        /// `[^label]` at the reference's own span.
        private func referenceLabel(_ node: OpaquePointer, in source: SourceBytes) -> String? {
            let line = Int(cmark_node_get_start_line(node))
            guard line > 0, Int(cmark_node_get_end_line(node)) == line else { return nil }
            let span = source.slice(line: line, from: Int(cmark_node_get_start_column(node)),
                                    through: Int(cmark_node_get_end_column(node)))
            guard span.hasPrefix("[^"), span.hasSuffix("]"), span.count > 3 else { return nil }
            return String(span.dropFirst(2).dropLast())
        }

        /// `[^label]:` before the definition's content on its first line.
        private func definitionLabel(_ position: SourcePosition?, in source: SourceBytes) -> String? {
            guard let position else { return nil }
            let before = source.slice(line: position.line, from: 1, through: max(0, position.column - 1))
            guard let open = before.range(of: "[^", options: .backwards),
                  let close = before.range(of: "]:", range: open.upperBound..<before.endIndex) else { return nil }
            let label = before[open.upperBound..<close.lowerBound]
            return label.isEmpty ? nil : String(label)
        }

        private func codeBlock(_ node: OpaquePointer) -> MarkdownNode.Kind {
            var length: Int32 = 0, offset: Int32 = 0
            var char: CChar = 0
            let fenced = cmark_node_get_fenced(node, &length, &offset, &char) != 0
            return .codeBlock(info: string(cmark_node_get_fence_info(node)), fenced: fenced)
        }

        private func alignments(_ node: OpaquePointer) -> [String] {
            let count = Int(cmark_gfm_extensions_get_table_columns(node))
            guard count > 0, let raw = cmark_gfm_extensions_get_table_alignments(node) else { return [] }
            return (0..<count).map {
                switch raw[$0] {
                case UInt8(ascii: "l"): return "left"
                case UInt8(ascii: "c"): return "center"
                case UInt8(ascii: "r"): return "right"
                default: return ""
                }
            }
        }
    }

}

private func string(_ p: UnsafePointer<CChar>?) -> String {
    p.map { String(cString: $0) } ?? ""
}
