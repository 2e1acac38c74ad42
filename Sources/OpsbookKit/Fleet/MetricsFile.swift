import Foundation

/// A run in the Prometheus text exposition format (`--metrics FILE`), for node_exporter's
/// textfile collector or a Pushgateway, so Alertmanager can page on "a phase-3 criterion has been
/// failing for an hour". Statuses are state sets (one series per status, value 0 or 1), the shape
/// kube-state-metrics uses, so a rule can say `opsbook_criterion_status{status="failed"} == 1`.
public enum MetricsFile {
    public static func text(_ runs: [(target: String, results: Results, phases: [String: Int])]) -> String {
        var out = ""
        family(&out, "opsbook_run_timestamp_seconds", "gauge", "When the run finished, as a Unix time.") {
            runs.compactMap { run in
                (run.results.finished ?? run.results.started).map { sample(["target": run.target], seconds($0)) }
            }
        }
        family(&out, "opsbook_run_duration_seconds", "gauge", "How long the run took.") {
            runs.compactMap { run in
                guard let s = run.results.started, let f = run.results.finished else { return nil }
                return sample(["target": run.target], seconds(f) - seconds(s))
            }
        }
        family(&out, "opsbook_checks", "gauge", "Checks of the run, by status.") {
            runs.flatMap { run in CheckStatus.allCases.map { sample(["target": run.target, "status": $0.rawValue], Double(run.results.count($0))) } }
        }
        family(&out, "opsbook_criteria", "gauge", "Acceptance criteria of the run, by status.") {
            runs.flatMap { run in CriterionStatus.allCases.map { sample(["target": run.target, "status": $0.rawValue], Double(run.results.count($0))) } }
        }
        family(&out, "opsbook_criterion_status", "gauge", "1 for the status each acceptance criterion has, 0 for the others.") {
            runs.flatMap { run in run.results.criteria.flatMap { v in criterionSamples(v, target: run.target, phase: run.phases[v.criterion.page]) } }
        }
        family(&out, "opsbook_criterion_claimed_failing", "gauge", "1 when a criterion is ticked done but its checks fail.") {
            runs.flatMap { run in run.results.criteria.map { v in
                sample(criterionLabels(v, target: run.target, phase: run.phases[v.criterion.page]), v.isClaimedFailing ? 1 : 0)
            } }
        }
        family(&out, "opsbook_check_status", "gauge", "1 for the status each check has, 0 for the others.") {
            runs.flatMap { run in (run.results.checks ?? []).flatMap { c in
                CheckStatus.allCases.map { sample(["target": run.target, "check": c.id, "page": c.page, "status": $0.rawValue], c.status == $0 ? 1 : 0) }
            } }
        }
        family(&out, "opsbook_check_duration_seconds", "gauge", "How long each check took, all attempts.") {
            runs.flatMap { run in (run.results.checks ?? []).map { c in
                sample(["target": run.target, "check": c.id, "page": c.page], Double(c.durationMilliseconds) / 1000)
            } }
        }
        return out
    }

    private static func criterionLabels(_ v: CriterionVerdict, target: String, phase: Int?) -> [String: String] {
        var labels = ["target": target, "page": v.criterion.page, "criterion": v.criterion.text, "line": String(v.criterion.position.line)]
        if let phase { labels["phase"] = String(phase) }
        return labels
    }

    private static func criterionSamples(_ v: CriterionVerdict, target: String, phase: Int?) -> [String] {
        let labels = criterionLabels(v, target: target, phase: phase)
        return CriterionStatus.allCases.map { status in
            var l = labels
            l["status"] = status.rawValue
            return sample(l, v.status == status ? 1 : 0)
        }
    }

    private static func family(_ out: inout String, _ name: String, _ type: String, _ help: String, _ samples: () -> [String]) {
        let lines = samples()
        guard !lines.isEmpty else { return }
        out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        for line in lines { out += name + line + "\n" }
    }

    /// `{a="x",b="y"} 1`, labels sorted so the file diffs cleanly between runs.
    private static func sample(_ labels: [String: String], _ value: Double) -> String {
        let body = labels.keys.sorted().map { "\($0)=\"\(escape(labels[$0]!))\"" }.joined(separator: ",")
        return "{\(body)} \(format(value))"
    }

    /// Label values escape backslash, double quote and line feed (the exposition format's rules).
    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }

    private static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.3f", v)
    }

    private static func seconds(_ d: Date) -> Double { (d.timeIntervalSince1970 * 1000).rounded() / 1000 }
}
