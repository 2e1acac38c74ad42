import Foundation

/// Writes the site's search index, `search-index.js`: every rendered page's text, as a script
/// that assigns one global. A `<script>` tag loads from `file://` where `fetch` may not, so search
/// works from a laptop with no server (docs/search.md says why plain text and no token index).
///
/// Reads the rendered site and nothing else, so what is searched is what the reader sees.
public struct SearchIndexer: Sendable {
    public static let fileName = "search-index.js"
    public static let globalName = "OPSBOOK_SEARCH_INDEX"
    /// Pages made for finding things, not for reading: a search that finds itself helps nobody.
    static let notIndexed: Set<String> = ["search.html", "404.html"]

    public struct Report: Sendable {
        public var pages: Int
        public var bytes: Int
    }

    public init() {}

    public func index(_ site: URL) throws -> Report {
        let pages = try entries(site)
        let script = try Self.script(pages)
        try PlainFile.write(script, to: site.appendingPathComponent(Self.fileName))
        return Report(pages: pages.count, bytes: script.utf8.count)
    }

    /// Pages are read and their text extracted on every core; the index keeps the files' sorted
    /// order, and the first error in that order is the one reported.
    private static func extract(_ files: [String], in site: URL) throws -> [PageText] {
        try files.concurrentMap { file in
            Result<PageText?, any Error> {
                let html = try String(contentsOf: site.appendingPathComponent(file), encoding: .utf8)
                return PageTextExtractor.extract(html: html, url: file)
            }
        }.compactMap { try $0.get() }
    }

    /// Every indexed page's text, in the index's order (what `index` writes).
    func entries(_ site: URL) throws -> [PageText] {
        try Self.extract(htmlFiles(in: site), in: site)
    }

    /// Whether a site file is in the index: every `.html` but the assets and `notIndexed`.
    static func isIndexed(_ relative: String) -> Bool {
        relative.hasSuffix(".html") && !relative.hasPrefix("assets/") && !notIndexed.contains(relative)
    }

    static func script(_ pages: [PageText]) throws -> String {
        String(decoding: script(encoded: try pages.map(encode)), as: UTF8.self)
    }

    /// One page's entry as it appears in the index.
    static func encode(_ page: PageText) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return try encoder.encode(page)
    }

    /// `window.NAME = {"pages":[…],"version":1};` from entries already encoded: `serve` keeps
    /// each page's entry and re-encodes only the pages it rewrote (a thousand pages' entries
    /// encoded again took longer than the rest of a one-page update). The object is what
    /// JSONEncoder writes for `{version, pages}` with sorted keys.
    static func script(encoded entries: [Data]) -> Data {
        var out = Data("window.\(globalName) = {\"pages\":[".utf8)
        for (i, entry) in entries.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(entry)
        }
        out.append(contentsOf: Array("],\"version\":1};\n".utf8))
        return out
    }

    /// Site-relative paths of the pages, sorted so the index is the same from build to build.
    private func htmlFiles(in site: URL) throws -> [String] {
        let root = site.standardizedFileURL.path
        guard let e = FileManager.default.enumerator(atPath: root) else { return [] }
        var out: [String] = []
        for case let relative as String in e where Self.isIndexed(relative) {
            out.append(relative)
        }
        return out.sorted()
    }
}
