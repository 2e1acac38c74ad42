import Foundation

/// What the `page` template sees. Typed, so a template can only use what exists.
/// Fields ending in `HTML` are already escaped markup; everything else is escaped by Mustache.
struct PageView {
    struct Link { var title: String; var href: String }
    struct TOCEntry { var text: String; var anchor: String; var level: Int; var isSub: Bool }
    struct Count { var status: String; var word: String; var icon: String; var count: Int }
    struct Fact { var label: String; var value: String }

    var siteTitle: String
    var title: String
    var rootPrefix: String
    var navHTML: String
    var breadcrumbs: [Link]
    var bodyHTML: String
    var toc: [TOCEntry]
    var hasTOC: Bool
    var prev: Link?
    var next: Link?
    var facts: [Fact]
    var counts: [Count]
    var hasCounts: Bool
    /// Criteria claimed done whose checks fail: the banner at the top of the page.
    var claimedFailing: [Link]
    var hasClaimedFailing: Bool
    var runInfo: String
    var kind: String
    /// Target, time and handbook commit of the verdicts (escaped markup).
    var provenanceHTML: String = ""
    /// Target, time and handbook commit only (the sign-off block; stable across opsbook builds).
    var runProvenanceHTML: String = ""
    /// A runbook past its `review-every`: said at the top of the page, not only in the facts line.
    var staleNotice: String? = nil
    /// Phase pages end with a sign-off block on paper.
    var hasSignOff: Bool { kind == "phase" }
    /// Dashboard and search are outside the reading order: no empty pager there.
    var hasPager: Bool { prev != nil || next != nil }

    /// "Page · Site", or just the site's title on its own home page (not "營運手冊 · 營運手冊").
    var documentTitle: String { title == siteTitle ? siteTitle : "\(title) · \(siteTitle)" }

    // The lists, assembled here rather than as Mustache sections: a section over an array costs a
    // context push and a dynamic cast per field per item, and those were most of the built-in
    // template's time on a 1000-page site (docs/performance.md). A theme of its own may still
    // use the arrays above; `SiteOnceTests` renders both ways and compares the bytes.

    /// The breadcrumb trail, or nothing on a page at the top.
    var breadcrumbsHTML: String {
        guard !breadcrumbs.isEmpty else { return "" }
        var out = "<nav class=\"breadcrumbs\" aria-label=\"路徑\">"
        for link in breadcrumbs { out += "<a href=\"\(HTML.escape(link.href))\">\(HTML.escape(link.title))</a> › " }
        return out + "<span>\(HTML.escape(title))</span></nav>"
    }

    /// The claimed-done-but-failing banner's list items.
    var claimedFailingHTML: String {
        claimedFailing.map { "<li><a href=\"\(HTML.escape($0.href))\">\(HTML.escape($0.title))</a></li>" }.joined()
    }

    var factsHTML: String {
        guard !facts.isEmpty else { return "" }
        return "<dl class=\"facts\">" + facts.map { "<div><dt>\(HTML.escape($0.label))</dt><dd>\(HTML.escape($0.value))</dd></div>" }.joined() + "</dl>"
    }

    var countsHTML: String {
        guard hasCounts else { return "" }
        return "<p class=\"counts\">驗收條件：" + counts.map {
            "<span class=\"badge status-\(HTML.escape($0.status))\"><span aria-hidden=\"true\">\(HTML.escape($0.icon))</span> \(HTML.escape($0.word)) \($0.count)</span> "
        }.joined() + "</p>"
    }

    /// The table of contents' list items.
    var tocHTML: String {
        toc.map { "<li class=\"\($0.isSub ? "sub" : "")\"><a href=\"#\(HTML.escape($0.anchor))\">\(HTML.escape($0.text))</a></li>" }.joined()
    }

    var prevHTML: String { prev.map { "<a class=\"prev\" href=\"\(HTML.escape($0.href))\">← \(HTML.escape($0.title))</a>" } ?? "" }
    var nextHTML: String { next.map { "<a class=\"next\" href=\"\(HTML.escape($0.href))\">\(HTML.escape($0.title)) →</a>" } ?? "" }
}

