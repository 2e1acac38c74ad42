import Foundation
import OpsbookKit

/// Progress while checks run: a live line on a terminal, one plain line per check on a pipe or in
/// CI. Called from several tasks at once (targets run side by side), so the failure count and
/// the line written with it are under one lock (`Locked`).
final class ProgressReporter: Sendable {
    private let live = isatty(1) != 0 && ProcessInfo.processInfo.environment["CI"] == nil
    private let color = Terminal.stdoutIsColorTTY
    private let failures = Locked(0)
    /// How the problems found before a run are printed.
    private let format: DiagnosticPrinter.Format
    /// `check` prints the summaries as soon as every target has run, before reports are written.
    private let summariesWhenRan: Bool
    /// `--quiet`: nothing at all while checks run; the summary names only the failures.
    private let quiet: Bool

    init(format: DiagnosticPrinter.Format = .text, summariesWhenRan: Bool = false, quiet: Bool = false) {
        self.format = format
        self.summariesWhenRan = summariesWhenRan
        self.quiet = quiet
    }

    func start(total: Int, target: String) {
        write("opsbook: running \(total) \(total == 1 ? "check" : "checks") against target \(target)\n")
    }

    func finished(_ r: CheckResult, done: Int, total: Int) {
        failures.withLock { failures in
            if Interrupts.isStopping { return }  // killed by the interrupt, not failed
            if r.status.isFailure { failures += 1 }
            if live {
                write("\r\u{1B}[2K[\(done)/\(total)] \(failures) failing · \(r.id)")
            } else {
                write("\(paint(r.status)) \(r.id) (\(r.page):\(r.line), \(r.durationMilliseconds) ms)\n")
            }
        }
    }

    func end() {
        if live { write("\r\u{1B}[2K") }
    }

    private func paint(_ s: CheckStatus) -> String {
        let word = s.rawValue.uppercased()
        guard color else { return word }
        let code = s == .passed ? "32" : s.isFailure ? "31" : "33"
        return "\u{1B}[\(code)m\(word)\u{1B}[0m"
    }

    private func write(_ s: String) {
        if quiet { return }
        FileHandle.standardOutput.write(Data(s.utf8))
    }
}

/// The command line's view of the library's pipeline: problems printed before anything runs,
/// progress while it runs.
extension ProgressReporter: PipelineProgress {
    func ready(targets: [String], diagnostics: [Diagnostic]) throws {
        DiagnosticPrinter(format: format).print(diagnostics)
    }
    func started(total: Int, target: String) { start(total: total, target: target) }
    func ended(target: String) { end() }
    func ran(_ runs: [TargetRun]) {
        if summariesWhenRan { Stages.printSummaries(runs, format: format, quiet: quiet) }
    }
}

/// The end-of-run report: failures first (with place, reason and diff), then counts, then the
/// criteria, naming every one that is claimed done but failing.
struct SummaryPrinter {
    var format: DiagnosticPrinter.Format
    /// `--quiet`: only the failures and the criteria claimed done but failing; no counts.
    var quiet = false

    func print(_ results: Results) {
        var out = ""
        let failed = (results.checks ?? []).filter { $0.status.isFailure }
        for r in failed {
            // Reason and diff carry command output: no escape sequence or workflow command in it
            // may reach the terminal or the CI log (ConsoleText).
            out += "\n\(r.page):\(r.line): \(r.status.rawValue): check \(r.id)"
            if let reason = r.reason { out += ": \(ConsoleText.neutralise(reason))" }
            out += "\n"
            if let diff = r.diff {
                out += ConsoleText.neutralise(diff.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")) + "\n"
            }
            if format == .github {
                out += Diagnostic.error("check.\(r.status.rawValue)", "check \(r.id): \(r.reason ?? r.status.rawValue)",
                                        at: SourcePosition(path: r.page, line: r.line)).githubAnnotation + "\n"
            }
        }
        let checkCounts = CheckStatus.allCases.map { "\(results.count($0)) \($0.rawValue)" }.joined(separator: ", ")
        if !quiet { out += "\nchecks: \(checkCounts)\n" }
        let criteriaCounts = CriterionStatus.allCases.map { "\(results.count($0)) \($0.rawValue)" }.joined(separator: ", ")
        if !quiet { out += "criteria: \(criteriaCounts)\n" }
        for v in results.claimedFailing {
            out += "claimed done, failing: \(v.criterion.page):\(v.criterion.position.line): \(ConsoleText.neutralise(v.criterion.text))\n"
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
