/// Escaping for everything that came from Markdown or from command output.
enum HTML {
    /// `&`, `<`, `>`, `"` and, unless `apostrophe` is false, `'`. The Markdown writer passes false:
    /// cmark-gfm leaves `'` alone, and its pages must match cmark's bytes (every attribute there is
    /// double-quoted, so `'` is safe).
    static func escape(_ text: String, apostrophe: Bool = true) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || (apostrophe && $0 == 0x27) }) else {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'" where apostrophe: out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
