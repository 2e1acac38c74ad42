import Foundation

/// A check block in the page: its commands, and once run its status, output, diff, exit status,
/// attempts, duration and when it ran. Folded, and opened when it failed.
enum CheckHTML {
    static func render(_ check: CheckBlock, result: CheckResult?, target: String?) -> String {
        let status = result?.status
        let (icon, word) = StatusLabel.check(status)
        let statusName = status?.rawValue ?? "not-run"
        let open = status?.isFailure == true ? " open" : ""
        var html = "<div class=\"check\" id=\"check-\(HTML.escape(check.id))\" data-check-id=\"\(HTML.escape(check.id))\" data-status=\"\(statusName)\">\n"
        html += "<details\(open)><summary><span class=\"badge status-\(statusName)\"><span aria-hidden=\"true\">\(icon)</span> \(word)</span> "
        html += "<code class=\"check-id\">check \(HTML.escape(check.id))</code>"
        html += attributesSummary(check.attributes)
        if let r = result { html += " <span class=\"meta\">\(r.durationMilliseconds) ms</span>" }
        html += "</summary>\n"
        html += "<pre class=\"check-body\"><code class=\"language-console\">\(HTML.escape(check.body))</code></pre>\n"
        if let r = result { html += details(r, target: target) }
        html += "</details></div>\n"
        return html
    }

    private static func attributesSummary(_ a: CheckAttributes) -> String {
        var parts: [String] = []
        if a.isMutating { parts.append("mutates") }
        if let retry = a.retry { parts.append("retry=\(retry.attempts)x\(retry.delayMilliseconds / 1000)s") }
        if !a.requires.isEmpty { parts.append("requires=\(a.requires.joined(separator: ","))") }
        return parts.isEmpty ? "" : " <span class=\"meta\">\(HTML.escape(parts.joined(separator: " ")))</span>"
    }

    private static func details(_ r: CheckResult, target: String?) -> String {
        var html = "<dl class=\"check-meta\">"
        if let reason = r.reason { html += "<dt>原因</dt><dd>\(HTML.escape(reason))</dd>" }
        if let exit = r.exit { html += "<dt>結束碼</dt><dd>\(exit)</dd>" }
        html += "<dt>嘗試次數</dt><dd>\(r.attempts)</dd><dt>耗時</dt><dd>\(r.durationMilliseconds) ms</dd>"
        if let at = r.startedAt { html += "<dt>執行於</dt><dd><time>\(ResultsFile.timestamp(at))</time></dd>" }
        if let target { html += "<dt>目標</dt><dd>\(HTML.escape(target))</dd>" }
        html += "</dl>\n"
        if let diff = r.diff, !diff.isEmpty {
            html += "<p class=\"label\">預期與實際的差異（- 預期，+ 實際）</p><pre class=\"diff\"><code>\(diffHTML(diff))</code></pre>\n"
        }
        if r.attempts > 0 {
            let cut = r.outputTruncated ? "<p class=\"label\">輸出過長，只保留最後一段。</p>" : ""
            html += "<p class=\"label\">實際輸出</p>\(cut)<pre class=\"output\"><code>\(HTML.escape(r.output))</code></pre>\n"
        }
        return html
    }

    private static func diffHTML(_ diff: String) -> String {
        diff.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let cls = line.hasPrefix("-") ? "del" : line.hasPrefix("+") ? "ins" : line.hasPrefix("@") ? "hunk" : "ctx"
            return "<span class=\"\(cls)\">\(HTML.escape(String(line)))</span>"
        }.joined(separator: "\n")
    }
}
