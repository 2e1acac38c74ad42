import ArgumentParser
import Foundation
import OpsbookKit

struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "build", abstract: "Lint, run the checks, render the site.",
                                                    discussion: HelpExamples.discussion("build"))

    @OptionGroup var common: CommonOptions
    @OptionGroup var run: RunOptions
    @Flag(name: .long, help: "Render without running checks; criteria with checks show as not-run.")
    var noChecks = false
    @Flag(name: .long, help: "Do not build the search index.")
    var noSearch = false
    @Option(name: .long, help: "Where the site is written.")
    var out: String = "site"
    @Option(name: .long, help: "Reuse the results of earlier runs (results JSON files, comma-separated, one per target) instead of running checks.")
    var results: String?
    @OptionGroup var fleet: FleetOptions

    func run() async throws {
        let earlier = results.map { Pipeline.VerdictSource.earlier($0.split(separator: ",").map(String.init)) }
        let source: Pipeline.VerdictSource = noChecks ? .none : earlier ?? .run(targets: run.target)
        var build = SiteBuild(common: common, out: out, search: !noSearch)
        build.run = run.settings
        build.fleet = fleet.records
        let outcome = try await build.build(source)
        throw ExitStatus.code(diagnostics: outcome.diagnostics + outcome.siteDiagnostics, strict: common.strict,
                              anyFailure: outcome.anyFailure)
    }
}

/// `build` as the command line shows it, and what `serve` repeats on every change: the library
/// builds (`Pipeline.build`); this prints its problems, summaries and the pages written.
struct SiteBuild {
    var common: CommonOptions
    var out: String
    var search: Bool
    var run = RunSettings()
    var fleet = FleetRecords()

    var outURL: URL { URL(fileURLWithPath: out, relativeTo: common.rootURL).standardizedFileURL }

    /// Throws an exit status when the handbook has errors; the old site then stays as it was.
    func build(_ source: Pipeline.VerdictSource) async throws -> BuildOutcome {
        let options = Pipeline.BuildOptions(run: run, strict: common.strict, search: search, fleet: fleet)
        let outcome = try await Stages.library {
            try await Pipeline.build(root: common.rootURL, out: out, verdicts: source, options: options,
                                     progress: ProgressReporter(format: common.format, quiet: common.quiet))
        }
        return try show(outcome, source)
    }

    /// `build` for `serve`'s watcher thread (a thread of its own, not the cooperative pool).
    @available(*, noasync, message: "await build(_:) instead")
    func build(_ source: Pipeline.VerdictSource) throws -> BuildOutcome {
        let options = Pipeline.BuildOptions(run: run, strict: common.strict, search: search, fleet: fleet)
        let outcome = try Stages.library {
            try Pipeline.build(root: common.rootURL, out: out, verdicts: source, options: options,
                               progress: ProgressReporter(format: common.format, quiet: common.quiet))
        }
        return try show(outcome, source)
    }

    private func show(_ outcome: BuildOutcome, _ source: Pipeline.VerdictSource) throws -> BuildOutcome {
        if outcome.stopped { throw ExitStatus.code(diagnostics: outcome.diagnostics, strict: common.strict) }
        DiagnosticPrinter(format: common.format).print(outcome.siteDiagnostics)
        if case .run = source { Stages.printSummaries(outcome.runs, format: common.format, quiet: common.quiet) }
        let count = outcome.pages
        if !common.quiet { print("opsbook: wrote \(count) \(count == 1 ? "page" : "pages") to \(outcome.site.path)") }
        return outcome
    }
}
