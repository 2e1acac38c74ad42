import ArgumentParser
import Foundation
import OpsbookKit

struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "build", abstract: "Lint, run the checks, render the site.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var run: RunOptions
    @Flag(name: .long, help: "Render without running checks; criteria with checks show as not-run.")
    var noChecks = false
    @Flag(name: .long, help: "Do not build the search index.")
    var noSearch = false
    @Option(name: .long, help: "Where the site is written.")
    var out: String = "site"
    @Option(name: .long, help: "Reuse the results of an earlier run (a results JSON file) instead of running checks.")
    var results: String?

    func run() async throws {
        let (handbook, lint) = try Stages.loadAndLint(common)
        var diagnostics = lint
        var setup: RunSetup? = nil
        if !noChecks && results == nil {
            setup = try Stages.setUpRun(handbook, root: common.rootURL, targetName: run.target)
            diagnostics += setup!.diagnostics
        } else {
            diagnostics += ChecksFolder(root: common.rootURL).loadAttestations(for: handbook).1
        }
        DiagnosticPrinter(format: common.format).print(diagnostics)
        let status = ExitStatus.code(diagnostics: diagnostics, strict: common.strict)
        if status != .success { throw status }

        let verdicts = try decide(handbook, setup: setup)
        let outURL = URL(fileURLWithPath: out, relativeTo: common.rootURL).standardizedFileURL
        let theme = try Theme(override: Stages.themeFolder(common.rootURL))
        var searchProblems: [Diagnostic] = []
        try SiteRenderer(theme: theme, today: Day.today()).render(handbook, verdicts, into: outURL) { staging in
            if !noSearch { searchProblems = PagefindIndexer().index(staging) }
        }
        DiagnosticPrinter(format: common.format).print(searchProblems)
        if setup != nil { SummaryPrinter(format: common.format).print(verdicts) }
        print("opsbook: wrote \(handbook.pages.count) pages to \(outURL.path)")
        throw ExitStatus.code(diagnostics: diagnostics, strict: common.strict, anyFailure: verdicts.anyFailure)
    }

    private func decide(_ handbook: Handbook, setup: RunSetup?) throws -> Results {
        let today = Day.today()
        if let results {
            let earlier: ResultsFile.EarlierRun
            do {
                earlier = try ResultsFile.read(try Data(contentsOf: URL(fileURLWithPath: results, relativeTo: common.rootURL)))
            } catch {
                throw ExitStatus.usage("--results \(results): \(error)")
            }
            // Checks added since that run have no result: their criteria show not-run, never passed.
            let attestations = ChecksFolder(root: common.rootURL).loadAttestations(for: handbook).0
            return Results(handbook: handbook, checks: earlier.checks, attestations: attestations, target: earlier.target,
                           started: earlier.started, finished: earlier.finished, today: today)
        }
        guard let setup else {
            let attestations = ChecksFolder(root: common.rootURL).loadAttestations(for: handbook).0
            return Results(handbook: handbook, checks: nil, attestations: attestations, target: nil,
                           started: nil, finished: nil, today: today)
        }
        let started = Date()
        let checkResults = try Stages.runChecks(handbook.checks, setup: setup, root: common.rootURL, options: run,
                                                reporter: ProgressReporter())
        return Results(handbook: handbook, checks: checkResults, attestations: setup.attestations,
                       target: setup.target.name, started: started, finished: Date(), today: today)
    }
}
