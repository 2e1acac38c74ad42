import Foundation

/// The dashboard: every phase's progress and every runbook's freshness (contract §7).
extension SiteContext {
    func dashboardView() -> DashboardView {
        let phases = handbook.pages.filter { $0.kind == .phase }.map(phaseView)
        let runbooks = handbook.pages.filter { $0.kind == .runbook }.map(runbookView)
        let all = results.criteria
        let failing = results.claimedFailing.map(criterionLink)
        let (verdict, status) = overallVerdict()
        return DashboardView(phases: phases, hasPhases: !phases.isEmpty, runbooks: runbooks, hasRunbooks: !runbooks.isEmpty,
                             verdict: verdict, verdictStatus: status, counts: Self.counts(all),
                             claimedFailing: failing, hasClaimedFailing: !failing.isEmpty)
    }

    /// A generated page (dashboard, search) in the common layout.
    /// `prefix` is how its links reach the site's root (`/` for the 404 page, served at any depth).
    func wrap(_ html: String, title: String, path: String, prefix: String = "") -> PageView {
        PageView(siteTitle: siteTitle, title: title, rootPrefix: prefix, navHTML: navHTML(current: path, prefix: prefix),
                 breadcrumbs: [], bodyHTML: html, toc: [], hasTOC: false, prev: nil, next: nil, facts: [],
                 counts: [], hasCounts: false, claimedFailing: [], hasClaimedFailing: false, runInfo: runInfo,
                 kind: String(path.dropLast(5)))
    }

    private func criterionLink(_ v: CriterionVerdict) -> PageView.Link {
        let page = handbook.page(at: v.criterion.page)
        return PageView.Link(title: "\(page?.title ?? v.criterion.page)：\(v.criterion.text)",
                             href: (page?.outputHref ?? "") + "#" + v.criterion.anchor)
    }

    private func phaseView(_ page: Page) -> DashboardView.Phase {
        let verdicts = results.verdicts(forPage: page.path)
        let done = verdicts.allSatisfy { $0.status == .passed || $0.status == .attested }
        let overdue = page.frontMatter.due.map { $0 < today && !done } ?? false
        let failing = verdicts.filter { $0.status == .failed }.map(criterionLink)
        return DashboardView.Phase(
            title: page.title, href: page.outputHref, due: page.frontMatter.due?.description ?? "—", overdue: overdue,
            total: verdicts.count, barHTML: bar(verdicts),
            counts: Self.counts(verdicts),
            failing: failing, hasFailing: !failing.isEmpty)
    }

    /// A stacked bar, one segment per status, widths in percent; text beside it says the same.
    private func bar(_ verdicts: [CriterionVerdict]) -> String {
        guard !verdicts.isEmpty else { return "" }
        var html = "<div class=\"bar\" role=\"img\" aria-label=\"criteria by status\">"
        for status in CriterionStatus.allCases {
            let n = verdicts.filter { $0.status == status }.count
            guard n > 0 else { continue }
            let pct = Double(n) * 100 / Double(verdicts.count)
            html += "<span class=\"seg status-\(status.rawValue)\" style=\"width:\(String(format: "%.2f", pct))%\" title=\"\(status.rawValue) \(n)\"></span>"
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
        let word = checksStatus == "manual" ? "無檢查" : StatusLabel.criterion(CriterionStatus(rawValue: checksStatus) ?? .notRun).word
        return DashboardView.Runbook(
            title: page.title, href: page.outputHref, component: fm.component ?? "—", severity: fm.severity?.rawValue ?? "—",
            owner: fm.owner ?? "—", lastReviewed: fm.lastReviewed?.description ?? "—", stale: Freshness.isStale(fm, today: today),
            checksWord: word, checksStatus: checksStatus)
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
}
