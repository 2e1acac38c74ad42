/// A Markdown node as Swift data: what cmark-gfm parsed, with no C pointers left in it.
/// `position` is nil when cmark reported none (it does not for most inline nodes).
public struct MarkdownNode: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case document, blockQuote, list(ordered: Bool, start: Int, tight: Bool), item, taskItem(checked: Bool)
        case codeBlock(info: String, fenced: Bool), htmlBlock, paragraph, heading(level: Int), thematicBreak
        case table(alignments: [String]), tableRow(header: Bool), tableCell
        case text, softBreak, lineBreak, code, htmlInline, emphasis, strong, strikethrough
        case link(url: String, title: String), image(url: String, title: String)
        /// `[^label]`; `ordinal` is its definition's number in the page (1, 2, …) as cmark counts.
        case footnoteReference(label: String, ordinal: Int)
        /// `[^label]: …`; cmark moves every referenced definition to the end of the document, in
        /// order of first reference, and drops unreferenced ones.
        case footnoteDefinition(label: String)
        /// A node type this version of opsbook does not know; rendered as its plain text.
        case unknown(String)
    }

    /// What the loader found a node to be, for the renderer to read instead of counting: the
    /// two stages meet on the node itself, so they cannot drift apart (docs/design.md, "The
    /// annotated model"). Set by `PageExtractor`; nil on every other node.
    public enum Annotation: Hashable, Sendable {
        /// A heading's element id.
        case anchor(String)
        /// A task item: its index in `Page.criteria`.
        case criterion(Int)
        /// A `check` code block: its index in `Page.checks`.
        case check(Int)
    }

    public var kind: Kind
    public var annotation: Annotation?
    public var literal: String
    public var position: SourcePosition?
    public var endLine: Int?
    public var children: [MarkdownNode]

    public init(kind: Kind, literal: String = "", position: SourcePosition? = nil, endLine: Int? = nil,
                children: [MarkdownNode] = []) {
        self.kind = kind
        self.literal = literal
        self.position = position
        self.endLine = endLine
        self.children = children
    }

    /// The text a reader sees, without markup: used for titles, anchors and criterion text.
    public var plainText: String {
        switch kind {
        case .text, .code, .htmlInline: return literal
        case .softBreak, .lineBreak: return " "
        case .list, .codeBlock, .htmlBlock: return ""
        default: return children.map(\.plainText).joined()
        }
    }

    /// A code block's language: the first word of its info string (`mermaid`, `bash`, or "").
    public static func language(ofInfo info: String) -> String {
        info.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.map(String.init) ?? ""
    }

    /// Depth-first, parents before children.
    public func walk(_ visit: (MarkdownNode) -> Void) {
        visit(self)
        for child in children { child.walk(visit) }
    }
}
