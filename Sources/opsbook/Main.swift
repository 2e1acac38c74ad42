import ArgumentParser
import Foundation
import OpsbookKit

/// Entry point. Parses and runs like ArgumentParser's own `main`, with two differences the
/// contract (§6, §8) needs:
/// - a command-line mistake (unknown option, `--jobs abc`, `--format xml`) exits 2, not
///   ArgumentParser's 64; an unexpected error exits 2 with its message, never 1, which means
///   "a check failed";
/// - interrupts are handled and orphans of checks adopted before anything runs.
@main
enum OpsbookMain {
    static func main() async {
        let command: ParsableCommand
        do {
            command = try OpsbookCommand.parseAsRoot()
        } catch {
            if OpsbookCommand.exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((OpsbookCommand.fullMessage(for: error) + "\n").utf8))
                exit(2)
            }
            OpsbookCommand.exit(withError: error)
        }
        // The stand-ins run inside a check: their parent opsbook cleans up after them.
        if !(command is FixtureReplayCommand || command is FixtureRecordCommand || command is FixtureSandboxCommand) {
            Interrupts.install()
            ProcessTree.adoptOrphans()
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
        } catch let code as ExitCode {
            Interrupts.checkpoint()
            OpsbookCommand.exit(withError: code)
        } catch {
            Interrupts.checkpoint()
            if OpsbookCommand.exitCode(for: error) == .success { OpsbookCommand.exit(withError: error) }
            let message = "opsbook: error: \(OpsbookCommand.message(for: error))\n"
            FileHandle.standardError.write(Data(message.utf8))
            exit(2)
        }
        Interrupts.checkpoint()
        OpsbookCommand.exit()
    }
}
