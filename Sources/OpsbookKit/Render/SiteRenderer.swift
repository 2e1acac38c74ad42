import Foundation
import Mustache

/// Writes the static site. It never runs checks or re-parses Markdown: it gets the handbook and
/// the results and turns them into files. The site is built in a temporary folder beside the
/// destination and swapped in at the end, so a failed build never leaves half a site behind.
public struct SiteRenderer: Sendable {
    public var theme: Theme
    public var today: Day
    /// Highlighting and diagram libraries found on the build machine (none by default).
    public var vendor: VendorAssets

    public init(theme: Theme, today: Day, vendor: VendorAssets = VendorAssets(libraries: [])) {
        self.theme = theme
        self.today = today
        self.vendor = vendor
    }

    /// `finish` runs on the complete staging folder before it is swapped in (the search index).
    /// `out` must have passed `OutputPath.siteFolder`; the site gets `OutputPath.siteMarker` so a
    /// later build knows it may replace it. `fleet` adds the other targets' verdicts and the
    /// history (contract §10), when there are any.
    public func render(_ handbook: Handbook, _ results: Results, into out: URL, fleet: FleetSite? = nil,
                       finish: (URL) -> Void = { _ in }) throws {
        let staging = try FolderSwap.makeStaging(beside: out, purpose: "building")
        do {
            try write(handbook, results, fleet: fleet, to: staging)
            try PlainFile.write("This folder is a site written by opsbook build; the next build replaces it.\n",
                                to: staging.appendingPathComponent(OutputPath.siteMarker))
            finish(staging)
            try FolderSwap.swapIn(staging, at: out)
            PhaseClock.mark("swapped")
        } catch {
            FolderSwap.discard(staging)
            throw error
        }
    }

