import Foundation

/// The dashboard: every phase's progress, every runbook's freshness, and every failing criterion of
/// every page one click away (contract §7). Every count is a link to the criteria it counts: the
/// "criteria by status" lists at the bottom, one group per page.
extension SiteContext {
    func dashboardView() -> DashboardView {
        let phases = handbook.pages.filter { $0.kind == .phase }.map(phaseView)
        let runbooks = handbook.pages.filter { $0.kind == .runbook }.map(runbookView)
        let others = handbook.pages.filter { $0.kind != .phase }.compactMap(failingPageView)
        let all = results.criteria
        let failing = results.claimedFailing.map(criterionLink)
        let (verdict, status) = overallVerdict()
        let byStatus = statusGroups()
        return DashboardView(phases: phases, hasPhases: !phases.isEmpty, failingPages: others, hasFailingPages: !others.isEmpty,
                             runbooks: runbooks, hasRunbooks: !runbooks.isEmpty,
                             verdict: verdict, verdictStatus: status,
                             counts: Self.countLinks(all, anchor: { "status-\($0)" }),
                             claimedFailing: failing, hasClaimedFailing: !failing.isEmpty, claimedFailingCount: failing.count,
                             statusGroups: byStatus, hasStatusGroups: !byStatus.isEmpty)
    }

    /// A generated page (dashboard, search) in the common layout. No pager: these pages are not
    /// in the reading order.
    /// `prefix` is how its links reach the site's root (`/` for the 404 page, served at any depth).
    func wrap(_ html: String, title: String, path: String, prefix: String = "") -> PageView {
        PageView(siteTitle: siteTitle, title: title, rootPrefix: prefix, navHTML: navHTML(current: path, prefix: prefix),
                 breadcrumbs: [], bodyHTML: html, toc: [], hasTOC: false, prev: nil, next: nil, facts: [],
                 counts: [], hasCounts: false, claimedFailing: [], hasClaimedFailing: false, runInfo: runInfo,
                 kind: String(path.dropLast(5)), provenanceHTML: provenanceHTML, runProvenanceHTML: runProvenanceHTML)
    }

    /// A link to one criterion on its page, in the criterion's own words.
    func criterionLink(_ v: CriterionVerdict) -> DashboardView.CriterionLink {
        let page = page(at: v.criterion.page)
        return DashboardView.CriterionLink(
            page: page?.title ?? v.criterion.page, text: CriterionWords.of(v.criterion),
            href: (page?.outputHref ?? "") + "#" + v.criterion.anchor, claimedFailing: v.isClaimedFailing)
    }

    /// `Handbook.page(at:)` through the index made once.
    func page(at path: String) -> Page? {
        pageIndexByPath[path].map { handbook.pages[$0] }
    }

    /// The anchor of one page's group under one status: `status-failed--runbooks-etcd-quorum-loss`.
    static func groupAnchor(_ status: String, _ page: String) -> String {
        "status-\(status)--\(groupSlug(page))"
    }

    private static func groupSlug(_ page: String) -> String {
        CheckBlock.slug(String(page.dropFirst("content/".count).dropLast(3)))
    }

    private func phaseView(_ page: Page) -> DashboardView.Phase {
        let verdicts = verdictsByPage[page.path] ?? []
        let done = verdicts.allSatisfy { $0.status == .passed || $0.status == .attested }
        let overdue = page.frontMatter.due.map { $0 < today && !done } ?? false
        let failing = verdicts.filter { $0.status == .failed }.map(criterionLink)
        return DashboardView.Phase(
            title: page.title, href: page.outputHref, due: page.frontMatter.due?.description ?? "—", overdue: overdue,
            total: verdicts.count, barHTML: bar(verdicts),
            counts: Self.countLinks(verdicts, anchor: { Self.groupAnchor($0, page.path) }),
            failing: failing, hasFailing: !failing.isEmpty)
    }

    /// A guide, runbook, deployment or onboarding page with at least one failing criterion.
    private func failingPageView(_ page: Page) -> DashboardView.FailingPage? {
        let verdicts = verdictsByPage[page.path] ?? []
        let failing = verdicts.filter { $0.status == .failed }
        guard !failing.isEmpty else { return nil }
        return DashboardView.FailingPage(
            title: page.title, href: page.outputHref, section: section(of: page),
            counts: Self.countLinks(verdicts, anchor: { Self.groupAnchor($0, page.path) }),
            failing: failing.map(criterionLink))
    }

    /// The folder a page sits in, by its index page's title (`指南`), or the folder's name.
    private func section(of page: Page) -> String {
        let parts = page.slugPath.split(separator: "/")
        guard parts.count > 1 else { return "—" }
        return self.page(at: "content/\(parts[0])/index.md")?.title ?? String(parts[0])
    }

    /// Every criterion, by status, then by page: what each count on the dashboard links to.
    /// One pass over the pages, each page's verdicts split by status there: filtering every
    /// criterion per status and page was most of the dashboard's time on a 1000-page site.
    private func statusGroups() -> [DashboardView.StatusGroup] {
        var groups: [CriterionStatus: [DashboardView.PageGroup]] = [:]
        for page in handbook.pages {
            guard let verdicts = verdictsByPage[page.path], !verdicts.isEmpty else { continue }
            let href = page.outputHref
            let slug = Self.groupSlug(page.path)
            // One pass over the page's verdicts, not a filtered copy of them per status.
            var links: [CriterionStatus: [DashboardView.CriterionLink]] = [:]
            for verdict in verdicts { links[verdict.status, default: []].append(criterionLink(verdict)) }
            for status in CriterionStatus.allCases {
                guard let mine = links[status] else { continue }
                groups[status, default: []].append(.init(anchor: "status-\(status.rawValue)--\(slug)", title: page.title,
                                                          href: href, criteria: mine))
            }
        }
        return CriterionStatus.allCases.compactMap { status in
            let count = results.criteria.reduce(0) { $0 + ($1.status == status ? 1 : 0) }
            guard count > 0 else { return nil }
            let (icon, word) = StatusLabel.criterion(status)
            return DashboardView.StatusGroup(status: status.rawValue, icon: icon, word: word, count: count,
                                             open: status == .failed, pages: groups[status] ?? [])
        }
    }

