import Foundation

/// One attempt at one check: write the script, run it in a fresh folder, judge the output.
extension CheckRunner {
    func attemptOnce(_ check: CheckBlock, workspace: Workspace, replayState: URL) -> CheckResult {
        var result = CheckResult(id: check.id, page: check.page, line: check.position.line, status: .errored)
        let transcript = check.isTranscript
            ? TranscriptScript(transcript: TranscriptParser().parse(check.body, firstLine: check.firstBodyLine).0) : nil
        do {
            let work = try workspace.newWorkingFolder(for: check.id)
            defer { try? FileManager.default.removeItem(at: work) }
            let arguments = try shellArguments(transcript?.text ?? check.body, check: check, workspace: workspace)
            let shell = workspace.sandbox?.wrap(shell: workspace.shellPath(check.attributes.shell), arguments: arguments)
                ?? (executable: workspace.shellPath(check.attributes.shell), arguments: arguments)
            let process = ShellProcess(executable: shell.executable, arguments: shell.arguments,
                                       environment: environment(check, workspace: workspace, replayState: replayState),
                                       workingDirectory: work.path, timeoutMilliseconds: check.attributes.timeoutMilliseconds)
            let outcome = try process.run()
            result.durationMilliseconds = outcome.durationMilliseconds
            result.exit = outcome.exitStatus.map(Int.init)
            judge(outcome, transcript: transcript, check: check, into: &result)
            if let errors = FixtureReplayer.errors(in: replayState) {
                result.status = .errored
                result.reason = errors
            }
        } catch {
            result.status = .errored
            result.reason = "\(error)"
        }
        result.reason = result.reason.map(redactor.redact)
        return result
    }

    /// The script goes to the shell as `-c` text: creating a file per check cost more than
    /// anything else opsbook adds to a trivial check. A body too long for one argument
    /// (Linux allows 128 KiB) goes through a file instead.
    private func shellArguments(_ script: String, check: CheckBlock, workspace: Workspace) throws -> [String] {
        let pipefail = check.attributes.shell == .bash ? ["-o", "pipefail"] : []
        if script.utf8.count < 100_000 { return pipefail + ["-c", script, check.attributes.shell.rawValue] }
        return pipefail + [try workspace.writeScript(script, for: check.id).path]
    }

    private func environment(_ check: CheckBlock, workspace: Workspace, replayState: URL) -> [String: String] {
        var env = baseEnvironment
        env.merge(target.env) { $1 }
        env["PATH"] = workspace.path
        env["OPSBOOK_TARGET"] = target.name
        env["OPSBOOK_ROOT"] = root.path
        env["OPSBOOK_CHECK_ID"] = check.id
        if mode == .record {
            env["OPSBOOK_REAL_PATH"] = workspace.callerPath
            env["OPSBOOK_RECORD_LOG"] = workspace.recordLog(for: check.id).path
            if let context = target.kubeContext { env["OPSBOOK_KUBE_CONTEXT"] = context }
        } else if target.isReplay {
            env["OPSBOOK_FIXTURE_INDEX"] = workspace.fixtureIndex.path
            env["OPSBOOK_REPLAY_STATE"] = replayState.path
            workspace.sandbox?.poison(&env)
        }
        return env
    }

    private func judge(_ outcome: ShellProcess.Outcome, transcript: TranscriptScript?, check: CheckBlock,
                       into result: inout CheckResult) {
        let raw = String(decoding: outcome.output, as: UTF8.self)
        if outcome.timedOut {
            result.status = .timedOut
            result.reason = "timed out after \(Double(check.attributes.timeoutMilliseconds) / 1000)s; its process group was killed"
            let shown = transcript.map { strip(raw, marker: $0.marker) } ?? raw
            keep(shown, truncated: outcome.outputTruncated, in: &result)
            return
        }
        if let transcript {
            judgeTranscript(raw, transcript, shellStatus: outcome.exitStatus.map(Int.init), truncated: outcome.outputTruncated, into: &result)
        } else {
            keep(raw, truncated: outcome.outputTruncated, in: &result)
            result.status = outcome.exitStatus == 0 ? .passed : .failed
            if result.status == .failed {
                result.reason = "exit status \(outcome.exitStatus.map(String.init) ?? "?"), expected 0"
            }
        }
    }

    private func judgeTranscript(_ raw: String, _ script: TranscriptScript, shellStatus: Int?, truncated: Bool,
                                 into result: inout CheckResult) {
        let pieces = script.split(raw, shellStatus: shellStatus)
        let commands = script.transcript.commands
        var shown: [String] = []
        var diffs: [String] = []
        var reasons: [String] = []
        for (command, piece) in zip(commands, pieces) {
            shown.append(commands.count > 1 ? "$ \(command.command)\n\(piece.output)" : piece.output)
            let verdict = CommandJudge.judge(command, output: piece.output, status: piece.status)
            if let reason = verdict.reason {
                reasons.append(commands.count > 1 ? "line \(command.line): \(reason)" : reason)
                if let diff = verdict.diff {
                    diffs.append(commands.count > 1 ? "@@ $ \(command.command) (line \(command.line)) @@\n" + diff : diff)
                }
            }
        }
        keep(shown.joined(separator: commands.count > 1 ? "\n" : ""), truncated: truncated, in: &result)
        result.status = reasons.isEmpty ? .passed : .failed
        result.reason = reasons.isEmpty ? nil : reasons.joined(separator: "; ")
        result.diff = diffs.isEmpty ? nil : redactor.redact(diffs.joined())
    }

    private func strip(_ raw: String, marker: String) -> String {
        raw.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix(marker) }.joined(separator: "\n")
    }

    /// Redacts, then keeps the last `keptOutputBytes` (matching already used the full output).
    private func keep(_ output: String, truncated: Bool, in result: inout CheckResult) {
        let redacted = redactor.redact(output)
        var bytes = Array(redacted.utf8)
        var cut = truncated
        if bytes.count > keptOutputBytes {
            bytes = Array(bytes.suffix(keptOutputBytes))
            while let first = bytes.first, first & 0xC0 == 0x80 { bytes.removeFirst() }
            cut = true
        }
        result.output = String(decoding: bytes, as: UTF8.self)
        result.outputTruncated = cut
    }
}

/// Judges one transcript command from its output and exit status.
public enum CommandJudge {
    public struct Verdict { public var reason: String?; public var diff: String? }

    public static func judge(_ command: TranscriptCommand, output: String, status: Int?) -> Verdict {
        guard let status else {
            return Verdict(reason: "the shell ended before `\(command.command)` finished", diff: nil)
        }
        let expectedExit = command.expectedExit ?? 0
        let actual = Matcher.lines(output)
        if !command.judgesExitOnly, !Matcher.matches(command.expected, actual) {
            let diff = OutputDiff.make(expected: command.expected, actual: actual).text
            let exitNote = status == expectedExit ? "" : " and exit status \(status), expected \(expectedExit)"
            return Verdict(reason: "output differs from the expected lines" + exitNote, diff: diff)
        }
        if status != expectedExit {
            let tail = actual.suffix(10).map { "+" + $0 }.joined(separator: "\n")
            return Verdict(reason: "exit status \(status), expected \(expectedExit)",
                           diff: "-[\(expectedExit)]\n+[\(status)]\n" + (tail.isEmpty ? "" : tail + "\n"))
        }
        return Verdict(reason: nil, diff: nil)
    }
}
