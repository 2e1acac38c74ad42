import Foundation

/// What a served site was made from, and what of it an update needs to redo its part: the
/// handbook and verdicts, the theme, the search index's entries and the results file's bytes.
struct RenderedSite: Sendable {
    var handbook: Handbook
    var results: Results
    var today: Day
    var theme: Theme
    var vendor: VendorAssets
    /// The search index's entries by site path, encoded; nil when the site has no search index.
    var search: [String: Data]?
    var resultsJSON: Data
    /// The check ids each page names, by page path: its own blocks and its `check:ID` spans.
    /// A page shows each such check's verdict or links to where it is.
    var references: [String: Set<String>]

    /// Reads what a full build just wrote into `site`, with the theme and libraries it used.
    init(handbook: Handbook, results: Results, theme: Theme, vendor: VendorAssets, site: URL, search: Bool) throws {
        self.handbook = handbook
        self.results = results
        today = Day.today()
        self.theme = theme
        self.vendor = vendor
        self.search = search
            ? Dictionary(try SearchIndexer().entries(site).map { ($0.url, try SearchIndexer.encode($0)) }, uniquingKeysWith: { a, _ in a })
            : nil
        resultsJSON = (try? PlainFile.read(site.appendingPathComponent("results.json"))) ?? Data()
        references = Dictionary(handbook.pages.map { ($0.path, Self.checkReferences($0)) }, uniquingKeysWith: { a, _ in a })
    }

    /// The same site for a changed handbook (`reloaded` pages read again), not yet written.
    func replacing(_ handbook: Handbook, results: Results, reloaded: Set<String>) -> RenderedSite {
        var next = self
        next.handbook = handbook
        next.results = results
        for path in reloaded { next.references[path] = handbook.page(at: path).map(Self.checkReferences) }
        // The first diagram (or the last one gone) brings or drops the Mermaid library.
        if handbook.drawsDiagrams != self.handbook.drawsDiagrams {
            next.vendor = VendorAssets.installed(diagrams: handbook.drawsDiagrams)
        }
        return next
    }

    // MARK: Writing

    /// Writes what differs between `old` and this site into `live`; returns the site paths
    /// written or removed. The pages: every one when something every page shows changed
    /// (`SiteWide`), otherwise the reloaded pages and those showing a verdict or check link
    /// that changed. Always the dashboard (and `index.html` when it is the dashboard); the
    /// results file when its bytes changed; the search index's changed entries.
    mutating func write(changedFrom old: RenderedSite, reloaded: Set<String>, files: Set<String>, root: URL,
                        into live: LiveSiteFolder) throws -> [String] {
        let context = SiteContext(handbook: handbook, results: results, today: today)
        let renderer = SiteRenderer(theme: theme, today: today, vendor: vendor)
        let everything = SiteWide(old) != SiteWide(self)
        var written: Set<String> = []
        var texts: [String: String] = [:]
        // Pages gone first: `index.html` may become the dashboard below.
        let present = Set(handbook.pages.map(\.outputPath))
        for page in old.handbook.pages where !present.contains(page.outputPath) {
            try live.remove(page.outputPath)
            written.insert(page.outputPath)
            search?[page.outputPath] = nil
        }
        let indexed = search != nil
        let entries = Locked<[String: Data?]>([:])
        try renderer.renderPages(everything ? Array(handbook.pages.indices) : affected(since: old, reloaded: reloaded),
                                 context: context) { path, html in
            try live.replace(html, at: path)
            let entry = indexed ? try Self.entry(html, path) : nil
            entries.withLock { $0[path] = entry }
        }
        written.formUnion(entries.withLock { $0.keys })
        for (path, html) in try (everything ? renderer.chromePages(context) : []) + renderer.dashboardPages(context) {
            try live.replace(html, at: path)
            texts[path] = html
        }
        let json = try ResultsFile.json(results)
        if json != resultsJSON {
            try live.replace(json, at: "results.json")
            resultsJSON = json
            written.insert("results.json")
        }
        try copy(files, from: root.appendingPathComponent("content"), into: live, texts: &texts)
        if vendor.libraries != old.vendor.libraries {
            written.formUnion(try replaceVendor(old.vendor, in: live))
        }
        written.formUnion(texts.keys)
        written.formUnion(files)
        if search != nil {
            for (path, entry) in entries.withLock({ $0 }) { search?[path] = entry }
            for (path, html) in texts where SearchIndexer.isIndexed(path) { search?[path] = try Self.entry(html, path) }
            try writeSearchIndex(into: live)
            written.insert(SearchIndexer.fileName)
        }
        return written.sorted()
    }

