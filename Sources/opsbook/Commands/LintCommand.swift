import ArgumentParser
import Foundation
import OpsbookKit

struct LintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lint", abstract: "Parse everything, report every problem, run nothing (--prove: run every check in made-up worlds, isolated, to show it can fail).",
                                                    discussion: HelpExamples.discussion("lint"))

    @OptionGroup var common: CommonOptions
    @Flag(name: .long, help: "Also run every check in made-up worlds (empty answers, errors, an empty cluster) and warn about checks that pass in one.")
    var prove = false
    @Option(name: .long, help: "With --prove: checks run at the same time (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() async throws {
        let outcome = try await Stages.library {
            try await Pipeline.lint(root: common.rootURL, prove: prove ? Pipeline.ProveSettings(jobs: jobs) : nil)
        }
        DiagnosticPrinter(format: common.format).print(outcome.diagnostics)
        throw ExitStatus.code(diagnostics: outcome.diagnostics, strict: common.strict)
    }
}
