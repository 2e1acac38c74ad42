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
    @Option(name: .long, help: "Reuse the results of earlier runs (results JSON files, comma-separated, one per target) instead of running checks.")
    var results: String?
    @OptionGroup var fleet: FleetOptions

    func run() async throws {
        let source: SiteBuild.Verdicts = noChecks ? .none : results.map { .earlier($0) } ?? .run(run)
        var build = SiteBuild(common: common, out: out, search: !noSearch)
        build.fleet = fleet.records
        let (runs, diagnostics) = try build.build(source)
        throw ExitStatus.code(diagnostics: diagnostics, strict: common.strict, anyFailure: runs.contains { $0.anyFailure })
    }
}

/// Load, lint, decide, render: what `build` does, and what `serve` repeats on every change.
struct SiteBuild {
    var common: CommonOptions
    var out: String
    var search: Bool
    var fleet = FleetRecords()

    enum Verdicts {
        case none
        case run(RunOptions)
        /// Results files of earlier runs, comma-separated: one per target, the first is the pages' own.
        case earlier(String)
        /// Results already in memory (serve's rebuilds).
        case given([CheckResult], target: String?, started: Date?, finished: Date?)
    }

    var outURL: URL { URL(fileURLWithPath: out, relativeTo: common.rootURL).standardizedFileURL }

    /// Throws an exit status when the handbook has errors; the old site then stays as it was.
    /// Returns every target's results, the first one the pages' own.
    func build(_ source: Verdicts) throws -> ([Results], [Diagnostic]) {
        // Before anything runs or is written: a refused --out exits 2 and touches nothing.
        let outURL = try Stages.guarded { try OutputPath.siteFolder(out, root: common.rootURL) }
        try Stages.checkFleetPaths(fleet, root: common.rootURL)
        let (handbook, lint) = try Stages.loadAndLint(common)
        var diagnostics = lint
        var setups: [RunSetup] = []
        if case .run(let options) = source {
            setups = try Stages.setUpRuns(handbook, root: common.rootURL, spec: options.target)
        }
        // A run's setup has read attestations already (with targets and redaction); read them
        // here only when nothing runs.
        let attestationFile = setups.first.map { ($0.attestations, Stages.uniqueDiagnostics(setups)) }
            ?? ChecksFolder(root: common.rootURL).loadAttestations(for: handbook)
        diagnostics += attestationFile.1
        DiagnosticPrinter(format: common.format).print(diagnostics)
        let status = ExitStatus.code(diagnostics: diagnostics, strict: common.strict)
        if status != .success { throw status }

        let runs = try decide(handbook, source, setups: setups, attestations: attestationFile.0)
        if case .run = source {
            try Stages.keepRecords(runs, handbook: handbook, fleet: fleet, root: common.rootURL)
        }
        let timeline = try Stages.readHistory(fleet, root: common.rootURL)
        let verdicts = runs.map(\.results)
        let theme = try Theme(override: Stages.themeFolder(common.rootURL))
        var searchProblems: [Diagnostic] = []
        let fleetView = FleetSite(runs: runs.map { ($0.setup.target.name, $0.results) }, timeline: timeline)
        try Stages.guarded {
            try SiteRenderer(theme: theme, today: Day.today(), vendor: VendorAssets.installed()).render(handbook, verdicts[0], into: outURL, fleet: fleetView) { staging in
                guard search else { return }
                do {
                    _ = try SearchIndexer().index(staging)
                } catch {
                    searchProblems = [.warning("search.not-built", "search index not built: \(error)", at: nil)]
                }
            }
        }
        DiagnosticPrinter(format: common.format).print(searchProblems)
        if case .run = source { Stages.printSummaries(runs, format: common.format) }
        let count = handbook.pages.count
        print("opsbook: wrote \(count) \(count == 1 ? "page" : "pages") to \(outURL.path)")
        return (verdicts, diagnostics + searchProblems)
    }

    private func decide(_ handbook: Handbook, _ source: Verdicts, setups: [RunSetup], attestations: [Attestation]) throws -> [TargetRun] {
        let today = Day.today()
        let root = common.rootURL
        func judged(_ checks: [CheckResult]?, target: String?, started: Date?, finished: Date?) -> Results {
            Results(handbook: handbook, checks: checks, attestations: attestations, target: target,
                    started: started, finished: finished, today: today)
        }
        // A build without a run still has one "target" for the site: the pages' own verdicts.
        func bare(_ results: Results) -> TargetRun {
            TargetRun(setup: RunSetup(target: RunTarget(name: results.target ?? "none"), fixtures: nil, attestations: attestations,
                                      redactor: Redactor(), diagnostics: []), results: results)
        }
        switch source {
        case .none:
            return [bare(judged(nil, target: nil, started: nil, finished: nil))]
        case .run(let options):
            return try Stages.runTargets(handbook.checks, setups: setups, root: root, options: options) { setup, checks, started, finished in
                Results(handbook: handbook, checks: checks, attestations: setup.attestations, target: setup.target.name,
                        started: started, finished: finished, today: today)
            }
        case .earlier(let files):
            return try files.split(separator: ",").map(String.init).map { file in
                let earlier: ResultsFile.EarlierRun
                do {
                    earlier = try ResultsFile.read(try Data(contentsOf: URL(fileURLWithPath: file, relativeTo: root)))
                } catch {
                    throw ExitStatus.usage("--results \(file): \(error)")
                }
                // Checks added since that run have no result: their criteria show not-run, never passed.
                return bare(judged(earlier.checks, target: earlier.target, started: earlier.started, finished: earlier.finished))
            }
        case .given(let checks, let target, let started, let finished):
            return [bare(judged(checks, target: target, started: started, finished: finished))]
        }
    }
}
