import ArgumentParser
import Foundation
import OpsbookKit

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Start a new handbook in a new or empty folder.",
        discussion: HelpExamples.discussion("init", """
            Writes content/ (a home page, one phase with two acceptance criteria, one runbook), \
            checks/targets.yaml with a `local` target, .gitignore, and CI recipes for GitHub Actions \
            and GitLab CI. The new handbook builds and passes at once on Linux and macOS. A folder that \
            is not empty is left untouched (exit 2).
            """))

    @Argument(help: "The folder to create (default: the current folder, which must be empty).")
    var dir: String = "."

    @Flag(name: [.short, .long], help: "Print nothing when all went well.")
    var quiet = false

    func run() async throws {
        let url = URL(fileURLWithPath: dir).standardizedFileURL
        let written: [String]
        do {
            written = try StarterHandbook.write(into: url)
        } catch let refused as StarterHandbook.Refused {
            throw ExitStatus.usage(refused.description)
        }
        if quiet { return }
        print("opsbook: wrote \(written.count) files to \(url.path)")
        print("next: cd \(dir) && opsbook serve")
    }
}