    /// The libraries as a full build would copy them: those gone removed, new ones copied,
    /// `assets/vendor.js` rewritten. Returns the site paths touched.
    private func replaceVendor(_ old: VendorAssets, in live: LiveSiteFolder) throws -> [String] {
        var touched = ["assets/vendor.js"]
        for library in old.libraries where !vendor.libraries.contains(library) {
            try live.remove("assets/" + library.destination)
            touched.append("assets/" + library.destination)
        }
        for library in vendor.libraries where !old.libraries.contains(library) {
            try live.copy(library.source, to: "assets/" + library.destination)
            touched.append("assets/" + library.destination)
        }
        try live.replace(vendor.script, at: "assets/vendor.js")
        return touched
    }

    /// Other files under content/: copied as they are, or removed with their source.
    private mutating func copy(_ files: Set<String>, from content: URL, into live: LiveSiteFolder, texts: inout [String: String]) throws {
        for relative in files.sorted() {
            let source = content.appendingPathComponent(relative)
            if (try? source.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                let bytes = try PlainFile.read(source)
                try live.replace(bytes, at: relative)
                if relative.hasSuffix(".html") { texts[relative] = String(decoding: bytes, as: UTF8.self) }
            } else {
                try live.remove(relative)
                search?[relative] = nil
            }
        }
    }

    /// The whole index from the kept entries, in the order `SearchIndexer` writes them; only
    /// the rewritten pages' entries were encoded again.
    private func writeSearchIndex(into live: LiveSiteFolder) throws {
        guard let search else { return }
        try live.replace(SearchIndexer.script(encoded: search.keys.sorted().compactMap { search[$0] }), at: SearchIndexer.fileName)
    }

    /// A page's encoded search entry; nil for a page search does not see.
    private static func entry(_ html: String, _ path: String) throws -> Data? {
        try PageTextExtractor.extract(html: html, url: path).map(SearchIndexer.encode)
    }

    /// Indices of the pages whose HTML can differ when nothing site-wide changed: the pages
    /// read again, pages whose criteria's verdicts changed, and pages naming a check whose
    /// verdict or place changed (`check:ID` links, criteria decided by a check elsewhere).
    private func affected(since old: RenderedSite, reloaded: Set<String>) -> [Int] {
        let before = Dictionary(grouping: old.results.criteria, by: \.criterion.page)
        let after = Dictionary(grouping: results.criteria, by: \.criterion.page)
        let (oldLinks, newLinks) = (Self.checkPlaces(old.handbook), Self.checkPlaces(handbook))
        let (oldResults, newResults) = (old.results.checkByID, results.checkByID)
        let ids = Set(oldLinks.keys).union(newLinks.keys).union(oldResults.keys).union(newResults.keys)
        let changed = ids.filter { oldLinks[$0] != newLinks[$0] || oldResults[$0] != newResults[$0] }
        return handbook.pages.indices.filter { i in
            let page = handbook.pages[i]
            return reloaded.contains(page.path) || before[page.path] != after[page.path]
                || !(references[page.path] ?? []).isDisjoint(with: changed)
        }
    }

    /// Where each check is shown, as the site links to it (the last block of an id wins, as in
    /// `SiteContext`).
    private static func checkPlaces(_ handbook: Handbook) -> [String: String] {
        var out: [String: String] = [:]
        for page in handbook.pages { for check in page.checks { out[check.id] = page.outputHref } }
        return out
    }

    static func checkReferences(_ page: Page) -> Set<String> {
        var ids = Set(page.checks.map(\.id))
        func visit(_ node: MarkdownNode) {
            if node.kind == .code {
                let literal = node.literal.trimmingWhitespaces()
                if literal.hasPrefix("check:") { ids.insert(String(literal.dropFirst("check:".count))) }
            }
            node.children.forEach(visit)
        }
        visit(page.document)
        return ids
    }
}

/// What every page of the site shows besides its own content: the navigation (titles, order,
/// pages added or removed, the ✗ marks of failing pages) and the provenance line's handbook
/// commit. When any of it changes, every page is written again.
struct SiteWide: Equatable {
    var navigation: [[String]]
    var failing: [String: Int]
    var revision: HandbookRevision?

    init(_ site: RenderedSite) {
        navigation = site.handbook.pages.map { [$0.path, $0.title] }
        var failing: [String: Int] = [:]
        for verdict in site.results.criteria where verdict.status == .failed { failing[verdict.criterion.page, default: 0] += 1 }
        self.failing = failing
        revision = site.results.handbookRevision
    }
}
