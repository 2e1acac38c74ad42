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
    var href: String? { (outputPath ?? children.lazy.compactMap(\.outputPathOrFirst).first).map(LinkRewriter.pathHref) }
    private var outputPathOrFirst: String? { outputPath ?? children.lazy.compactMap(\.outputPathOrFirst).first }

    /// The chain of nodes from the root down to the page, for breadcrumbs.
    func trail(to outputPath: String) -> [NavNode]? {
        if self.outputPath == outputPath { return [self] }
        for child in children {
            if let rest = child.trail(to: outputPath) { return [self] + rest }
        }
        return nil
    }

    /// Failing criteria on this page and, for a folder, on every page under it.
    func failureCount(_ failures: [String: Int]) -> Int {
        (outputPath.flatMap { failures[$0] } ?? 0) + (folder == nil ? 0 : children.reduce(0) { $0 + $1.failureCount(failures) })
    }

    /// Collapsed tree: every top-level entry, and the open branch down to the current page. Keeps a
    /// 1000-page site from repeating the whole tree in every page.
    /// `failures` counts failing criteria by output path; a page or folder with any gets a ✗ mark
    /// that reads without colour.
    func html(current: String, prefix: String, openFolders: Set<String>, failures: [String: Int] = [:]) -> String {
        var out = "<ul>"
        for child in children {
            let failed = child.failureCount(failures)
            let mark = failed > 0 ? "<span class=\"nav-fail\" role=\"img\" aria-label=\"\(failed) 項失敗\" title=\"\(failed) 項驗收條件失敗\">✗</span>" : ""
            let isCurrent = child.outputPath == current
            let isOpen = child.folder.map { openFolders.contains($0) } ?? false
            out += "<li\(isCurrent ? " class=\"current\"" : "")>"
            if let path = child.outputPath {
                out += "<a href=\"\(HTML.escape(prefix + LinkRewriter.pathHref(path)))\"\(isCurrent ? " aria-current=\"page\"" : "")>\(HTML.escape(child.title))\(mark)</a>"
            } else {
                out += "<span class=\"folder\">\(HTML.escape(child.title))\(mark)</span>"
            }
            if child.folder != nil, isOpen, !child.children.isEmpty {
                out += child.html(current: current, prefix: prefix, openFolders: openFolders, failures: failures)
            }
            out += "</li>"
        }
        return out + "</ul>"
    }
}
