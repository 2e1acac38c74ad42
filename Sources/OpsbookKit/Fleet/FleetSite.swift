import Foundation

/// What the site shows beyond one run (contract §10): each criterion's verdict on every target,
/// the matrix page, one evidence page per target, and — with a history folder — since when each
/// criterion has its status, its last runs, and each phase's passed criteria over time.
///
/// Everything here is drawn at build time as HTML and inline SVG: no script, so it prints and
/// works from `file://`.
public struct FleetSite: Sendable {
    public struct Run: Sendable {
        public var target: String
        public var results: Results
    }
    public var runs: [Run]
    public var timeline: Timeline?

    public init(runs: [(String, Results)], timeline: Timeline?) {
        self.runs = runs.map { Run(target: $0.0, results: $0.1) }
        self.timeline = timeline
    }

    /// Several targets or a history: only then is there anything to add to a single run's site.
    public var isActive: Bool { runs.count > 1 || timeline != nil }
    var several: Bool { runs.count > 1 }

    static func evidencePath(_ target: String) -> String { "evidence/\(target).html" }
}

// MARK: - On a criterion

extension FleetSite {
    /// The chips under one criterion: each target's verdict (worst first), with since-when and the
    /// last runs when there is a history. Empty when there is one target and no history.
    func chips(for criterion: Criterion, prefix: String, index: FleetIndex) -> String {
        guard isActive else { return "" }
        let key = CriterionKey(criterion)
        let entries = runs.indices.compactMap { i -> (String, CriterionVerdict)? in
            index.verdicts[i][key].map { (runs[i].target, $0) }
        }.sorted { ($0.1.status.severity, $1.0) > ($1.1.status.severity, $0.0) }
        guard !entries.isEmpty else { return "" }
        var html = "<ul class=\"target-chips\" aria-label=\"各目標的結果\">"
        for (target, verdict) in entries {
            let (icon, word) = StatusLabel.criterion(verdict.status)
            let href = prefix + Self.evidencePath(target) + "#" + criterion.anchor
            html += "<li class=\"chip status-\(verdict.status.rawValue)\" data-target=\"\(HTML.escape(target))\" data-status=\"\(verdict.status.rawValue)\">"
            html += "<a href=\"\(HTML.escape(href))\"><span aria-hidden=\"true\">\(icon)</span> \(HTML.escape(target))：\(word)</a>"
            if let line = timeline?.timeline(key, target: target) {
                html += " " + Self.since(line) + " " + Self.strip(line)
            }
            html += "</li>"
        }
        return html + "</ul>"
    }

    /// "失敗中，自 2026-11-27 03:10 起，連續 14 次", in a `<time>` a script or a reader can trust.
    static func since(_ line: CriterionTimeline) -> String {
        let state: String
        switch line.status {
        case .failed: state = "失敗中"
        case .passed: state = "通過中"
        default: state = StatusLabel.criterion(line.status).word
        }
        guard let since = line.since else { return "<span class=\"since\">\(state)，連續 \(line.streak) 次</span>" }
        return "<span class=\"since\">\(state)，自 <time datetime=\"\(ResultsFile.timestamp(since))\">\(localTime(since))</time> 起，連續 \(line.streak) 次</span>"
    }

    /// The last runs as a row of bars: a failure is a tall dark bar, a pass a short one, anything
    /// else a middle one — readable in black and white; each bar's title says when and what.
    static func strip(_ line: CriterionTimeline) -> String {
        let w = 6, gap = 2, h = 14
        var svg = "<svg class=\"run-strip\" role=\"img\" width=\"\(line.recent.count * (w + gap))\" height=\"\(h)\" viewBox=\"0 0 \(line.recent.count * (w + gap)) \(h)\"><title>最近 \(line.recent.count) 次執行</title>"
        for (i, point) in line.recent.enumerated() {
            let (height, fill): (Int, String)
            switch point.status {
            case .failed?: (height, fill) = (h, "#b3261e")
            case .passed?: (height, fill) = (5, "#1e7d32")
            case nil: (height, fill) = (2, "#999999")
            default: (height, fill) = (9, "#8a6d00")
            }
            let word = point.status.map { StatusLabel.criterion($0).word } ?? "尚無此條件"
            let when = point.time.map(localTime) ?? ""
            svg += "<rect x=\"\(i * (w + gap))\" y=\"\(h - height)\" width=\"\(w)\" height=\"\(height)\" fill=\"\(fill)\"><title>\(when) \(word)</title></rect>"
        }
        return svg + "</svg>"
    }

