import Foundation

/// A check block in the page: its commands and expected output, and once run its status, output,
/// diff, exit status, attempts, duration and when it ran. Folded, and opened when it failed.
/// Every figure on the card is the results file's (`exit` is `result.exit`), and every box says
/// what it holds: the expected transcript, the difference, the actual output.
enum CheckHTML {
    static func render(_ check: CheckBlock, result: CheckResult?, target: String?, page: String? = nil) -> String {
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
        html += "<p class=\"label\">命令與預期輸出</p>\n"
        html += "<pre class=\"check-body\"><code class=\"language-console\">\(HTML.escape(check.body))</code></pre>\n"
        if let r = result { html += details(r, target: target, page: page ?? r.page) }
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

    private static func details(_ r: CheckResult, target: String?, page: String) -> String {
        var html = "<dl class=\"check-meta\">"
        if let reason = r.reason {
            html += "<div class=\"reason\"><dt>原因</dt><dd>\(HTML.escape(CheckReason.words(reason, page: page, line: r.line)))</dd></div>"
        }
        html += "<div><dt>結束碼</dt><dd>\(r.exit.map(String.init) ?? "—")</dd></div>"
        html += "<div><dt>嘗試次數</dt><dd>\(r.attempts)</dd></div><div><dt>耗時</dt><dd>\(r.durationMilliseconds) ms</dd></div>"
        if let at = r.startedAt {
            let stamp = ResultsFile.timestamp(at)
            html += "<div><dt>執行於</dt><dd><time datetime=\"\(stamp)\">\(stamp)</time></dd></div>"
        }
        if let target { html += "<div><dt>目標</dt><dd>\(HTML.escape(target))</dd></div>" }
        html += "</dl>\n"
        let bad = DiffLines(r.diff ?? "")
        if !bad.lines.isEmpty {
            html += "<p class=\"label\">預期與實際的差異：<span class=\"key-bad\">✘ 實際</span> 是不符的實際輸出行，<span class=\"key-expected\">預期</span> 是應出現的行</p>"
            html += "<pre class=\"diff\"><code>\(bad.html)</code></pre>\n"
        }
        if r.attempts > 0 {
            let cut = r.outputTruncated ? "<p class=\"label\">輸出過長，只保留最後一段。</p>" : ""
            let note = bad.actual.isEmpty ? "" : "（✘ 標示不符預期的行）"
            html += "<p class=\"label\">實際輸出\(note)</p>\(cut)<pre class=\"output\"><code>\(outputHTML(r.output, bad: bad.actual))</code></pre>\n"
        }
        return html
    }

    /// The actual output, with each line the diff found unexpected marked as the failure.
    private static func outputHTML(_ output: String, bad: Set<String>) -> String {
        guard !bad.isEmpty else { return HTML.escape(output) }
        return output.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            bad.contains(String(line))
                ? "<mark class=\"bad-line\"><span class=\"line-tag\" aria-hidden=\"true\">✘ </span>\(HTML.escape(String(line)))</mark>"
                : HTML.escape(String(line))
        }.joined(separator: "\n")
    }
}

/// A unified-style diff (`-` expected, `+` actual, ` ` both) as labelled lines: the actual lines
/// that did not match are the failure (red, ✘), the expected ones are neutral. No git colours:
/// a bad actual line is never green.
struct DiffLines {
    var lines: [(kind: String, text: String)] = []
    var actual: Set<String> = []

    init(_ diff: String) {
        for raw in diff.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            guard let first = line.first else { continue }
            switch first {
            case "+": lines.append(("actual", String(line.dropFirst()))); actual.insert(String(line.dropFirst()))
            case "-": lines.append(("expected", String(line.dropFirst())))
            case "@": lines.append(("hunk", line))
            case " ": lines.append(("same", String(line.dropFirst())))
            default: lines.append(("same", line))
            }
        }
    }

    var html: String {
        lines.map { line in
            let tag: String
            switch line.kind {
            case "actual": tag = "✘ 實際"
            case "expected": tag = "預期"
            case "hunk": return "<span class=\"diff-line hunk\">\(HTML.escape(line.text))</span>"
            default: tag = ""
            }
            return "<span class=\"diff-line \(line.kind)\"><span class=\"diff-tag\">\(tag)</span>\(HTML.escape(line.text))</span>"
        }.joined()  // each line is a block: a newline between them would show as an empty line
    }
}

/// The runner's reasons in the page's language (zh-Hant), each with the `path:line` it is about.
/// A reason it does not know stays as the runner wrote it.
enum CheckReason {
    static func words(_ reason: String, page: String, line: Int) -> String {
        reason.components(separatedBy: "; ").map { part in
            var text = part
            var at = "\(page):\(line)"
            if let m = text.range(of: #"^line [0-9]+: "#, options: .regularExpression) {
                at = "\(page):\(text[m].dropFirst(5).dropLast(2))"
                text.removeSubrange(m)
            }
            return "\(at)：\(translate(text))"
        }.joined(separator: "；")
    }

    private static let phrases: [(String, String)] = [
        (#"^output differs from the expected lines and exit status (\S+), expected (\S+)$"#, "輸出與預期的行不符，結束碼 $1（預期 $2）"),
        (#"^output differs from the expected lines$"#, "輸出與預期的行不符"),
        (#"^exit status (\S+), expected (\S+)$"#, "結束碼 $1（預期 $2）"),
        (#"^timed out after ([0-9.]+)s; its process group was killed$"#, "逾時（$1 秒），已終止其行程群組"),
        (#"^mutating check; runs only with --allow-mutations$"#, "會變更系統的檢查，只在加上 --allow-mutations 時執行"),
        (#"^no fixture for: (.*)$"#, "沒有錄製的回應：$1"),
        (#"^the shell ended before `(.*)` finished$"#, "`$1` 尚未完成，shell 就結束了"),
    ]

    static func translate(_ text: String) -> String {
        for (pattern, zh) in phrases where text.range(of: pattern, options: .regularExpression) != nil {
            return text.replacingOccurrences(of: pattern, with: zh, options: .regularExpression)
        }
        return text
    }
}
