import ArgumentParser
import Foundation
import XCTest
@testable import OpsbookKit
@testable import opsbook

/// What people expect of a command-line tool: examples in `help`, `--quiet`, `NO_COLOR`,
/// completions generated from the command definitions.
/// Binary, all of them: help, `--quiet`, colour on a terminal and completions are the command line's.
final class CLIConventionsTests: XCTestCase {
    private var visibleCommands: [ParsableCommand.Type] {
        OpsbookCommand.configuration.subcommands.filter { $0.configuration.shouldDisplay }
    }

    func testEveryCommandsHelpShowsExamplesTheParserAccepts() throws {
        let names = visibleCommands.map { $0._commandName }
        XCTAssertTrue(Set(HelpExamples.byCommand.keys).isSubset(of: names), "examples for a command opsbook lacks")
        for name in names {
            let help = try TestSupport.opsbook(["help", name], in: TestSupport.scratch)
            XCTAssertEqual(help.status, 0, help.stderr)
            // A command may write its examples into its own discussion (diff does).
            XCTAssertTrue(help.stdout.lowercased().contains("examples:"), "opsbook help \(name) has no examples:\n\(help.stdout)")
            let examples = HelpExamples.byCommand[name] ?? []
            for example in examples {
                XCTAssertTrue(help.stdout.contains(example.command), "\(name) help lacks \(example.command)")
                let words = example.command.split(separator: " ").dropFirst().map(String.init)
                XCTAssertNoThrow(try OpsbookCommand.parseAsRoot(words), example.command)
            }
        }
    }

    private func failing() throws -> URL {
        try TestSupport.handbook([
            "content/index.md": "# A\n- [x] fine\n  ```check fine\n  $ echo ok\n  ok\n  ```\n- [x] broken\n  ```check broken\n  $ echo no\n  yes\n  ```\n",
            "checks/targets.yaml": "default: local\ntargets:\n  local: {}\n",
        ])
    }

    func testQuietPrintsOnlyTheFailures() throws {
        let root = try failing()
        let loud = try TestSupport.opsbook(["check"], in: root)
        XCTAssertEqual(loud.status, 1)
        XCTAssertTrue(loud.stdout.contains("running 2 checks"), loud.stdout)
        XCTAssertTrue(loud.stdout.contains("checks: "), loud.stdout)

        let quiet = try TestSupport.opsbook(["check", "--quiet"], in: root)
        XCTAssertEqual(quiet.status, 1)
        XCTAssertFalse(quiet.stdout.contains("running"), quiet.stdout)
        XCTAssertFalse(quiet.stdout.contains("PASSED"), quiet.stdout)
        XCTAssertFalse(quiet.stdout.contains("checks: "), quiet.stdout)
        XCTAssertTrue(quiet.stdout.contains("content/index.md:8: failed: check broken"), quiet.stdout)
        XCTAssertTrue(quiet.stdout.contains("claimed done, failing: content/index.md:7: broken"), quiet.stdout)

        let built = try TestSupport.opsbook(["build", "-q", "--no-checks", "--no-search"], in: root)
        XCTAssertEqual(built.status, 0, built.stderr)
        XCTAssertEqual(built.stdout, "")
        let dir = TestSupport.scratch.appendingPathComponent("quiet-" + UUID().uuidString)
        let made = try TestSupport.opsbook(["init", "--quiet", dir.path], in: TestSupport.scratch)
        XCTAssertEqual(made.status, 0)
        XCTAssertEqual(made.stdout, "")
    }

    /// On a terminal, problems and statuses are coloured unless NO_COLOR is set (no-color.org).
    func testNoColorTurnsColourOffOnATerminal() throws {
        let root = try failing()
        try Data("```check Bad\ntrue\n```\n".utf8).write(to: root.appendingPathComponent("content/bad.md"))
        let esc = "\u{1B}["
        for args in [["lint"], ["check", "--only", "fine,broken"]] {
            let coloured = try Self.onTerminal(args, in: root, noColor: nil)
            XCTAssertTrue(coloured.contains(esc + "1;31m") || coloured.contains(esc + "31m"), "\(args): \(coloured)")
            let plain = try Self.onTerminal(args, in: root, noColor: "1")
            XCTAssertFalse(plain.contains(esc + "1;31m") || plain.contains(esc + "31m") || plain.contains(esc + "32m"), "\(args): \(plain)")
            XCTAssertFalse(plain.isEmpty)
        }
    }

    func testCompletionScriptsComeFromTheCommandDefinitions() throws {
        for shell in ["bash", "zsh", "fish"] {
            let run = try TestSupport.opsbook(["--generate-completion-script", shell], in: TestSupport.scratch)
            XCTAssertEqual(run.status, 0, run.stderr)
            for word in ["init", "build", "check", "no-search", "junit"] {
                XCTAssertTrue(run.stdout.contains(word), "\(shell) completion lacks \(word)")
            }
        }
    }

    /// Runs the binary under a pseudo-terminal (util-linux `script`), so it sees a TTY as a person
    /// would; returns everything it printed.
    static func onTerminal(_ args: [String], in dir: URL, noColor: String?) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        let command = ([TestSupport.binary.path] + args).map { "'\($0)'" }.joined(separator: " ")
        p.arguments = ["-qec", command, "/dev/null"]
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = noColor
        env["CI"] = nil
        env["TERM"] = "xterm"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
