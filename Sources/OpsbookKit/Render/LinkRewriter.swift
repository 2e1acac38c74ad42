import Foundation

/// Rewrites a page's relative links for the built site: `x.md` → `x.html`, `dir/` →
/// `dir/index.html`, fragments kept. Links with a scheme or starting with `#` are left alone.
enum LinkRewriter {
    static func rewrite(_ url: String) -> String {
        guard PageExtractor.isRelative(url) else { return url }
        var path = url
        var fragment = ""
        if let hash = url.firstIndex(of: "#") {
            path = String(url[..<hash])
            fragment = String(url[hash...])
        }
        if path.hasSuffix(".md") {
            path = String(path.dropLast(3)) + ".html"
        } else if path.hasSuffix("/") {
            path += "index.html"
        }
        return path + fragment
    }

    /// `../` repeated once per folder the page is in, so every link works from `file://`.
    static func rootPrefix(forOutputPath path: String) -> String {
        String(repeating: "../", count: path.split(separator: "/").count - 1)
    }
}
