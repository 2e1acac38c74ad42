import ArgumentParser
import Foundation
import OpsbookKit

/// What the stand-ins for recorded programs call on a fixture target. Not for people.
struct FixtureReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fixture-replay", shouldDisplay: false)

    @Argument(parsing: .captureForPassthrough) var argv: [String] = []

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        // `lint --prove`: answer as the made-up world does (Prove.swift), not from recordings.
        if let program = argv.first, let reply = Prover.standInReply(program: program, arguments: Array(argv.dropFirst()),
                                                                      environment: env, check: env["OPSBOOK_CHECK_ID"] ?? "") {
            FileHandle.standardOutput.write(Data(reply.stdout.utf8))
            FileHandle.standardError.write(Data(reply.stderr.utf8))
            throw ExitCode(reply.exit)
        }
        guard let indexPath = env["OPSBOOK_FIXTURE_INDEX"], let statePath = env["OPSBOOK_REPLAY_STATE"],
              let data = FileManager.default.contents(atPath: indexPath),
              let set = try? JSONDecoder().decode(FixtureSet.self, from: data) else {
            FileHandle.standardError.write(Data("opsbook fixture-replay: run only by opsbook's stand-ins during a check\n".utf8))
            throw ExitCode(2)
        }
        let stdin = isatty(0) != 0 ? Data() : FileHandle.standardInput.readDataToEndOfFile()
        let reply = FixtureReplayer.reply(to: argv, stdin: String(decoding: stdin, as: UTF8.self),
                                          check: env["OPSBOOK_CHECK_ID"] ?? FixtureReplayer.checkID(in: statePath), fixtures: set,
                                          state: URL(fileURLWithPath: statePath))
        FileHandle.standardOutput.write(Data(reply.stdout.utf8))
        FileHandle.standardError.write(Data(reply.stderr.utf8))
        throw ExitCode(reply.exit)
    }
}

/// What a fixture check's shell runs under, inside fresh namespaces made by `unshare`:
/// `opsbook fixture-sandbox BINDS SHELL ARGS…` mounts the stand-ins over the real programs and
/// becomes SHELL. Not for people.
struct FixtureSandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fixture-sandbox", shouldDisplay: false)

    @Argument(parsing: .captureForPassthrough) var argv: [String] = []

    func run() throws {
        guard argv.count >= 2 else {
            FileHandle.standardError.write(Data("opsbook fixture-sandbox: run only by opsbook for a fixture check\n".utf8))
            throw ExitCode(2)
        }
        let reason = FixtureIsolation.enterSandbox(bindsFile: argv[0], command: Array(argv.dropFirst()))
        // Only reached when the sandbox could not be made: the check must error, never run unisolated.
        FixtureReplayer.noteProblem("fixture isolation failed: \(reason)",
                                    state: ProcessInfo.processInfo.environment["OPSBOOK_REPLAY_STATE"])
        FileHandle.standardError.write(Data("opsbook: fixture isolation failed: \(reason)\n".utf8))
        throw ExitCode(FixtureIsolation.sandboxFailedStatus)
    }
}
