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
}

/// What the `dashboard` template sees.
struct DashboardView {
    struct Phase {
        var title: String; var href: String; var due: String; var overdue: Bool
        var total: Int; var barHTML: String; var counts: [PageView.Count]; var failing: [PageView.Link]; var hasFailing: Bool
    }
    struct Runbook {
        var title: String; var href: String; var component: String; var severity: String; var owner: String
        var lastReviewed: String; var stale: Bool; var checksWord: String; var checksStatus: String
    }
    var phases: [Phase]
    var hasPhases: Bool
    var runbooks: [Runbook]
    var hasRunbooks: Bool
    var verdict: String
    var verdictStatus: String
    var counts: [PageView.Count]
    var claimedFailing: [PageView.Link]
    var hasClaimedFailing: Bool
}
