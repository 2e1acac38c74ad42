import Foundation

/// The site's navigation: the folder tree of `content/`, in navigation order.
struct NavNode {
    var title: String
    /// Output path relative to the site root (`phases/phase-1.html`); nil for a folder without index.md.
    var outputPath: String?
    var folder: String?
    var children: [NavNode] = []

    static func tree(_ pages: [Page]) -> NavNode {
        var root = NavNode(title: "", outputPath: nil, folder: "")
        for page in pages { insert(page, parts: page.slugPath.split(separator: "/").map(String.init)[...], into: &root, folder: "") }
        return root
    }

    private static func insert(_ page: Page, parts: ArraySlice<String>, into node: inout NavNode, folder: String) {
        guard let head = parts.first else { return }
        if parts.count == 1 {
            if head == "index" {
                node.title = page.title
                node.outputPath = page.outputPath
            } else {
                node.children.append(NavNode(title: page.title, outputPath: page.outputPath))
            }
            return
        }
        let path = folder.isEmpty ? head : folder + "/" + head
        if let i = node.children.firstIndex(where: { $0.folder == path }) {
            insert(page, parts: parts.dropFirst(), into: &node.children[i], folder: path)
        } else {
            var child = NavNode(title: head, outputPath: nil, folder: path)
            insert(page, parts: parts.dropFirst(), into: &child, folder: path)
            node.children.append(child)
        }
    }

    /// Where a link to this node goes: its own page, or else its first page; percent-encoded, so a
    /// page named `a#b.md` or `e%25f.md` is reached.
    var href: String? { outputPathOrFirst.map(LinkRewriter.pathHref) }
    private var outputPathOrFirst: String? { outputPath ?? children.lazy.compactMap(\.outputPathOrFirst).first }

    /// Failing criteria on this page and, for a folder, on every page under it.
    func failureCount(_ failures: [String: Int]) -> Int {
        (outputPath.flatMap { failures[$0] } ?? 0) + (folder == nil ? 0 : children.reduce(0) { $0 + $1.failureCount(failures) })
    }
}

/// The navigation made once per site: every entry's escaped title, ✗ mark and href, and every
/// page's breadcrumb trail. A page only assembles them: it marks itself current, opens the folders
/// it is in and puts its way back to the site's root in front of the hrefs. Rebuilding and
/// re-escaping the whole tree for each page was a third of rendering a 1000-page site.
struct SiteNav: Sendable {
    /// One entry of the tree; entry 0 is the root (the site's home).
    struct Entry: Sendable {
        var title: String
        var outputPath: String?
        /// The folder's path (`phases`); "" for the root, nil for a page that is not a folder.
        var folder: String?
        /// `<li>` and the start of the link, before the root prefix (or the whole item of a folder
        /// without a page of its own, which links nowhere), as it reads when neither current nor open.
        var closedHead: String
        /// The rest of the closed item after the root prefix: href, label and `</li>`.
        var closedTail: String
        /// The escaped title and ✗ mark, for the current or an open entry.
        var labelHTML: String
        /// The page's href (HTML-safe as is), nil for a folder without index.md.
        var pageHref: String?
        /// Where a breadcrumb to this entry goes: its page, or its folder's first page.
        var trailHref: String?
        var children: [Int]
    }

    private(set) var entries: [Entry] = []
    /// Entry indices from the root down to each page (the first entry with that output path, in
    /// tree order), for breadcrumbs.
    private var trails: [String: [Int]] = [:]

    /// `failures` counts failing criteria by output path; a page or folder with any gets a ✗ mark
    /// that reads without colour.
    init(_ root: NavNode, failures: [String: Int]) {
        add(root, failures: failures, trail: [])
    }

    @discardableResult
    private mutating func add(_ node: NavNode, failures: [String: Int], trail: [Int]) -> Int {
        let failed = node.failureCount(failures)
        let mark = failed > 0 ? "<span class=\"nav-fail\" role=\"img\" aria-label=\"\(failed) 項失敗\" title=\"\(failed) 項驗收條件失敗\">✗</span>" : ""
        let label = HTML.escape(node.title) + mark
        let pageHref = node.outputPath.map(LinkRewriter.pathHref)
        let index = entries.count
        entries.append(Entry(
            title: node.title, outputPath: node.outputPath, folder: node.folder,
            closedHead: pageHref == nil ? "<li><span class=\"folder\">\(label)</span></li>" : "<li><a href=\"",
            closedTail: pageHref.map { "\($0)\">\(label)</a></li>" } ?? "",
            labelHTML: label, pageHref: pageHref, trailHref: node.href, children: []))
        let trail = trail + [index]
        if let path = node.outputPath, trails[path] == nil { trails[path] = trail }
        var children: [Int] = []
        for child in node.children { children.append(add(child, failures: failures, trail: trail)) }
        entries[index].children = children
        return index
    }

    /// Collapsed tree: every top-level entry, and the open branch down to the current page. Keeps a
    /// 1000-page site from repeating the whole tree in every page.
    func html(current: String, prefix: String) -> String {
        var open: Set<Substring> = []
        var slash = current.startIndex
        while let next = current[slash...].firstIndex(of: "/") {
            open.insert(current[..<next])
            slash = current.index(after: next)
        }
        var out = ""
        out.reserveCapacity(4096)
        append(list: 0, current: current, prefix: HTML.escape(prefix), open: open, to: &out)
        return out
    }

    private func append(list: Int, current: String, prefix: String, open: Set<Substring>, to out: inout String) {
        out += "<ul>"
        // Fields are read through `entries[index]`, never a copy of the entry: copying one retains
        // each of its strings, and this runs for every entry of the sidebar on every page.
        for index in entries[list].children {
            let isCurrent = entries[index].outputPath == current
            let isOpen = entries[index].folder.map { open.contains($0[...]) } ?? false
            let hasChildren = !entries[index].children.isEmpty
            guard isCurrent || (isOpen && hasChildren) else {
                out += entries[index].closedHead
                if entries[index].pageHref != nil { out += prefix; out += entries[index].closedTail }
                continue
            }
            out += isCurrent ? "<li class=\"current\">" : "<li>"
            if let href = entries[index].pageHref {
                out += "<a href=\""; out += prefix; out += href
                out += isCurrent ? "\" aria-current=\"page\">" : "\">"
                out += entries[index].labelHTML; out += "</a>"
            } else {
                out += "<span class=\"folder\">"; out += entries[index].labelHTML; out += "</span>"
            }
            if isOpen, hasChildren { append(list: index, current: current, prefix: prefix, open: open, to: &out) }
            out += "</li>"
        }
        out += "</ul>"
    }

    /// The entries from the root down to the page's parent: what the breadcrumbs show.
    func trail(to outputPath: String) -> [Entry] {
        (trails[outputPath] ?? []).dropLast().map { entries[$0] }
    }
}
