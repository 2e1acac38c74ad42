import ArgumentParser
import Foundation
import OpsbookKit


struct OpsbookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opsbook",
        abstract: "Check and publish an ops handbook: run its check blocks, decide its acceptance criteria, render a static site.",
        version: "opsbook \(OpsbookVersion.version)\ncommit \(OpsbookVersion.commit)",
        subcommands: [
            InitCommand.self, BuildCommand.self, CheckCommand.self, LintCommand.self, RecordCommand.self,
            ServeCommand.self, DiffCommand.self,
            FixtureReplayCommand.self, FixtureRecordCommand.self, FixtureSandboxCommand.self,
        ]
    )
}

/// Options every subcommand shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "The handbook's root (the folder holding content/ and checks/).")
    var root: String = "."

    @Option(name: .long, help: "How problems are printed: text or github (GitHub Actions annotations).")
    var format: DiagnosticPrinter.Format = .text

    @Flag(name: .long, help: "Treat warnings as errors.")
    var strict = false

    @Flag(name: [.short, .long], help: "Print only problems and failures: no progress, no counts, no closing line. (Colour: set NO_COLOR to turn it off.)")
    var quiet = false

    var rootURL: URL { URL(fileURLWithPath: root) }
}
