import Foundation
import Mustache

/// Writes the static site. It never runs checks or re-parses Markdown: it gets the handbook and
/// the results and turns them into files. The site is built in a temporary folder beside the
/// destination and swapped in at the end, so a failed build never leaves half a site behind.
public struct SiteRenderer: Sendable {
    public var theme: Theme
    public var today: Day

    public init(theme: Theme, today: Day) {
        self.theme = theme
        self.today = today
    }

    /// `finish` runs on the complete staging folder before it is swapped in (the search index).
    public func render(_ handbook: Handbook, _ results: Results, into out: URL,
                       finish: (URL) -> Void = { _ in }) throws {
        let fm = FileManager.default
        let staging = out.deletingLastPathComponent()
            .appendingPathComponent(".\(out.lastPathComponent).building-\(getpid())")
        try? fm.removeItem(at: staging)
        try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        do {
            try write(handbook, results, to: staging)
            finish(staging)
            try swapIn(staging, at: out)
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
    }

    private func write(_ handbook: Handbook, _ results: Results, to dir: URL) throws {
        let context = SiteContext(handbook: handbook, results: results, today: today)
        for (index, page) in handbook.pages.enumerated() {
            let html = try theme.render("page", context.pageView(page, index: index))
            try writeFile(html, to: dir.appendingPathComponent(page.outputPath))
        }
        let search = try theme.render("search", [String: String]())
        try writeFile(try theme.render("page", context.wrap(search, title: "搜尋", path: "search.html")),
                      to: dir.appendingPathComponent("search.html"))
        let dashboard = try theme.render("dashboard", context.dashboardView())
        try writeFile(try theme.render("page", context.wrap(dashboard, title: "儀表板", path: "dashboard.html")), to: dir.appendingPathComponent("dashboard.html"))
        if handbook.page(at: "content/index.md") == nil {
            try writeFile(try theme.render("page", context.wrap(dashboard, title: "儀表板", path: "dashboard.html")), to: dir.appendingPathComponent("index.html"))
        }
        try PlainFile.write(ResultsFile.json(results), to: dir.appendingPathComponent("results.json"))
        try theme.copyAssets(to: dir.appendingPathComponent("assets"))
        try copyContentFiles(from: URL(fileURLWithPath: handbook.root).appendingPathComponent("content"), to: dir)
    }

    private func writeFile(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try PlainFile.write(text, to: url)
    }

    /// Images and other non-Markdown files under content/ go to the same place in the site.
    private func copyContentFiles(from content: URL, to dir: URL) throws {
        let fm = FileManager.default
        guard let e = fm.enumerator(at: content, includingPropertiesForKeys: [.isRegularFileKey]) else { return }
        for case let url as URL in e where url.pathExtension != "md" {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(content.standardizedFileURL.path.count + 1))
            let target = dir.appendingPathComponent(relative)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? fm.removeItem(at: target)
            try fm.copyItem(at: url, to: target)
        }
    }

    private func swapIn(_ staging: URL, at out: URL) throws {
        let fm = FileManager.default
        let old = out.deletingLastPathComponent().appendingPathComponent(".\(out.lastPathComponent).old-\(getpid())")
        if fm.fileExists(atPath: out.path) { try fm.moveItem(at: out, to: old) }
        try fm.moveItem(at: staging, to: out)
        try? fm.removeItem(at: old)
    }
}
