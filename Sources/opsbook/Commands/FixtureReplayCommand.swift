import ArgumentParser
import Foundation
import OpsbookKit

/// What the stand-ins for recorded programs call on a fixture target. Not for people.
struct FixtureReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fixture-replay", shouldDisplay: false)

    @Argument(parsing: .captureForPassthrough) var argv: [String] = []

    func run() throws {
        let reply = Pipeline.replayFixture(arguments: argv, environment: ProcessInfo.processInfo.environment,
                                           standardInput: StandInIO.readStandardInput)
        throw StandInIO.answer(reply)
    }
}

/// What a fixture check's shell runs under, inside fresh namespaces made by `unshare`:
/// `opsbook fixture-sandbox BINDS SHELL ARGS…` mounts the stand-ins over the real programs and
/// becomes SHELL. Not for people.
struct FixtureSandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fixture-sandbox", shouldDisplay: false)

    @Argument(parsing: .captureForPassthrough) var argv: [String] = []

    func run() throws {
        // Returns only when the sandbox could not be made.
        throw StandInIO.answer(Pipeline.enterFixtureSandbox(arguments: argv, environment: ProcessInfo.processInfo.environment))
    }
}

/// The stand-ins' side of the terminal: their input, and their answer printed as an exit.
enum StandInIO {
    /// A check's stdin; nothing when it is a terminal (a person trying the stand-in by hand).
    static func readStandardInput() -> Data {
        isatty(0) != 0 ? Data() : FileHandle.standardInput.readDataToEndOfFile()
    }

    static func answer(_ reply: StandInReply) -> ExitCode {
        FileHandle.standardOutput.write(Data(reply.stdout.utf8))
        FileHandle.standardError.write(Data(reply.stderr.utf8))
        return ExitCode(reply.exit)
    }
}