    private func write(_ handbook: Handbook, _ results: Results, fleet: FleetSite?, to dir: URL) throws {
        let context = {
            var context = SiteContext(handbook: handbook, results: results, today: today)
            context.fleet = fleet.flatMap { $0.isActive ? ($0, FleetIndex($0)) : nil }
            return context
        }()
        PhaseClock.mark("context")
        // Each folder made once, before the pages are written into it from several threads.
        let base = dir.path
        for folder in Set(handbook.pages.map(\.outputPath.parentFolder)).sorted() where !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: base + "/" + folder, withIntermediateDirectories: true)
        }
        // The site's other long pieces, the dashboard and the results file, are made beside the
        // pages rather than after them; every file is still written in the order it always was,
        // so where a page and a generated file share a path, the later one wins as before.
        let others = Locked<Result<OtherFiles, any Error>?>(nil)
        try renderPages(Self.acrossFolders(handbook.pages), context: context, alongside: {
            let made = Result { OtherFiles(chrome: try chromePages(context), dashboard: try dashboardPages(context),
                                           results: try ResultsFile.json(results)) }
            others.withLock { $0 = made }
        }) { path, html in
            try PlainFile.write(html, toPath: base + "/" + path)
        }
        PhaseClock.mark("pages")
        let other = try others.withLock { $0! }.get()
        for (path, html) in other.chrome { try writeFile(html, to: dir.appendingPathComponent(path)) }
        if let (fleet, index) = context.fleet {
            try writeFleetPages(fleet, index: index, handbook, context: context, to: dir)
        }
        for (path, html) in other.dashboard { try writeFile(html, to: dir.appendingPathComponent(path)) }
        PhaseClock.mark("site pages")
        try PlainFile.write(other.results, to: dir.appendingPathComponent("results.json"))
        try theme.copyAssets(to: dir.appendingPathComponent("assets"))
        try vendor.copy(into: dir.appendingPathComponent("assets"))
        try copyContentFiles(from: URL(fileURLWithPath: handbook.root).appendingPathComponent("content"), to: dir)
        PhaseClock.mark("assets+content")
    }

    /// The search page and the 404 page: they carry the navigation and nothing else of the
    /// handbook, so they change only when it does.
    func chromePages(_ context: SiteContext) throws -> [(path: String, html: String)] {
        let search = try theme.render("search", [String: String]())
        // Served for any missing address, at any depth: its links start at the server's root.
        let notFound = try theme.render("404", [String: String]())
        return [("search.html", try theme.render(page: context.wrap(search, title: "搜尋", path: "search.html"))),
                ("404.html", try theme.render(page: context.wrap(notFound, title: "找不到頁面", path: "404.html", prefix: "/")))]
    }

    /// The dashboard, and `index.html` too when the handbook has no `content/index.md`.
    func dashboardPages(_ context: SiteContext) throws -> [(path: String, html: String)] {
        var dashboard = try theme.render("dashboard", context.dashboardView())
        if let (fleet, index) = context.fleet { dashboard += fleet.dashboardHTML(context.handbook, index: index) }
        let html = try theme.render(page: context.wrap(dashboard, title: "儀表板", path: "dashboard.html"))
        return [("dashboard.html", html)] + (Self.dashboardIsIndex(context.handbook) ? [("index.html", html)] : [])
    }

    /// Without `content/index.md` the dashboard is the site's front page.
    static func dashboardIsIndex(_ handbook: Handbook) -> Bool { handbook.page(at: "content/index.md") == nil }

    /// The matrix (several targets), one evidence page and one results file per target.
    private func writeFleetPages(_ fleet: FleetSite, index: FleetIndex, _ handbook: Handbook, context: SiteContext, to dir: URL) throws {
        if fleet.runs.count > 1 {
            try writeFile(try theme.render(page: context.wrap(fleet.matrixHTML(handbook, index: index), title: "驗收矩陣", path: "matrix.html")),
                          to: dir.appendingPathComponent("matrix.html"))
        }
        for (i, run) in fleet.runs.enumerated() {
            let path = FleetSite.evidencePath(run.target)
            let prefix = LinkRewriter.rootPrefix(forOutputPath: path)
            try writeFile(try theme.render(page: context.wrap(fleet.evidenceHTML(run, verdicts: index.verdicts[i], handbook, prefix: prefix),
                                                                 title: "\(run.target) 的檢查證據", path: path)),
                          to: dir.appendingPathComponent(path))
            try writeFile(String(decoding: try ResultsFile.json(run.results), as: UTF8.self),
                          to: dir.appendingPathComponent("results/\(run.target).json"))
        }
    }

    /// Pages are independent once the context is made (navigation, verdicts and lookups are
    /// computed once in `SiteContext`), so they are rendered and written on every core. The
    /// first error, in page order, is the one reported. `write` gets the page's output path and
    /// HTML, from several threads at once. `alongside` runs once among the pages, first, so a
    /// long job of its own shares the cores with them instead of waiting for them.
    func renderPages(_ indices: [Int], context: SiteContext, alongside: @Sendable () -> Void = {},
                     write: @Sendable (_ path: String, _ html: String) throws -> Void) throws {
        let pages = context.handbook.pages
        let failures = Locked<[Int: any Error]>([:])
        DispatchQueue.concurrentPerform(iterations: indices.count + 1) { n in
            guard n > 0 else { return alongside() }
            let index = indices[n - 1]
            do {
                try write(pages[index].outputPath, try theme.render(page: context.pageView(pages[index], index: index)))
            } catch {
                failures.withLock { $0[index] = error }
            }
        }
        if let first = failures.withLock({ $0.min { $0.key < $1.key }?.value }) { throw first }
    }

    /// What the site has besides the pages, made while the pages are.
    private struct OtherFiles {
        var chrome: [(path: String, html: String)]
        var dashboard: [(path: String, html: String)]
        var results: Data
    }

    /// Page indices, taking one page from each folder in turn. Creating a file holds its
    /// folder's lock in the kernel, and two threads creating files in one folder spin on that lock
    /// (a twentieth of a 1000-page build's CPU time); threads taking neighbouring indices from
    /// this order mostly write into different folders.
    static func acrossFolders(_ pages: [Page]) -> [Int] {
        var folders: [String: Int] = [:]
        var queues: [[Int]] = []
        for (i, page) in pages.enumerated() {
            let folder = page.outputPath.parentFolder
            if let q = folders[folder] { queues[q].append(i) } else { folders[folder] = queues.count; queues.append([i]) }
        }
        var order: [Int] = []
        order.reserveCapacity(pages.count)
        var round = 0
        while order.count < pages.count {
            for queue in queues where round < queue.count { order.append(queue[round]) }
            round += 1
        }
        return order
    }

    private func writeFile(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try PlainFile.write(text, to: url)
    }

    /// Images and other non-Markdown files under content/ go to the same place in the site.
    func copyContentFiles(from content: URL, to dir: URL) throws {
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
}