    /// Local time of the machine that builds the site, minutes precision (the `<time>` carries UTC).
    static func localTime(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min))
    }
}

/// Lookups made once per site, not once per criterion.
struct FleetIndex {
    var verdicts: [[CriterionKey: CriterionVerdict]]
    init(_ site: FleetSite) {
        verdicts = site.runs.map { run in
            Dictionary(run.results.criteria.map { (CriterionKey($0.criterion), $0) },
                       uniquingKeysWith: { a, _ in a })
        }
    }
}

// MARK: - Matrix and evidence pages

extension FleetSite {
    /// Criteria (grouped by page) × targets; each cell links to that target's evidence.
    func matrixHTML(_ handbook: Handbook, index: FleetIndex) -> String {
        var html = "<h1>各目標驗收矩陣</h1>\n<p>每一列是一項驗收條件，每一欄是一個目標；點選格子可看該目標的檢查證據。</p>\n"
        html += "<div class=\"table-wrap\"><table class=\"matrix\">\n<thead><tr><th scope=\"col\">驗收條件</th>"
        for run in runs { html += "<th scope=\"col\">\(HTML.escape(run.target))</th>" }
        html += "</tr></thead>\n"
        for page in handbook.pages where !page.criteria.isEmpty {
            html += "<tbody><tr class=\"matrix-page\"><th colspan=\"\(runs.count + 1)\" scope=\"rowgroup\"><a href=\"\(HTML.escape(page.outputPath))\">\(HTML.escape(page.title))</a></th></tr>\n"
            for criterion in page.criteria {
                let key = CriterionKey(criterion)
                html += "<tr><th scope=\"row\"><a href=\"\(HTML.escape(page.outputPath + "#" + criterion.anchor))\">\(HTML.escape(criterion.text))</a></th>"
                for (i, run) in runs.enumerated() {
                    guard let v = index.verdicts[i][key] else { html += "<td>—</td>"; continue }
                    let (icon, word) = StatusLabel.criterion(v.status)
                    let href = Self.evidencePath(run.target) + "#" + criterion.anchor
                    html += "<td class=\"cell status-\(v.status.rawValue)\" data-target=\"\(HTML.escape(run.target))\" data-status=\"\(v.status.rawValue)\"><a href=\"\(HTML.escape(href))\"><span aria-hidden=\"true\">\(icon)</span> \(word)\(v.isClaimedFailing ? "（宣稱完成）" : "")</a></td>"
                }
                html += "</tr>\n"
            }
            html += "</tbody>\n"
        }
        return html + "</table></div>\n"
    }

    /// One target's verdicts and the evidence behind them, every criterion of every page.
    func evidenceHTML(_ run: Run, verdicts byKey: [CriterionKey: CriterionVerdict], _ handbook: Handbook, prefix: String) -> String {
        let checks = run.results.checkByID
        var html = "<h1>目標 \(HTML.escape(run.target)) 的檢查證據</h1>\n"
        if let started = run.results.started {
            html += "<p class=\"run-info\">執行於 <time datetime=\"\(ResultsFile.timestamp(started))\">\(Self.localTime(started))</time></p>\n"
        }
        for page in handbook.pages where !page.criteria.isEmpty {
            html += "<section class=\"evidence-page\"><h2><a href=\"\(prefix)\(HTML.escape(page.outputPath))\">\(HTML.escape(page.title))</a></h2>\n<ul class=\"criteria\">\n"
            for criterion in page.criteria {
                guard let v = byKey[CriterionKey(criterion)] else { continue }
                html += "<li class=\"criterion\" id=\"\(HTML.escape(criterion.anchor))\" data-status=\"\(v.status.rawValue)\"\(v.isClaimedFailing ? " data-claimed-failing" : "")>"
                html += StatusLabel.criterionBadge(v.status, claimedFailing: v.isClaimedFailing) + " " + HTML.escape(criterion.text)
                for id in criterion.checkIDs { html += Self.evidence(id: id, checks[id]) }
                html += "</li>\n"
            }
            html += "</ul></section>\n"
        }
        return html
    }

