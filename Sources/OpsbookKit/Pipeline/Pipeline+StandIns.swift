import Foundation

/// What a stand-in answers: the text for its stdout and stderr, and its exit status. The command
/// line prints it and exits; the library decides it.
public struct StandInReply: Equatable, Sendable {
    public var stdout: String
    public var stderr: String
    public var exit: Int32

    public init(stdout: String = "", stderr: String = "", exit: Int32) {
        self.stdout = stdout
        self.stderr = stderr
        self.exit = exit
    }
}

/// The three hidden subcommands a check's recorded programs are replaced by (docs/fixtures.md):
/// `fixture-replay` and `fixture-record` are what the stand-in scripts exec, `fixture-sandbox`
/// is what a fixture check's shell starts under. They run inside a check, from the environment
/// its runner set up; people never call them.
extension Pipeline {
    /// `opsbook fixture-replay PROGRAM ARGS…`: in a `lint --prove` world, the world's answer; on
    /// a fixture target, the recorded answer for this check (or a missing-fixture error).
    /// `standardInput` is read only when the call is replayed from recordings.
    public static func replayFixture(arguments: [String], environment env: [String: String],
                                     standardInput: () -> Data) -> StandInReply {
        if let program = arguments.first,
           let reply = Prover.standInReply(program: program, arguments: Array(arguments.dropFirst()),
                                           environment: env, check: env["OPSBOOK_CHECK_ID"] ?? "") {
            return StandInReply(stdout: reply.stdout, stderr: reply.stderr, exit: reply.exit)
        }
        guard let indexPath = env["OPSBOOK_FIXTURE_INDEX"], let statePath = env["OPSBOOK_REPLAY_STATE"],
              let data = FileManager.default.contents(atPath: indexPath),
              let set = try? JSONDecoder().decode(FixtureSet.self, from: data) else {
            return StandInReply(stderr: "opsbook fixture-replay: run only by opsbook's stand-ins during a check\n", exit: 2)
        }
        let reply = FixtureReplayer.reply(to: arguments, stdin: String(decoding: standardInput(), as: UTF8.self),
                                          check: env["OPSBOOK_CHECK_ID"] ?? FixtureReplayer.checkID(in: statePath),
                                          fixtures: set, state: URL(fileURLWithPath: statePath))
        return StandInReply(stdout: reply.stdout, stderr: reply.stderr, exit: reply.exit)
    }

    /// `opsbook fixture-record PROGRAM ARGS…` during `opsbook record`: runs the real program,
    /// whose output passes straight through, and logs the call (redacted). The reply carries
    /// only the exit status, or the refusal when not run by a recording.
    public static func recordFixtureCall(arguments: [String], environment env: [String: String],
                                         standardInput: () -> Data) -> StandInReply {
        guard let log = env["OPSBOOK_RECORD_LOG"], let realPath = env["OPSBOOK_REAL_PATH"] else {
            return StandInReply(stderr: "opsbook fixture-record: run only by opsbook's stand-ins during a recording\n", exit: 2)
        }
        let status = FixtureRecorder.record(argv: arguments, stdin: standardInput(), check: env["OPSBOOK_CHECK_ID"] ?? "",
                                            realPath: realPath, kubeContext: env["OPSBOOK_KUBE_CONTEXT"],
                                            log: URL(fileURLWithPath: log),
                                            redactor: FixtureRecorder.standInRedactor(environment: env))
        return StandInReply(exit: status)
    }

    /// `opsbook fixture-sandbox BINDS SHELL ARGS…`, already inside fresh namespaces: mounts the
    /// stand-ins over the real programs and becomes SHELL. Returns only when that failed; the
    /// failure is noted in the replay state too, so the check errors rather than runs unisolated.
    public static func enterFixtureSandbox(arguments: [String], environment env: [String: String]) -> StandInReply {
        guard arguments.count >= 2 else {
            return StandInReply(stderr: "opsbook fixture-sandbox: run only by opsbook for a fixture check\n", exit: 2)
        }
        let reason = FixtureIsolation.enterSandbox(bindsFile: arguments[0], command: Array(arguments.dropFirst()))
        FixtureReplayer.noteProblem("fixture isolation failed: \(reason)", state: env["OPSBOOK_REPLAY_STATE"])
        return StandInReply(stderr: "opsbook: fixture isolation failed: \(reason)\n", exit: FixtureIsolation.sandboxFailedStatus)
    }
}
