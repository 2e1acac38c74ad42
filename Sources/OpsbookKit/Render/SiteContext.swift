import Foundation

/// Builds the typed views for the templates from the handbook and the results.
struct SiteContext {
    var handbook: Handbook
    var results: Results
    var today: Day
    /// When the site was written: "N 小時前" is counted from here until the reader's browser redoes it.
    var now = Date() { didSet { runLine = RunLine(results, now: now) } }
    /// The same on every page: made once, not per page (a date formatter per page was measurable).
    private var runLine: RunLine
    private let nav: SiteNav
    /// The site's title, escaped once.
    private let siteTitleHTML: String
    private let checkPages: [String: String]
    /// Each page's verdicts, in the results' order.
    let verdictsByPage: [String: [CriterionVerdict]]
    /// Pages by source path (the first, as `Handbook.page(at:)` finds it): the dashboard looks a
    /// page up for every criterion, and a walk through all pages each time made it quadratic.
    let pageIndexByPath: [String: Int]
    /// Made once: building them per page made a 1000-page site quadratic.
    let checkByID: [String: CheckResult]
    let siteTitle: String
    /// Other targets and history, when the site has them.
    var fleet: (FleetSite, FleetIndex)?

    init(handbook: Handbook, results: Results, today: Day) {
        self.handbook = handbook
        self.results = results
        self.today = today
        var checkPages: [String: String] = [:]
        for page in handbook.pages { for check in page.checks { checkPages[check.id] = page.outputHref } }
        self.checkPages = checkPages
        verdictsByPage = Dictionary(grouping: results.criteria, by: { $0.criterion.page })
        checkByID = results.checkByID
        pageIndexByPath = Dictionary(handbook.pages.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { first, _ in first })
        var failures: [String: Int] = [:]
        for page in handbook.pages {
            let n = (verdictsByPage[page.path] ?? []).filter { $0.status == .failed }.count
            if n > 0 { failures[page.outputPath] = n }
        }
        nav = SiteNav(NavNode.tree(handbook.pages), failures: failures)
        siteTitle = handbook.page(at: "content/index.md")?.title ?? "Ops Handbook"
        siteTitleHTML = HTML.escape(siteTitle)
        runLine = RunLine(results, now: now)
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
            PageView.Link(title: CriterionWords.of($0.criterion), href: "#" + $0.criterion.anchor)
        }
        let counts = Self.counts(verdicts)
        return PageView(
            siteTitle: siteTitle, title: page.title, rootPrefix: prefix,
            navHTML: navHTML(current: page.outputPath, prefix: prefix),
            breadcrumbs: breadcrumbs(page, prefix: prefix), bodyHTML: body, toc: toc, hasTOC: toc.count > 1,
            prev: index > 0 ? link(handbook.pages[index - 1], prefix) : nil,
            next: index + 1 < handbook.pages.count ? link(handbook.pages[index + 1], prefix) : nil,
            facts: facts(page), counts: counts, hasCounts: !counts.isEmpty,
            claimedFailing: failing, hasClaimedFailing: !failing.isEmpty, runInfo: runInfo, kind: page.kind.rawValue,
            provenanceHTML: provenanceHTML, runProvenanceHTML: runProvenanceHTML, staleNotice: staleNotice(page))
    }

    private func link(_ page: Page, _ prefix: String) -> PageView.Link {
        PageView.Link(title: page.title, href: prefix + page.outputHref)
    }

    func navHTML(current: String, prefix: String) -> String {
        let home = "<a class=\"nav-home\" href=\"\(prefix)index.html\">\(siteTitleHTML)</a>"
        let dash = "<a class=\"nav-dashboard\" href=\"\(prefix)dashboard.html\">儀表板</a>"
        return home + dash + nav.html(current: current, prefix: prefix)
    }

    private func breadcrumbs(_ page: Page, prefix: String) -> [PageView.Link] {
        nav.trail(to: page.outputPath).map { entry in
            if entry.folder == "" { return PageView.Link(title: siteTitle, href: prefix + "index.html") }
            return PageView.Link(title: entry.title, href: entry.trailHref.map { prefix + $0 } ?? "#")
        }
    }

    /// "⚠ 此 runbook 已超過審閱週期…" for a page reviewed longer ago than its `review-every`.
    private func staleNotice(_ page: Page) -> String? {
        let fm = page.frontMatter
        guard Freshness.isStale(fm, today: today), let last = fm.lastReviewed, let every = fm.reviewEveryDays else { return nil }
        let late = today.daysSinceEpoch - last.daysSinceEpoch - every
        return "此頁已超過審閱週期：上次審閱於 \(last)，應每 \(every) 天審閱一次，已逾期 \(late) 天。內容可能已過時，使用前請向負責人\(fm.owner.map { "（\($0)）" } ?? "")確認。"
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

    /// The run line under the site's title ("檢查於 … 對目標「…」執行").
    var runInfo: String { runLine.info }
    /// Which target, when (a `<time datetime>` with the build machine's local time and "N 小時前";
    /// the site's script redoes both with the reader's clock and zone), which handbook commit, and
    /// which opsbook made the verdicts.
    var provenanceHTML: String { runLine.provenanceHTML }
    /// The same without the opsbook version: what the sign-off block restates.
    var runProvenanceHTML: String { runLine.runProvenanceHTML }

    static func counts(_ verdicts: [CriterionVerdict]) -> [PageView.Count] {
        CriterionStatus.allCases.compactMap { status in
            let n = verdicts.reduce(0) { $1.status == status ? $0 + 1 : $0 }
            guard n > 0 else { return nil }
            let (icon, word) = StatusLabel.criterion(status)
            return PageView.Count(status: status.rawValue, word: word, icon: icon, count: n)
        }
    }
}