/// What the `dashboard` template sees.
struct DashboardView {
    /// A count that links to the criteria it counts.
    struct CountLink { var status: String; var word: String; var icon: String; var count: Int; var href: String }
    struct CriterionLink { var page: String; var text: String; var href: String; var claimedFailing: Bool }
    struct Phase {
        var title: String; var href: String; var due: String; var overdue: Bool
        var total: Int; var barHTML: String; var counts: [CountLink]; var failing: [CriterionLink]; var hasFailing: Bool
    }
    /// A page outside the phases with failing criteria: guides, deployments, onboarding, runbooks.
    struct FailingPage { var title: String; var href: String; var section: String; var counts: [CountLink]; var failing: [CriterionLink] }
    struct Runbook {
        var title: String; var href: String; var component: String; var severity: String; var owner: String
        var lastReviewed: String; var stale: Bool; var checksIcon: String; var checksWord: String; var checksStatus: String
        var checksHref: String?

        /// The table row (four lines): every runbook has one, so it is assembled here rather than
        /// by a dozen Mustache lookups per row. A theme may still loop over `runbooks`.
        var rowHTML: String {
            func e(_ text: String) -> String { HTML.escape(text) }
            var out = "<tr\(stale ? " class=\"stale\"" : "")><td data-label=\"Runbook\"><a href=\"\(e(href))\">\(e(title))</a></td>\n<td data-label=\"檢查\">"
            if let checksHref {
                out += "<a class=\"badge status-\(e(checksStatus))\" href=\"#\(e(checksHref))\">"
            } else {
                out += "<span class=\"badge status-\(e(checksStatus))\">"
            }
            out += "<span aria-hidden=\"true\">\(e(checksIcon))</span> \(e(checksWord))\(checksHref == nil ? "</span>" : "</a>")</td>\n"
            out += "<td class=\"nowrap\" data-label=\"上次審閱\">\(e(lastReviewed))\(stale ? " <span class=\"badge status-failed\">⚠ 過期</span>" : "")</td>\n"
            out += "<td data-label=\"元件\">\(e(component))</td><td data-label=\"嚴重度\">\(e(severity))</td><td data-label=\"負責人\">\(e(owner))</td></tr>\n"
            return out
        }
    }
    struct PageGroup { var anchor: String; var title: String; var href: String; var criteria: [CriterionLink] }
    struct StatusGroup {
        var status: String; var icon: String; var word: String; var count: Int; var open: Bool; var pages: [PageGroup]

        /// Every criterion of the handbook is in one of these lists: assembled here, not by a
        /// Mustache section per page and per criterion (most of the dashboard's time on a
        /// 1000-page site). A theme may still loop over `pages` and their `criteria`.
        var pagesHTML: String {
            var out = ""
            for page in pages {
                out += "<section class=\"page-group\" id=\"\(HTML.escape(page.anchor))\"><h3><a href=\"\(HTML.escape(page.href))\">\(HTML.escape(page.title))</a></h3>\n<ul class=\"criterion-links\">"
                for c in page.criteria {
                    out += "<li><a href=\"\(HTML.escape(c.href))\">\(HTML.escape(c.text))</a>"
                    if c.claimedFailing { out += " <span class=\"mark-claimed\" title=\"宣稱完成，但檢查失敗\">（宣稱完成）</span>" }
                    out += "</li>"
                }
                out += "</ul>\n</section>\n"
            }
            return out
        }
    }
    var phases: [Phase]
    var hasPhases: Bool
    var failingPages: [FailingPage]
    var hasFailingPages: Bool
    var runbooks: [Runbook]
    var hasRunbooks: Bool
    var verdict: String
    var verdictStatus: String
    var counts: [CountLink]
    var claimedFailing: [CriterionLink]
    var hasClaimedFailing: Bool
    var claimedFailingCount: Int
    var statusGroups: [StatusGroup]
    var hasStatusGroups: Bool
}

import Mustache

