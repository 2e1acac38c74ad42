import Foundation

/// What `build` decided and wrote.
public struct BuildOutcome: Sendable {
    /// Problems of the handbook and `checks/`, found before anything ran or was written.
    public var diagnostics: [Diagnostic]
    /// Problems met while writing the site (a search index that could not be built).
    public var siteDiagnostics: [Diagnostic]
    /// Every target's results, the first one the pages' own; empty when `stopped`.
    public var runs: [TargetRun]
    /// The diagnostics stopped the pipeline (errors, or warnings with `strict`): nothing ran or
    /// was written, and the old site stays as it was.
    public var stopped: Bool
    /// Where the site is.
    public var site: URL
    public var pages: Int
    /// The handbook as loaded and rendered (`serve` keeps it to update the site page by page).
    public var handbook: Handbook
    /// The theme and browser libraries the site was written with (`serve` keeps them too, rather
    /// than reading the theme and starting Python to find Mermaid a second time); nil when stopped.
    public var theme: Theme?
    public var vendor: VendorAssets?
    public var verdicts: [Results] { runs.map(\.results) }
    public var anyFailure: Bool { runs.contains { $0.results.anyFailure } }
}

extension Pipeline {
    /// Where a build's verdicts come from.
    public enum VerdictSource: Sendable {
        /// No checks run: criteria with checks show as not-run.
        case none
        /// Run the checks against these targets (`a,b`, `all`, one name, or nil for the default).
        case run(targets: String?)
        /// Results files of earlier runs, one per target; the first is the pages' own.
        case earlier([String])
        /// Results already in memory (serve's rebuilds).
        case given([CheckResult], target: String?, started: Date?, finished: Date?)
    }

    public struct BuildOptions: Sendable {
        public var run: RunSettings
        public var strict: Bool
        /// Build the search index.
        public var search: Bool
        public var fleet: FleetRecords
        /// The folder relative record paths start from (the working directory).
        public var base: URL

        public init(run: RunSettings = RunSettings(), strict: Bool = false, search: Bool = true, fleet: FleetRecords = FleetRecords(),
                    base: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
            self.run = run
            self.strict = strict
            self.search = search
            self.fleet = fleet
            self.base = base
        }
    }

    /// Load, lint, decide, render: what `build` does, and what `serve` repeats on every change.
    /// `out` is relative to `root` unless absolute.
    public static func build(root: URL, out: String, verdicts source: VerdictSource, options: BuildOptions,
                             progress: any PipelineProgress = SilentProgress()) async throws -> BuildOutcome {
        let root = folder(root), base = folder(options.base)
        // Before anything runs or is written: a refused --out touches nothing.
        let outURL = try guarded { try OutputPath.siteFolder(out, root: root) }
        try checkFleetPaths(options.fleet, root: root, base: base)
        // Which handbook commit the verdicts are of: in the results file, the records and the site.
        // Read before the run, like `check`: an edit committed while checks run is not the
        // handbook they ran from. It (a `git` child) and the theme are read while the pages load.
        async let revisionRead = HandbookRevision.read(root: root)
        async let themeRead = Result { try Theme(override: themeFolder(root)) }
        async let rulesCompiled: Void = Redactor.compileBuiltInRules()
        let (handbook, lint) = try loadAndLint(root)
        var diagnostics = lint
        var setups: [RunSetup] = []
        if case .run(let spec) = source {
            setups = try setUpRuns(handbook, root: root, spec: spec)
        }
        // A run's setup has read attestations already (with targets and redaction); read them
        // here only when nothing runs.
        let attestationFile = setups.first.map { ($0.attestations, uniqueDiagnostics(setups)) }
            ?? ChecksFolder(root: root).loadAttestations(for: handbook)
        diagnostics += attestationFile.1
        try progress.ready(targets: setups.map(\.target.name), diagnostics: diagnostics)
        if stops(diagnostics, strict: options.strict) {
            return BuildOutcome(diagnostics: diagnostics, siteDiagnostics: [], runs: [], stopped: true, site: outURL, pages: handbook.pages.count,
                                handbook: handbook)
        }

        let revision = await revisionRead
        await rulesCompiled
        PhaseClock.mark("revision")
        var runs = try await decide(handbook, source, root: root, setups: setups, attestations: attestationFile.0,
                              settings: options.run, progress: progress)
        for i in runs.indices { runs[i].results.handbookRevision = revision }
        if case .run = source {
            try keepRecords(runs, handbook: handbook, fleet: options.fleet, base: base)
        }
        PhaseClock.mark("decided")
        let timeline = try readHistory(options.fleet, base: base)
        let theme = try await themeRead.get()
        PhaseClock.mark("theme")
        var searchProblems: [Diagnostic] = []
        let fleetView = FleetSite(runs: runs.map { ($0.setup.target.name, $0.results) }, timeline: timeline)
        let vendor = VendorAssets.installed(diagrams: handbook.drawsDiagrams)
        try guarded {
            try SiteRenderer(theme: theme, today: Day.today(), vendor: vendor)
                .render(handbook, runs[0].results, into: outURL, fleet: fleetView) { staging in
                    guard options.search else { return }
                    do {
                        _ = try SearchIndexer().index(staging)
                    } catch {
                        searchProblems = [.warning("search.not-built", "search index not built: \(error)", at: nil)]
                    }
                }
        }
        return BuildOutcome(diagnostics: diagnostics, siteDiagnostics: searchProblems, runs: runs, stopped: false,
                            site: outURL, pages: handbook.pages.count, handbook: handbook, theme: theme, vendor: vendor)
    }

    private static func decide(_ handbook: Handbook, _ source: VerdictSource, root: URL, setups: [RunSetup],
                               attestations: [Attestation], settings: RunSettings,
                               progress: any PipelineProgress) async throws -> [TargetRun] {
        let today = Day.today()
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
        case .run:
            return try await runTargets(handbook.checks, setups: setups, root: root, settings: settings, progress: progress) { setup, checks, started, finished in
                Results(handbook: handbook, checks: checks, attestations: setup.attestations, target: setup.target.name,
                        started: started, finished: finished, today: today)
            }
        case .earlier(let files):
            // `--results ,` names no file; without this the site would have no verdicts at all.
            guard !files.isEmpty else { throw PipelineError.usage("--results: give one or more results files, comma-separated") }
            return try files.map { file in
                let earlier: ResultsFile.EarlierRun
                do {
                    earlier = try ResultsFile.read(try Data(contentsOf: URL(fileURLWithPath: file, relativeTo: root)))
                } catch {
                    throw PipelineError.usage("--results \(file): \(error)")
                }
                // Checks added since that run have no result: their criteria show not-run, never passed.
                return bare(judged(earlier.checks, target: earlier.target, started: earlier.started, finished: earlier.finished))
            }
        case .given(let checks, let target, let started, let finished):
            return [bare(judged(checks, target: target, started: started, finished: finished))]
        }
    }
}
