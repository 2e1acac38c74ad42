import Foundation

/// Rewrites a page's relative links for the built site: `x.md` → `x.html`, `dir/` →
/// `dir/index.html`, query and fragment kept. Links with a scheme or starting with `#` are left
/// alone. Also the URL rules of cmark-gfm's renderer: which schemes are dropped, and how an
/// `href` is percent-encoded.
enum LinkRewriter {
    static func rewrite(_ url: String) -> String {
        guard PageExtractor.isRelative(url) else { return url }
        let cut = url.firstIndex { $0 == "#" || $0 == "?" } ?? url.endIndex
        var path = String(url[..<cut])
        if path.hasSuffix(".md") {
            path = String(path.dropLast(3)) + ".html"
        } else if path.hasSuffix("/") {
            path += "index.html"
        }
        return path + url[cut...]
    }

    /// cmark-gfm's safe-mode rule: `javascript:`, `vbscript:`, `file:` and `data:` (except
    /// `data:image/png|gif|jpeg|webp`) are dropped, any case. Unlike cmark, control characters
    /// and spaces are ignored first, as browsers ignore them in a scheme.
    static func isDangerous(_ url: String) -> Bool {
        let squeezed = String(String.UnicodeScalarView(url.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F })).lowercased()
        if squeezed.hasPrefix("javascript:") || squeezed.hasPrefix("vbscript:") || squeezed.hasPrefix("file:") { return true }
        guard squeezed.hasPrefix("data:") else { return false }
        let safeImages = ["data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"]
        return !safeImages.contains { squeezed.hasPrefix($0) }
    }

    /// Bytes cmark-gfm leaves as they are in an `href` (houdini's table): letters, digits and
    /// `-_.+!*(),%#@?=;:/$~`; `&` and `'` become entities, every other byte `%XX`.
    private static let hrefSafe: Set<UInt8> = Set("-_.+!*(),%#@?=;:/$~".utf8)
        .union(UInt8(ascii: "a")...UInt8(ascii: "z")).union(UInt8(ascii: "A")...UInt8(ascii: "Z"))
        .union(UInt8(ascii: "0")...UInt8(ascii: "9"))

    /// A URL as cmark-gfm writes it into an attribute: `/my uri` → `/my%20uri`, `/φου` →
    /// `/%CF%86%CE%BF%CF%85`, `\` → `%5C`; an existing `%XX` is kept.
    static func escapeHref(_ url: String) -> String {
        var out = ""
        out.reserveCapacity(url.utf8.count)
        for byte in url.utf8 {
            if hrefSafe.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else if byte == UInt8(ascii: "&") {
                out += "&amp;"
            } else if byte == UInt8(ascii: "'") {
                out += "&#x27;"
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// A site path (`phases/a#b.html`) as an `href`: each character that would change the URL's
    /// meaning (`#`, `?`, `%`, space, non-ASCII) percent-encoded, `/` kept. HTML-safe as is.
    static func pathHref(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            if hrefSafe.contains(byte) && byte != UInt8(ascii: "%") && byte != UInt8(ascii: "#") && byte != UInt8(ascii: "?") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// `../` repeated once per folder the page is in, so every link works from `file://`.
    static func rootPrefix(forOutputPath path: String) -> String {
        String(repeating: "../", count: path.split(separator: "/").count - 1)
    }
}

extension Page {
    /// `outputPath` as an `href`: `a#b.html` → `a%23b.html`, `e%25f.html` → `e%2525f.html`.
    var outputHref: String { LinkRewriter.pathHref(outputPath) }
}
