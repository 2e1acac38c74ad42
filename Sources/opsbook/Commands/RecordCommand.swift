import ArgumentParser
import Foundation
import OpsbookKit

struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Run the checks against a real target and write what the recorded programs answered as fixtures.",
        discussion: HelpExamples.discussion("record", "Writes checks/fixtures/<into>/<check-id>.yaml, replacing that folder's previous recording. Output is redacted before it is written."))

    @OptionGroup var common: CommonOptions
    @OptionGroup var run: RunOptions
    @Option(name: .long, help: "Fixture folder name under checks/fixtures/ to write.")
    var into: String

    func run() async throws {
        let reporter = ProgressReporter(format: common.format, quiet: common.quiet)
        let outcome = try await Stages.library {
            try await Pipeline.record(root: common.rootURL, target: run.target, into: into, options: run.settings,
                                strict: common.strict, progress: reporter)
        }
        guard let results = outcome.results, !outcome.stopped else {
            throw ExitStatus.code(diagnostics: outcome.diagnostics, strict: common.strict)
        }
        SummaryPrinter(format: common.format, quiet: common.quiet).print(results)
        let count = outcome.recorded
        if !common.quiet { print("opsbook: recorded \(count) \(count == 1 ? "check" : "checks") into \(outcome.folder.path)") }
        throw ExitStatus.code(diagnostics: outcome.diagnostics, strict: common.strict, anyFailure: results.anyFailure)
    }
}

/// What the stand-ins call while recording. Not for people.
struct FixtureRecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fixture-record", shouldDisplay: false)

    @Argument(parsing: .captureForPassthrough) var argv: [String] = []

    func run() throws {
        throw StandInIO.answer(Pipeline.recordFixtureCall(arguments: argv, environment: ProcessInfo.processInfo.environment,
                                                          standardInput: StandInIO.readStandardInput))
    }
}
