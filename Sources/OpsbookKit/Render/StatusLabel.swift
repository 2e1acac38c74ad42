import Foundation

/// Icon *and* word for every status, so verdicts read without colour (contract §7).
enum StatusLabel {
    static func criterion(_ status: CriterionStatus) -> (icon: String, word: String) {
        switch status {
        case .passed: return ("✔", "通過")
        case .failed: return ("✘", "失敗")
        case .skipped: return ("↷", "略過")
        case .manual: return ("✎", "待人工確認")
        case .attested: return ("✍", "已簽核")
        case .notRun: return ("○", "未執行")
        }
    }

    static func check(_ status: CheckStatus?) -> (icon: String, word: String) {
        switch status {
        case .passed?: return ("✔", "通過")
        case .failed?: return ("✘", "失敗")
        case .timedOut?: return ("✘", "逾時")
        case .errored?: return ("⚠", "無法執行")
        case .skipped?: return ("↷", "略過")
        case nil: return ("○", "未執行")
        }
    }

    static func criterionBadge(_ status: CriterionStatus, claimedFailing: Bool) -> String {
        let (icon, word) = criterion(status)
        var html = "<span class=\"badge status-\(status.rawValue)\" title=\"\(status.rawValue)\"><span aria-hidden=\"true\">\(icon)</span> \(word)</span>"
        if claimedFailing {
            html += " <span class=\"badge claimed-failing\" title=\"claimed done, failing\">⚠ 宣稱完成，但檢查失敗</span>"
        }
        return html
    }

    static func attestationNote(_ verdict: CriterionVerdict) -> String {
        if let a = verdict.attestation {
            var text = "由 \(a.by) 於 \(a.on) 簽核"
            if let note = a.note { text += "：\(note)" }
            if let expires = a.expires { text += "（有效至 \(expires)）" }
            return "<div class=\"attestation\">\(HTML.escape(text))</div>"
        }
        if let a = verdict.expiredAttestation {
            return "<div class=\"attestation expired\">\(HTML.escape("\(a.by) 於 \(a.on) 的簽核已於 \(a.expires.map(\.description) ?? "") 過期，需重新確認"))</div>"
        }
        return ""
    }
}