    private static func evidence(id: String, _ result: CheckResult?) -> String {
        let (icon, word) = StatusLabel.check(result?.status)
        var html = "<div class=\"check\" data-check-id=\"\(HTML.escape(id))\" data-status=\"\(result?.status.rawValue ?? "not-run")\">"
        html += "<p><code>\(HTML.escape(id))</code> <span class=\"badge\"><span aria-hidden=\"true\">\(icon)</span> \(word)</span>"
        if let r = result {
            html += " · 結束碼 \(r.exit.map(String.init) ?? "—") · \(r.durationMilliseconds) ms"
            if let reason = r.reason { html += " · \(HTML.escape(reason))" }
        }
        html += "</p>"
        if let diff = result?.diff { html += "<pre class=\"diff\">\(HTML.escape(diff))</pre>" }
        if let output = result?.output, !output.isEmpty, result?.status != .passed {
            html += "<details><summary>輸出</summary><pre>\(HTML.escape(output))</pre></details>"
        }
        return html + "</div>"
    }
}

// MARK: - Dashboard

extension FleetSite {
    /// Per phase: how many targets meet it (every criterion passed or attested), and with a
    /// history a chart of its passed criteria over time.
    func dashboardHTML(_ handbook: Handbook, index: FleetIndex) -> String {
        guard isActive else { return "" }
        let phases = handbook.pages.filter { $0.kind == .phase }
        var html = "<section class=\"fleet\"><h2>各目標</h2>\n"
        if several { html += "<p><a href=\"matrix.html\">驗收矩陣：每項條件在每個目標的結果</a></p>\n" }
        html += "<div class=\"table-wrap\"><table class=\"fleet-phases\"><thead><tr><th scope=\"col\">階段</th><th scope=\"col\">達成的目標</th>"
        for run in runs { html += "<th scope=\"col\">\(HTML.escape(run.target))</th>" }
        html += "</tr></thead><tbody>\n"
        for phase in phases {
            let met = runs.indices.map { i in Self.meets(phase, index.verdicts[i]) }
            html += "<tr><th scope=\"row\"><a href=\"\(HTML.escape(phase.outputPath))\">\(HTML.escape(phase.title))</a></th>"
            html += "<td data-met=\"\(met.filter { $0 }.count)\" data-targets=\"\(runs.count)\">\(met.filter { $0 }.count) / \(runs.count)</td>"
            for (i, ok) in met.enumerated() {
                html += "<td class=\"\(ok ? "status-passed" : "status-failed")\"><a href=\"\(HTML.escape(Self.evidencePath(runs[i].target)))\">\(ok ? "✔ 達成" : "✘ 未達成")</a></td>"
            }
            html += "</tr>\n"
        }
        html += "</tbody></table></div>\n"
        if let timeline {
            for phase in phases {
                html += PhaseChart(title: phase.title, series: timeline.passedOverTime(page: phase.path),
                                   total: phase.criteria.count).svg()
            }
        }
        return html + "</section>\n"
    }

    static func meets(_ phase: Page, _ verdicts: [CriterionKey: CriterionVerdict]) -> Bool {
        !phase.criteria.isEmpty && phase.criteria.allSatisfy { c in
            guard let v = verdicts[CriterionKey(c)] else { return false }
            return v.status == .passed || v.status == .attested
        }
    }
}

