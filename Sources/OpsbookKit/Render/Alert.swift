import Foundation

/// A GitHub alert (contract §1): a block quote whose first line is `[!NOTE]`, `[!TIP]`,
/// `[!IMPORTANT]`, `[!WARNING]` or `[!CAUTION]` (any case, alone on its line), rendered as a
/// call-out with an icon and the kind's word. The marker line itself is not shown.
struct Alert {
    enum Kind: String, CaseIterable {
        case note, tip, important, warning, caution

        /// The site's language is zh-Hant (docs/design.md, "GitHub alerts").
        var word: String {
            switch self {
            case .note: return "注意"
            case .tip: return "提示"
            case .important: return "重要"
            case .warning: return "警告"
            case .caution: return "小心"
            }
        }

        /// A 16×16 outline icon drawn in the text colour; hidden from screen readers, which read the word.
        var icon: String {
            let shape: String
            switch self {
            case .note: shape = "<circle cx=\"8\" cy=\"8\" r=\"6.5\"/><path d=\"M8 7v4.5M8 4.5v.5\"/>"
            case .tip: shape = "<path d=\"M5.5 10.5a4.5 4.5 0 1 1 5 0V12h-5z\"/><path d=\"M6 14.5h4\"/>"
            case .important: shape = "<path d=\"M2 2.5h12v8.5H8l-3 3v-3H2z\"/><path d=\"M8 4.5v3.5M8 9.5v.5\"/>"
            case .warning: shape = "<path d=\"M8 1.8 14.8 14H1.2z\"/><path d=\"M8 6v4M8 11.8v.4\"/>"
            case .caution: shape = "<path d=\"M5.3 1.5h5.4l3.8 3.8v5.4l-3.8 3.8H5.3l-3.8-3.8V5.3z\"/><path d=\"M8 4.5v4M8 10.8v.4\"/>"
            }
            return "<svg class=\"markdown-alert-icon\" viewBox=\"0 0 16 16\" width=\"16\" height=\"16\" aria-hidden=\"true\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\(shape)</svg>"
        }

        var titleHTML: String { "<p class=\"markdown-alert-title\">\(icon)\(word)</p>" }
    }

    var kind: Kind
    /// The first paragraph's inlines after the marker line (possibly none).
    var rest: [MarkdownNode]

    /// The alert a block quote is, or nil for a plain block quote.
    init?(_ quote: MarkdownNode) {
        guard case .blockQuote = quote.kind, let first = quote.children.first, case .paragraph = first.kind else { return nil }
        var marker = ""
        var index = 0
        while index < first.children.count {
            let node = first.children[index]
            if case .text = node.kind { marker += node.literal; index += 1 } else { break }
        }
        marker = marker.trimmingWhitespaces()
        guard marker.hasPrefix("[!"), marker.hasSuffix("]"),
              let kind = Kind(rawValue: String(marker.dropFirst(2).dropLast()).lowercased()) else { return nil }
        // The marker must end its line: what follows is a line break or nothing.
        if index < first.children.count {
            switch first.children[index].kind {
            case .softBreak, .lineBreak: index += 1
            default: return nil
            }
        }
        self.kind = kind
        self.rest = Array(first.children[index...])
    }
}
