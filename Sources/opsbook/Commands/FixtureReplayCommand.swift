import ArgumentParser
import Foundation
import OpsbookKit

/// What the stand-ins for recorded programs call on a fixture target. Not for people.
struct FixtureReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fixture-replay", shouldDisplay: false)

    @Argument(parsing: .captureForPassthrough) var argv: [String] = []

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        guard let indexPath = env["OPSBOOK_FIXTURE_INDEX"], let statePath = env["OPSBOOK_REPLAY_STATE"],
              let data = FileManager.default.contents(atPath: indexPath),
              let set = try? JSONDecoder().decode(FixtureSet.self, from: data) else {
            FileHandle.standardError.write(Data("opsbook fixture-replay: run only by opsbook's stand-ins during a check\n".utf8))
            throw ExitCode(2)
        }
        let stdin = isatty(0) != 0 ? Data() : FileHandle.standardInput.readDataToEndOfFile()
        let reply = FixtureReplayer.reply(to: argv, stdin: String(decoding: stdin, as: UTF8.self),
                                          check: env["OPSBOOK_CHECK_ID"] ?? "", fixtures: set,
                                          state: URL(fileURLWithPath: statePath))
        FileHandle.standardOutput.write(Data(reply.stdout.utf8))
        FileHandle.standardError.write(Data(reply.stderr.utf8))
        throw ExitCode(reply.exit)
    }
}