/// A phase's passed criteria over time, one line per target, drawn as inline SVG at build time.
/// Lines differ in dash pattern as well as colour, so the chart reads in black and white.
struct PhaseChart {
    var title: String
    var series: [String: [(Date, Int)]]
    var total: Int

    func svg() -> String {
        let points = series.values.flatMap { $0 }
        guard let first = points.map(\.0).min(), let last = points.map(\.0).max() else { return "" }
        let (w, h, left, bottom, top) = (600.0, 160.0, 40.0, 24.0, 10.0)
        let span = max(last.timeIntervalSince(first), 1)
        let maxY = Double(max(total, points.map(\.1).max() ?? 1, 1))
        func x(_ d: Date) -> Double { left + (w - left - 10) * d.timeIntervalSince(first) / span }
        func y(_ n: Int) -> Double { h - bottom - (h - bottom - top) * Double(n) / maxY }
        let styles = [("#1e6fd9", ""), ("#b3261e", "6 3"), ("#1e7d32", "2 3"), ("#8a6d00", "8 3 2 3")]
        var svg = "<figure class=\"phase-chart\"><svg role=\"img\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" width=\"100%\" style=\"max-width:\(Int(w))px\">"
        svg += "<title>\(HTML.escape(title))：通過的驗收條件數（共 \(total) 項）</title>"
        svg += "<line x1=\"\(left)\" y1=\"\(y(0))\" x2=\"\(w - 10)\" y2=\"\(y(0))\" stroke=\"#888\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(y(Int(maxY)))\" x2=\"\(w - 10)\" y2=\"\(y(Int(maxY)))\" stroke=\"#ccc\" stroke-dasharray=\"2 2\"/>"
        svg += "<text x=\"\(left - 6)\" y=\"\(y(0) + 4)\" text-anchor=\"end\" font-size=\"11\" fill=\"currentColor\">0</text>"
        svg += "<text x=\"\(left - 6)\" y=\"\(y(Int(maxY)) + 4)\" text-anchor=\"end\" font-size=\"11\" fill=\"currentColor\">\(Int(maxY))</text>"
        svg += "<text x=\"\(left)\" y=\"\(h - 6)\" font-size=\"11\" fill=\"currentColor\">\(FleetSite.localTime(first))</text>"
        svg += "<text x=\"\(w - 10)\" y=\"\(h - 6)\" text-anchor=\"end\" font-size=\"11\" fill=\"currentColor\">\(FleetSite.localTime(last))</text>"
        var legend = ""
        for (i, target) in series.keys.sorted().enumerated() {
            let (color, dash) = styles[i % styles.count]
            let pts = (series[target] ?? []).map { "\(String(format: "%.1f", x($0.0))),\(String(format: "%.1f", y($0.1)))" }.joined(separator: " ")
            svg += "<polyline data-target=\"\(HTML.escape(target))\" points=\"\(pts)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")><title>\(HTML.escape(target))</title></polyline>"
            for p in series[target] ?? [] {
                svg += "<circle cx=\"\(String(format: "%.1f", x(p.0)))\" cy=\"\(String(format: "%.1f", y(p.1)))\" r=\"2.5\" fill=\"\(color)\"><title>\(HTML.escape(target)) \(FleetSite.localTime(p.0))：\(p.1) 項通過</title></circle>"
            }
            legend += "<li><svg width=\"24\" height=\"8\" aria-hidden=\"true\"><line x1=\"0\" y1=\"4\" x2=\"24\" y2=\"4\" stroke=\"\(color)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/></svg> \(HTML.escape(target))</li>"
        }
        svg += "</svg><figcaption>\(HTML.escape(title))：通過的驗收條件數，依執行時間<ul class=\"chart-legend\">\(legend)</ul></figcaption></figure>\n"
        return svg
    }
}
