import ArgumentParser
import Foundation
import OpsbookKit

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Lint and run checks only; print progress and a summary.",
                                                    discussion: HelpExamples.discussion("check"))

    @OptionGroup var common: CommonOptions
    @OptionGroup var run: RunOptions
    @Option(name: .long, help: "Only the checks of this page (path under the root, e.g. content/phases/phase-1.md).")
    var page: String?
    @Option(name: .long, help: "Only these check ids, comma-separated.")
    var only: String?
    @Option(name: .long, help: "Write the results document (JSON, version 1) here; with several targets one file each ({target} in the path, else before the extension).")
    var json: String?
    @Option(name: .long, help: "Write JUnit XML here.")
    var junit: String?

    @OptionGroup var fleet: FleetOptions

    func run() async throws {
        let options = Pipeline.CheckOptions(run: run.settings, strict: common.strict, page: page,
                                            only: only.map { $0.split(separator: ",").map(String.init) },
                                            json: json, junit: junit, fleet: fleet.records)
        let progress = ProgressReporter(format: common.format, summariesWhenRan: true, quiet: common.quiet)
        let outcome = try await Stages.library {
            try await Pipeline.check(root: common.rootURL, targets: run.target, options: options, progress: progress)
        }
        throw ExitStatus.code(diagnostics: outcome.diagnostics, strict: common.strict, anyFailure: outcome.anyFailure)
    }
}