/// The run line and provenance every page shows, made once per site.
struct RunLine {
    var info: String
    var runProvenanceHTML: String
    var provenanceHTML: String

    init(_ results: Results, now: Date) {
        if results.checks == nil {
            info = "本次建置未執行檢查（--no-checks）"
        } else {
            info = "檢查於 \(results.finished.map(ResultsFile.timestamp) ?? "") 對目標「\(results.target ?? "?")」執行"
        }
        var parts: [String] = []
        if results.checks == nil {
            parts.append("本次建置未執行檢查（--no-checks）")
        } else {
            parts.append("目標 <strong class=\"prov-target\">\(HTML.escape(results.target ?? "?"))</strong>")
            if let at = results.finished ?? results.started {
                parts.append("檢查於 " + Provenance.timeHTML(at, now: now))
            }
        }
        if let rev = results.handbookRevision {
            let dirty = rev.dirty ? "<span class=\"prov-dirty\">（含未提交的變更 uncommitted changes）</span>" : ""
            parts.append("手冊 commit <code class=\"prov-commit\" title=\"\(rev.commit)\">\(rev.shortCommit)</code>\(dirty)")
        } else {
            parts.append("手冊不在 git 中，無 commit")
        }
        runProvenanceHTML = parts.joined(separator: " · ")
        // Worded as install's footer has it ("opsbook 0.1.0 · commit abc…"), tested in EmbeddedTests.
        provenanceHTML = runProvenanceHTML + " · " + HTML.escape("opsbook \(OpsbookVersion.version) · commit \(OpsbookVersion.shortCommit)")
    }
}

enum Freshness {
    /// A runbook reviewed longer ago than `review-every` is stale.
    static func isStale(_ fm: FrontMatter, today: Day) -> Bool {
        guard let last = fm.lastReviewed, let every = fm.reviewEveryDays else { return false }
        return today.daysSinceEpoch - last.daysSinceEpoch > every
    }
}

/// How the site writes a moment: in the build machine's zone, with how long ago it was.
enum Provenance {
    static func timeHTML(_ date: Date, now: Date, zone: TimeZone = .current) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = "yyyy-MM-dd HH:mm"
        let offset = zone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let utc = offset == 0 ? "UTC" : String(format: "UTC%@%02d:%02d", sign, abs(offset) / 3600, abs(offset) % 3600 / 60)
        let stamp = ResultsFile.timestamp(date)
        return "<time datetime=\"\(stamp)\" data-ago>\(f.string(from: date)) \(utc)</time>（<span class=\"ago\">\(ago(date, now: now))</span>）"
    }

    /// "剛剛", "N 分鐘前", "N 小時前", "N 天前".
    static func ago(_ date: Date, now: Date) -> String {
        let minutes = Int(now.timeIntervalSince(date) / 60)
        if minutes < 1 { return "剛剛" }
        if minutes < 60 { return "\(minutes) 分鐘前" }
        if minutes < 48 * 60 { return "\(minutes / 60) 小時前" }
        return "\(minutes / 1440) 天前"
    }
}
