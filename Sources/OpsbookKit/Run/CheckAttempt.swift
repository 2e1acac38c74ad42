import Foundation

/// One attempt at one check: write the script, run it in a fresh folder, judge the output.
extension CheckRunner {
    func attemptOnce(_ check: CheckBlock, workspace: Workspace, replayState: URL) -> CheckResult {
        var result = CheckResult(id: check.id, page: check.page, line: check.position.line, status: .errored)
        let transcript = check.transcript.map(TranscriptScript.init(transcript:))
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
        // In a pod, kubectl uses the service account only when no kubeconfig is named.
        if target.inCluster { env.removeValue(forKey: "KUBECONFIG") }
        if mode == .record {
            env["OPSBOOK_REAL_PATH"] = workspace.callerPath
            env["OPSBOOK_RECORD_LOG"] = workspace.recordLog(for: check.id).path
            if let context = target.kubeContext { env["OPSBOOK_KUBE_CONTEXT"] = context }
            // Names only: the recorder redacts these variables' values as it writes its log.
            env["OPSBOOK_SECRET_ENV"] = target.env.keys.sorted().joined(separator: ",")
        } else if target.isReplay {
            env["OPSBOOK_FIXTURE_INDEX"] = workspace.fixtureIndex.path
            env["OPSBOOK_REPLAY_STATE"] = replayState.path
            workspace.sandbox?.poison(&env)
        }
        return env
    }

    private func judge(_ outcome: ShellProcess.Outcome, transcript: TranscriptScript?, check: CheckBlock,
                       into result: inout CheckResult) {
        let raw = [UInt8](outcome.output)
        if outcome.timedOut {
            result.status = .timedOut
            result.reason = "timed out after \(Double(check.attributes.timeoutMilliseconds) / 1000)s; its process group was killed"
            let shown = transcript.map { $0.withoutMarkers(raw) } ?? raw
            keep(ActualOutput(bytes: TerminalEscapes.strip(shown)).text, truncated: outcome.outputTruncated, in: &result)
            return
        }
        if let transcript {
            judgeTranscript(raw, transcript, shellStatus: outcome.exitStatus.map(Int.init), truncated: outcome.outputTruncated,
                            budget: MatchBudget(milliseconds: check.attributes.timeoutMilliseconds), into: &result)
        } else {
            keep(ActualOutput(bytes: TerminalEscapes.strip(raw)).text, truncated: outcome.outputTruncated, in: &result)
            result.status = outcome.exitStatus == 0 ? .passed : .failed
            if result.status == .failed {
                result.reason = "exit status \(outcome.exitStatus.map(String.init) ?? "?"), expected 0"
            }
        }
    }

    /// Judges every command; `exit` becomes the status of the command that decided the verdict
    /// (the first that did not match, else the last), as contract §9 says.
    private func judgeTranscript(_ raw: [UInt8], _ script: TranscriptScript, shellStatus: Int?, truncated: Bool,
                                 budget: MatchBudget, into result: inout CheckResult) {
        let pieces = script.split(raw, shellStatus: shellStatus)
        let commands = script.transcript.commands
        var shown: [String] = []
        var diffs: [String] = []
        var reasons: [String] = []
        var deciding: Int?? = nil
        for (command, piece) in zip(commands, pieces) {
            shown.append(commands.count > 1 ? "$ \(command.command)\n\(piece.output.text)" : piece.output.text)
            let verdict = CommandJudge.judge(command, output: piece.output, status: piece.status, budget: budget)
            if let reason = verdict.reason {
                if deciding == nil { deciding = .some(piece.status) }
                reasons.append(commands.count > 1 ? "line \(command.line): \(reason)" : reason)
                if let diff = verdict.diff {
                    diffs.append(commands.count > 1 ? "@@ $ \(command.command) (line \(command.line)) @@\n" + diff : diff)
                }
            }
        }
        keep(shown.joined(separator: commands.count > 1 ? "\n" : ""), truncated: truncated, in: &result)
        result.exit = deciding ?? pieces.last?.status
        result.status = reasons.isEmpty ? .passed : .failed
        result.reason = reasons.isEmpty ? nil : reasons.joined(separator: "; ")
        result.diff = diffs.isEmpty ? nil : redactor.redactDiff(diffs.joined())
        if let why = budget.reason {
            // A pattern that could not be finished says nothing about the cluster.
            result.status = .errored
            result.reason = why
        }
    }

    /// Redacts, then keeps the last `keptOutputBytes` (matching already used the full output).
    /// Only the kept tail and a margin before it are redacted: redacting ten megabytes took half
    /// a minute, and a secret (a private key block is a few KiB) that starts in the margin is
    /// still seen whole.
    private func keep(_ output: String, truncated: Bool, in result: inout CheckResult) {
        let margin = 64 * 1024
        var window = Substring(output)
        if output.utf8.count > keptOutputBytes + margin {
            let tail = output.utf8.suffix(keptOutputBytes + margin)
            window = output[tail.startIndex...]
        }
        let redacted = redactor.redact(String(window))
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
        judge(command, output: ActualOutput(output), status: status)
    }

    public static func judge(_ command: TranscriptCommand, output: ActualOutput, status: Int?,
                             budget: MatchBudget = .standard()) -> Verdict {
        guard let status else {
            return Verdict(reason: "the shell ended before `\(command.command)` finished", diff: nil)
        }
        let expectedExit = command.expectedExit ?? 0
        if !command.judgesExitOnly, !Matcher.matches(command.expected, output, budget: budget) {
            let diff = OutputDiff.make(expected: command.expected, actual: output, budget: budget).text
            let exitNote = status == expectedExit ? "" : " and exit status \(status), expected \(expectedExit)"
            return Verdict(reason: "output differs from the expected lines" + exitNote, diff: diff)
        }
        if status != expectedExit {
            let tail = output.lines.suffix(10).map { "+" + OutputDiff.shown($0) }.joined(separator: "\n")
            return Verdict(reason: "exit status \(status), expected \(expectedExit)",
                           diff: "-[\(expectedExit)]\n+[\(status)]\n" + (tail.isEmpty ? "" : tail + "\n"))
        }
        return Verdict(reason: nil, diff: nil)
    }
}
