/// Escaping for everything that came from Markdown or from command output.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Only web, mail and relative links survive; `javascript:`, `data:`, `vbscript:` and the
    /// like become `#` (browsers ignore case, leading spaces and control characters in the scheme).
    static func safeURL(_ url: String) -> String {
        let squeezed = String(url.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }).lowercased()
        guard let colon = squeezed.firstIndex(of: ":") else { return url }
        let scheme = squeezed[..<colon]
        if scheme.contains("/") || scheme.contains("?") || scheme.contains("#") { return url }
        return ["http", "https", "mailto"].contains(String(scheme)) ? url : "#"
    }
}