// Mustache finds fields through `Mirror` unless a type names them itself; for a thousand pages
// reflection was a third of the build. These lookups list the same fields as the structs above.
extension PageView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "siteTitle": return siteTitle
        case "title": return title
        case "documentTitle": return documentTitle
        case "rootPrefix": return rootPrefix
        case "navHTML": return navHTML
        case "breadcrumbs": return breadcrumbs
        case "bodyHTML": return bodyHTML
        case "toc": return toc
        case "hasTOC": return hasTOC
        case "prev": return prev
        case "next": return next
        case "facts": return facts
        case "counts": return counts
        case "hasCounts": return hasCounts
        case "claimedFailing": return claimedFailing
        case "hasClaimedFailing": return hasClaimedFailing
        case "runInfo": return runInfo
        case "kind": return kind
        // The same on every page: which opsbook made the site (docs/install.md).
        case "opsbookVersion": return OpsbookVersion.version
        case "opsbookCommit": return OpsbookVersion.shortCommit
        case "provenanceHTML": return provenanceHTML
        case "runProvenanceHTML": return runProvenanceHTML
        case "staleNotice": return staleNotice
        case "hasSignOff": return hasSignOff
        case "hasPager": return hasPager
        case "breadcrumbsHTML": return breadcrumbsHTML
        case "claimedFailingHTML": return claimedFailingHTML
        case "factsHTML": return factsHTML
        case "countsHTML": return countsHTML
        case "tocHTML": return tocHTML
        case "prevHTML": return prevHTML
        case "nextHTML": return nextHTML
        default: return nil
        }
    }
}

extension PageView.Link: MustacheParent {
    func child(named name: String) -> Any? { name == "title" ? title : name == "href" ? href : nil }
}

extension PageView.TOCEntry: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "text": return text
        case "anchor": return anchor
        case "level": return level
        case "isSub": return isSub
        default: return nil
        }
    }
}

extension PageView.Count: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "status": return status
        case "word": return word
        case "icon": return icon
        case "count": return count
        default: return nil
        }
    }
}

extension PageView.Fact: MustacheParent {
    func child(named name: String) -> Any? { name == "label" ? label : name == "value" ? value : nil }
}

// The dashboard's views name their fields too: found through `Mirror`, its lookups were a fifth
// of rendering the dashboard of a 1000-page site. `SiteOnceTests` checks every stored field is
// listed.
extension DashboardView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "phases": return phases
        case "hasPhases": return hasPhases
        case "failingPages": return failingPages
        case "hasFailingPages": return hasFailingPages
        case "runbooks": return runbooks
        case "hasRunbooks": return hasRunbooks
        case "runbooksHTML": return runbooks.map(\.rowHTML).joined()
        case "verdict": return verdict
        case "verdictStatus": return verdictStatus
        case "counts": return counts
        case "claimedFailing": return claimedFailing
        case "hasClaimedFailing": return hasClaimedFailing
        case "claimedFailingCount": return claimedFailingCount
        case "statusGroups": return statusGroups
        case "hasStatusGroups": return hasStatusGroups
        default: return nil
        }
    }
}

extension DashboardView.CountLink: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "status": return status
        case "word": return word
        case "icon": return icon
        case "count": return count
        case "href": return href
        default: return nil
        }
    }
}

extension DashboardView.CriterionLink: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "page": return page
        case "text": return text
        case "href": return href
        case "claimedFailing": return claimedFailing
        default: return nil
        }
    }
}

extension DashboardView.Phase: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "href": return href
        case "due": return due
        case "overdue": return overdue
        case "total": return total
        case "barHTML": return barHTML
        case "counts": return counts
        case "failing": return failing
        case "hasFailing": return hasFailing
        default: return nil
        }
    }
}

extension DashboardView.FailingPage: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "href": return href
        case "section": return section
        case "counts": return counts
        case "failing": return failing
        default: return nil
        }
    }
}

extension DashboardView.Runbook: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": return title
        case "href": return href
        case "component": return component
        case "severity": return severity
        case "owner": return owner
        case "lastReviewed": return lastReviewed
        case "stale": return stale
        case "checksIcon": return checksIcon
        case "checksWord": return checksWord
        case "checksStatus": return checksStatus
        case "checksHref": return checksHref
        default: return nil
        }
    }
}

extension DashboardView.PageGroup: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "anchor": return anchor
        case "title": return title
        case "href": return href
        case "criteria": return criteria
        default: return nil
        }
    }
}

extension DashboardView.StatusGroup: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "status": return status
        case "icon": return icon
        case "word": return word
        case "count": return count
        case "open": return open
        case "pages": return pages
        case "pagesHTML": return pagesHTML
        default: return nil
        }
    }
}
