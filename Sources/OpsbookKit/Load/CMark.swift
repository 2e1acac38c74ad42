import CCmarkGFM
import Foundation

/// The only file that talks to cmark-gfm. What leaves it is `MarkdownNode` values: no pointers,
/// no cmark enums. Every free is in a `defer`.
///
/// Quirks recorded here:
/// - Node kinds are told apart by their type *string*: a task item and a plain item share
///   `CMARK_NODE_ITEM`; only the string says `tasklist`.
/// - Parsing is not thread-safe across threads (extension registration and the shared
///   arena are global), so every parse takes `lock`.
/// - cmark gives positions for blocks; most inline nodes have none, and we say so (nil) rather
///   than invent one.
/// - The caller blanks out front matter lines instead of cutting them, so cmark's line numbers
///   are already the file's.
enum CMark {
    private static let lock = NSLock()
    static let extensionNames = ["table", "strikethrough", "tasklist", "autolink", "tagfilter"]

    static func parse(_ text: String, path: String) -> MarkdownNode {
        lock.lock()
        defer { lock.unlock() }
        cmark_gfm_core_extensions_ensure_registered()
        guard let parser = cmark_parser_new(CMARK_OPT_SOURCEPOS | CMARK_OPT_FOOTNOTES) else {
            return MarkdownNode(kind: .document)
        }
        defer { cmark_parser_free(parser) }
        for name in extensionNames {
            if let ext = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, ext)
            }
        }
        text.withCString { cmark_parser_feed(parser, $0, strlen($0)) }
        guard let root = cmark_parser_finish(parser) else { return MarkdownNode(kind: .document) }
        defer { cmark_node_free(root) }
        return convert(root, path: path)
    }

    private static func convert(_ node: OpaquePointer, path: String) -> MarkdownNode {
        var children: [MarkdownNode] = []
        var child = cmark_node_first_child(node)
        while let c = child {
            children.append(convert(c, path: path))
            child = cmark_node_next(c)
        }
        let line = Int(cmark_node_get_start_line(node))
        let position = line > 0
            ? SourcePosition(path: path, line: line, column: max(1, Int(cmark_node_get_start_column(node))))
            : nil
        let endLine = Int(cmark_node_get_end_line(node))
        return MarkdownNode(kind: kind(of: node), literal: string(cmark_node_get_literal(node)),
                            position: position, endLine: endLine > 0 ? endLine : nil, children: children)
    }

    private static func kind(of node: OpaquePointer) -> MarkdownNode.Kind {
        let type = string(cmark_node_get_type_string(node))
        switch type {
        case "document": return .document
        case "block_quote": return .blockQuote
        case "list":
            return .list(ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
                         start: Int(cmark_node_get_list_start(node)), tight: cmark_node_get_list_tight(node) != 0)
        case "item": return .item
        case "tasklist": return .taskItem(checked: cmark_gfm_extensions_get_tasklist_item_checked(node))
        case "code_block": return codeBlock(node)
        case "html_block": return .htmlBlock
        case "paragraph": return .paragraph
        case "heading": return .heading(level: Int(cmark_node_get_heading_level(node)))
        case "thematic_break": return .thematicBreak
        case "table": return .table(alignments: alignments(node))
        case "table_header": return .tableRow(header: true)
        case "table_row": return .tableRow(header: false)
        case "table_cell": return .tableCell
        case "text": return .text
        case "softbreak": return .softBreak
        case "linebreak": return .lineBreak
        case "code": return .code
        case "html_inline": return .htmlInline
        case "emph": return .emphasis
        case "strong": return .strong
        case "strikethrough": return .strikethrough
        case "link": return .link(url: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)))
        case "image": return .image(url: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)))
        case "footnote_reference": return .footnoteReference
        case "footnote_definition": return .footnoteDefinition
        default: return .unknown(type)
        }
    }

    private static func codeBlock(_ node: OpaquePointer) -> MarkdownNode.Kind {
        var length: Int32 = 0, offset: Int32 = 0
        var char: CChar = 0
        let fenced = cmark_node_get_fenced(node, &length, &offset, &char) != 0
        return .codeBlock(info: string(cmark_node_get_fence_info(node)), fenced: fenced)
    }

    private static func alignments(_ node: OpaquePointer) -> [String] {
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

    private static func string(_ p: UnsafePointer<CChar>?) -> String {
        p.map { String(cString: $0) } ?? ""
    }
}
