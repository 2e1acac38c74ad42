import Foundation

/// Builds the typed views for the templates from the handbook and the results.
struct SiteContext {
    var handbook: Handbook
    var results: Results
    var today: Day
    private let nav: NavNode
    private let checkPages: [String: String]
    private let verdictsByPage: [String: [CriterionVerdict]]
    /// Made once: building them per page made a 1000-page site quadratic.
    let checkByID: [String: CheckResult]
    let siteTitle: String
    /// Other targets and history, when the site has them.
    var fleet: (FleetSite, FleetIndex)?

    init(handbook: Handbook, results: Results, today: Day) {
        self.handbook = handbook
        self.results = results
        self.today = today
        nav = NavNode.tree(handbook.pages)
        var checkPages: [String: String] = [:]
        for page in handbook.pages { for check in page.checks { checkPages[check.id] = page.outputHref } }
        self.checkPages = checkPages
        verdictsByPage = Dictionary(grouping: results.criteria, by: { $0.criterion.page })
        checkByID = results.checkByID
        siteTitle = handbook.page(at: "content/index.md")?.title ?? "Ops Handbook"
    }

    func pageView(_ page: Page, index: Int) -> PageView {
        let prefix = LinkRewriter.rootPrefix(forOutputPath: page.outputPath)
        let verdicts = verdictsByPage[page.path] ?? []
        var writer = MarkdownHTMLWriter(page: page, verdicts: verdicts, checkResults: checkByID,
                                        rewriteLink: LinkRewriter.rewrite)
        let pages = checkPages
        writer.checkLink = { id in
            pages[id].map { ($0 == page.outputHref ? "" : prefix + $0) + "#check-" + id }
        }
        writer.target = results.target
        if let (fleet, index) = fleet {
            writer.criterionExtra = { fleet.chips(for: $0, prefix: prefix, index: index) }
        }
        let body = writer.render()
        let toc = page.headings.filter { $0.level >= 2 && $0.level <= 3 }.map {
            PageView.TOCEntry(text: $0.text, anchor: $0.anchor, level: $0.level, isSub: $0.level == 3)
        }
        let failing = verdicts.filter(\.isClaimedFailing).map {
            PageView.Link(title: $0.criterion.text, href: "#" + $0.criterion.anchor)
        }
        let counts = Self.counts(verdicts)
        return PageView(
            siteTitle: siteTitle, title: page.title, rootPrefix: prefix,
            navHTML: navHTML(current: page.outputPath, prefix: prefix),
            breadcrumbs: breadcrumbs(page, prefix: prefix), bodyHTML: body, toc: toc, hasTOC: toc.count > 1,
            prev: index > 0 ? link(handbook.pages[index - 1], prefix) : nil,
            next: index + 1 < handbook.pages.count ? link(handbook.pages[index + 1], prefix) : nil,
            facts: facts(page), counts: counts, hasCounts: !counts.isEmpty,
            claimedFailing: failing, hasClaimedFailing: !failing.isEmpty, runInfo: runInfo, kind: page.kind.rawValue)
    }

    private func link(_ page: Page, _ prefix: String) -> PageView.Link {
        PageView.Link(title: page.title, href: prefix + page.outputHref)
    }

    func navHTML(current: String, prefix: String) -> String {
        var open: Set<String> = []
        var folder = (current as NSString).deletingLastPathComponent
        while !folder.isEmpty {
            open.insert(folder)
            folder = (folder as NSString).deletingLastPathComponent
        }
        let home = "<a class=\"nav-home\" href=\"\(prefix)index.html\">\(HTML.escape(siteTitle))</a>"
        let dash = "<a class=\"nav-dashboard\" href=\"\(prefix)dashboard.html\">儀表板</a>"
        return home + dash + nav.html(current: current, prefix: prefix, openFolders: open)
    }

    private func breadcrumbs(_ page: Page, prefix: String) -> [PageView.Link] {
        guard let trail = nav.trail(to: page.outputPath) else { return [] }
        return trail.dropLast().compactMap { node in
            if node.folder == "" { return PageView.Link(title: siteTitle, href: prefix + "index.html") }
            return PageView.Link(title: node.title, href: node.href.map { prefix + $0 } ?? "#")
        }
    }

    private func facts(_ page: Page) -> [PageView.Fact] {
        let fm = page.frontMatter
        var facts: [PageView.Fact] = []
        if let owner = fm.owner { facts.append(.init(label: "負責人", value: owner)) }
        if let phase = fm.phase { facts.append(.init(label: "階段", value: "Phase \(phase)")) }
        if let starts = fm.starts { facts.append(.init(label: "開始", value: starts.description)) }
        if let due = fm.due { facts.append(.init(label: "到期", value: due.description)) }
        if let c = fm.component { facts.append(.init(label: "元件", value: c)) }
        if let s = fm.severity { facts.append(.init(label: "嚴重度", value: s.rawValue)) }
        if let r = fm.lastReviewed {
            let stale = Freshness.isStale(fm, today: today)
            facts.append(.init(label: "上次審閱", value: r.description + (stale ? "（已過期，需重新審閱）" : "")))
        }
        if !fm.tags.isEmpty { facts.append(.init(label: "標籤", value: fm.tags.joined(separator: "、"))) }
        return facts
    }

    var runInfo: String {
        guard results.checks != nil else { return "本次建置未執行檢查（--no-checks）" }
        let when = results.finished.map(ResultsFile.timestamp) ?? ""
        return "檢查於 \(when) 對目標「\(results.target ?? "?")」執行"
    }

    static func counts(_ verdicts: [CriterionVerdict]) -> [PageView.Count] {
        CriterionStatus.allCases.compactMap { status in
            let n = verdicts.filter { $0.status == status }.count
            guard n > 0 else { return nil }
            let (icon, word) = StatusLabel.criterion(status)
            return PageView.Count(status: status.rawValue, word: word, icon: icon, count: n)
        }
    }
}

enum Freshness {
    /// A runbook reviewed longer ago than `review-every` is stale.
    static func isStale(_ fm: FrontMatter, today: Day) -> Bool {
        guard let last = fm.lastReviewed, let every = fm.reviewEveryDays else { return false }
        return today.daysSinceEpoch - last.daysSinceEpoch > every
    }
}