    /// A stacked bar, one segment per status, widths in percent; text beside it says the same.
    private func bar(_ verdicts: [CriterionVerdict]) -> String {
        guard !verdicts.isEmpty else { return "" }
        let words = Self.counts(verdicts).map { "\($0.word) \($0.count)" }.joined(separator: "、")
        var html = "<div class=\"bar\" role=\"img\" aria-label=\"驗收條件狀態：\(HTML.escape(words))\">"
        for status in CriterionStatus.allCases {
            let n = verdicts.filter { $0.status == status }.count
            guard n > 0 else { continue }
            let pct = Double(n) * 100 / Double(verdicts.count)
            let word = StatusLabel.criterion(status).word
            html += "<span class=\"seg status-\(status.rawValue)\" style=\"width:\(String(format: "%.2f", pct))%\" title=\"\(word) \(n)\"></span>"
        }
        return html + "</div>"
    }

    private func runbookView(_ page: Page) -> DashboardView.Runbook {
        let fm = page.frontMatter
        let statuses = page.checks.compactMap { checkByID[$0.id]?.status }
        let checksStatus: String
        if results.checks == nil || page.checks.isEmpty { checksStatus = page.checks.isEmpty ? "manual" : "not-run" }
        else if statuses.contains(where: \.isFailure) { checksStatus = "failed" }
        else if statuses.count == page.checks.count && statuses.allSatisfy({ $0 == .passed }) { checksStatus = "passed" }
        else { checksStatus = "skipped" }
        let label = checksStatus == "manual" ? ("—", "無檢查") : StatusLabel.criterion(CriterionStatus(rawValue: checksStatus) ?? .notRun)
        let failedChecks = statuses.filter(\.isFailure).count
        return DashboardView.Runbook(
            title: page.title, href: page.outputHref, component: fm.component ?? "—", severity: fm.severity?.rawValue ?? "—",
            owner: fm.owner ?? "—", lastReviewed: fm.lastReviewed?.description ?? "—", stale: Freshness.isStale(fm, today: today),
            checksIcon: label.0, checksWord: failedChecks > 0 ? "\(label.1) \(failedChecks)/\(page.checks.count)" : label.1,
            checksStatus: checksStatus,
            checksHref: failedChecks > 0 ? Self.groupAnchor("failed", page.path) : nil)
    }

    private func overallVerdict() -> (String, String) {
        guard results.checks != nil else { return ("未執行檢查：本網站只顯示內容與人工項目。", "not-run") }
        let failed = results.count(CriterionStatus.failed)
        if failed > 0 {
            let claimed = results.claimedFailing.count
            return ("\(failed) 項驗收條件失敗" + (claimed > 0 ? "，其中 \(claimed) 項宣稱已完成" : "") + "。", "failed")
        }
        return ("所有已檢查的驗收條件皆通過。", "passed")
    }

    /// Counts by status, each a link to the list of the criteria it counts.
    static func countLinks(_ verdicts: [CriterionVerdict], anchor: (String) -> String) -> [DashboardView.CountLink] {
        counts(verdicts).map { .init(status: $0.status, word: $0.word, icon: $0.icon, count: $0.count, href: "#" + anchor($0.status)) }
    }
}

/// A criterion's words for a link: its text without the `check:ID` references, which are for
/// the machine (the page itself still shows them, linked to their checks).
enum CriterionWords {
    static func of(_ criterion: Criterion) -> String {
        var text = criterion.text
        // Both patterns need a literal `check:`; most criteria have none, and the regexes were
        // compiled again for every criterion of the dashboard.
        guard mentionsCheck(text) else {
            // Trimming goes through NSString: skip it when neither end has anything to trim.
            if let first = text.unicodeScalars.first, let last = text.unicodeScalars.last,
               !trimmed.contains(first), !trimmed.contains(last) { return text }
            text = text.trimmingCharacters(in: trimmed)
            return text.isEmpty ? criterion.checkIDs.joined(separator: "、") : text
        }
        // "（check:a、check:b）" goes whole; a bare "check:a" goes with the space before it.
        text = text.replacingOccurrences(of: #"\s*[（(]\s*(check:[A-Za-z0-9._-]+[\s、,，和與及]*)+[）)]"#, with: "",
                                         options: .regularExpression)
        text = text.replacingOccurrences(of: #"\s*check:[A-Za-z0-9._-]+"#, with: "", options: .regularExpression)
        text = text.trimmingCharacters(in: trimmed)
        return text.isEmpty ? criterion.checkIDs.joined(separator: "、") : text
    }

    /// Whether `check:` occurs in the text, on bytes (the generic `firstRange(of:)` was slower than
    /// the regexes it saves on short texts).
    private static func mentionsCheck(_ text: String) -> Bool {
        let needle: [UInt8] = Array("check:".utf8)
        let bytes = Array(text.utf8)
        guard bytes.count >= needle.count else { return false }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if bytes[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    private static let trimmed = CharacterSet.whitespaces.union(CharacterSet(charactersIn: "：:，,、；;"))
}
