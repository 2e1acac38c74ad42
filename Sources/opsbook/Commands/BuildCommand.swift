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
        let source: SiteBuild.Verdicts = noChecks ? .none : results.map { .earlier($0) } ?? .run(run)
        let build = SiteBuild(common: common, out: out, search: !noSearch)
        let (verdicts, diagnostics) = try build.build(source)
        throw ExitStatus.code(diagnostics: diagnostics, strict: common.strict, anyFailure: verdicts.anyFailure)
    }
}

/// Load, lint, decide, render: what `build` does, and what `serve` repeats on every change.
struct SiteBuild {
    var common: CommonOptions
    var out: String
    var search: Bool

    enum Verdicts {
        case none
        case run(RunOptions)
        case earlier(String)
        /// Results already in memory (serve's rebuilds).
        case given([CheckResult], target: String?, started: Date?, finished: Date?)
    }

    var outURL: URL { URL(fileURLWithPath: out, relativeTo: common.rootURL).standardizedFileURL }

    /// Throws an exit status when the handbook has errors; the old site then stays as it was.
    func build(_ source: Verdicts) throws -> (Results, [Diagnostic]) {
        // Before anything runs or is written: a refused --out exits 2 and touches nothing.
        let outURL = try Stages.guarded { try OutputPath.siteFolder(out, root: common.rootURL) }
        let (handbook, lint) = try Stages.loadAndLint(common)
        var diagnostics = lint
        var setup: RunSetup? = nil
        if case .run(let options) = source {
            setup = try Stages.setUpRun(handbook, root: common.rootURL, targetName: options.target)
        }
        // A run's setup has read attestations already (with targets and redaction); read them
        // here only when nothing runs.
        let attestationFile = setup.map { ($0.attestations, $0.diagnostics) }
            ?? ChecksFolder(root: common.rootURL).loadAttestations(for: handbook)
        diagnostics += attestationFile.1
        DiagnosticPrinter(format: common.format).print(diagnostics)
        let status = ExitStatus.code(diagnostics: diagnostics, strict: common.strict)
        if status != .success { throw status }

        let verdicts = try decide(handbook, source, setup: setup, attestations: attestationFile.0)
        let theme = try Theme(override: Stages.themeFolder(common.rootURL))
        var searchProblems: [Diagnostic] = []
        try Stages.guarded {
            try SiteRenderer(theme: theme, today: Day.today()).render(handbook, verdicts, into: outURL) { staging in
                if search { searchProblems = PagefindIndexer().index(staging) }
            }
        }
        DiagnosticPrinter(format: common.format).print(searchProblems)
        if case .run = source { SummaryPrinter(format: common.format).print(verdicts) }
        let count = handbook.pages.count
        print("opsbook: wrote \(count) \(count == 1 ? "page" : "pages") to \(outURL.path)")
        return (verdicts, diagnostics + searchProblems)
    }

    private func decide(_ handbook: Handbook, _ source: Verdicts, setup: RunSetup?, attestations: [Attestation]) throws -> Results {
        let today = Day.today()
        switch source {
        case .none:
            return Results(handbook: handbook, checks: nil, attestations: attestations, target: nil, started: nil, finished: nil, today: today)
        case .run(let options):
            let setup = try setup ?? Stages.setUpRun(handbook, root: common.rootURL, targetName: options.target)
            let started = Date()
            let checks = try Stages.runChecks(handbook.checks, setup: setup, root: common.rootURL, options: options, reporter: ProgressReporter())
            return Results(handbook: handbook, checks: checks, attestations: setup.attestations, target: setup.target.name,
                           started: started, finished: Date(), today: today)
        case .earlier(let file):
            let earlier: ResultsFile.EarlierRun
            do {
                earlier = try ResultsFile.read(try Data(contentsOf: URL(fileURLWithPath: file, relativeTo: common.rootURL)))
            } catch {
                throw ExitStatus.usage("--results \(file): \(error)")
            }
            // Checks added since that run have no result: their criteria show not-run, never passed.
            return Results(handbook: handbook, checks: earlier.checks, attestations: attestations, target: earlier.target,
                           started: earlier.started, finished: earlier.finished, today: today)
        case .given(let checks, let target, let started, let finished):
            return Results(handbook: handbook, checks: checks, attestations: attestations, target: target,
                           started: started, finished: finished, today: today)
        }
    }
}
