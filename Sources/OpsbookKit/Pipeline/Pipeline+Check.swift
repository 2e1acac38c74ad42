import Foundation

/// What `check` found and ran.
public struct CheckOutcome: Sendable {
    /// Every problem of the handbook and `checks/`, each once.
    public var diagnostics: [Diagnostic]
    /// One per target, in the order asked for; empty when `stopped`.
    public var runs: [TargetRun]
    /// The diagnostics stopped the pipeline (errors, or warnings with `strict`): nothing ran.
    public var stopped: Bool
    public var anyFailure: Bool { runs.contains { $0.results.anyFailure } }
}

extension Pipeline {
    public struct CheckOptions: Sendable {
        public var run: RunSettings
        /// Warnings stop the pipeline like errors.
        public var strict: Bool
        /// Only the checks of this page (path under the root).
        public var page: String?
        /// Only these check ids.
        public var only: [String]?
        /// Results document (JSON) and JUnit XML paths; `{target}` names the target when several run.
        public var json: String?
        public var junit: String?
        public var fleet: FleetRecords
        /// The folder relative report paths start from (the working directory).
        public var base: URL

        public init(run: RunSettings = RunSettings(), strict: Bool = false, page: String? = nil, only: [String]? = nil,
                    json: String? = nil, junit: String? = nil, fleet: FleetRecords = FleetRecords(),
                    base: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
            self.run = run
            self.strict = strict
            self.page = page
            self.only = only
            self.json = json
            self.junit = junit
            self.fleet = fleet
            self.base = base
        }
    }

    /// Lints, reads `checks/` for each target (`a,b`, `all`, one name, or nil for the default),
    /// runs the selected checks against every target side by side, writes the reports and
    /// records asked for, and returns each target's results.
    public static func check(root: URL, targets: String?, options: CheckOptions,
                             progress: any PipelineProgress = SilentProgress()) async throws -> CheckOutcome {
        let root = folder(root), base = folder(options.base)
        let (handbook, lint) = try loadAndLint(root)
        let setups = try setUpRuns(handbook, root: root, spec: targets)
        let several = setups.count > 1
        // Checked before anything runs: a bad path stops without waiting for the checks.
        func reportURLs(_ raw: String?, _ option: String) throws -> [String: URL] {
            guard let raw else { return [:] }
            return try Dictionary(uniqueKeysWithValues: setups.map { setup in
                let path = TargetSelection.path(raw, target: setup.target.name, several: several)
                return (setup.target.name, try guarded { try OutputPath.reportFile(path, option: option, root: root, base: base) })
            })
        }
        try checkFleetPaths(options.fleet, root: root, base: base)
        let jsonURLs = try reportURLs(options.json, "--json")
        let junitURLs = try reportURLs(options.junit, "--junit")
        let diagnostics = lint + uniqueDiagnostics(setups)
        try progress.ready(targets: setups.map(\.target.name), diagnostics: diagnostics)
        if stops(diagnostics, strict: options.strict) { return CheckOutcome(diagnostics: diagnostics, runs: [], stopped: true) }

        let selected = try select(handbook.checks, page: options.page, only: options.only)
        let judged = handbook.criteria(decidedBy: selected, page: options.page)
        let revision = HandbookRevision.read(root: root)
        let runs = try await runTargets(selected, setups: setups, root: root, settings: options.run, progress: progress) { setup, checks, started, finished in
            var results = Results(judging: judged, checks: checks, attestations: setup.attestations, target: setup.target.name,
                                  started: started, finished: finished, today: Day.today())
            results.handbookRevision = revision
            return results
        }
        for r in runs {
            let name = r.setup.target.name
            if let url = jsonURLs[name] { try guarded { try OutputPath.writeReport(ResultsFile.json(r.results), to: url, option: "--json") } }
            if let url = junitURLs[name] { try guarded { try OutputPath.writeReport(Data(JUnitReport.xml(r.results).utf8), to: url, option: "--junit") } }
        }
        try keepRecords(runs, handbook: handbook, fleet: options.fleet, base: base)
        return CheckOutcome(diagnostics: diagnostics, runs: runs, stopped: false)
    }

    /// `check` for synchronous callers on a thread of their own (tests); never from async code.
    @available(*, noasync, message: "await check(root:targets:options:progress:) instead")
    public static func check(root: URL, targets: String?, options: CheckOptions,
                             progress: any PipelineProgress = SilentProgress()) throws -> CheckOutcome {
        try Blocking.wait { try await check(root: root, targets: targets, options: options, progress: progress) }
    }

    static func select(_ checks: [CheckBlock], page: String?, only: [String]?) throws -> [CheckBlock] {
        var selected = checks
        if let page {
            let normalized = page.hasPrefix("./") ? String(page.dropFirst(2)) : page
            selected = selected.filter { $0.page == normalized }
            if selected.isEmpty && !checks.contains(where: { $0.page == normalized }) {
                throw PipelineError.usage("--page \(page): no checks on that page (or no such page)")
            }
        }
        if let ids = only {
            let unknown = ids.filter { id in !checks.contains { $0.id == id } }
            if !unknown.isEmpty { throw PipelineError.usage("--only: no check with id \(unknown.joined(separator: ", "))") }
            selected = selected.filter { ids.contains($0.id) }
        }
        return selected
    }
}

extension Handbook {
    /// When only some checks ran, only the criteria they decide (or the page asked for) are
    /// judged. A list of criteria, not a handbook with pages cut down: a page's tree refers to its
    /// criteria by index, so a page missing some must never reach the renderer.
    func criteria(decidedBy checks: [CheckBlock], page: String?) -> [Criterion] {
        guard checks.count != self.checks.count || page != nil else { return criteria }
        let ids = Set(checks.map(\.id))
        return criteria.filter { c in page.map { c.page == $0 } ?? !Set(c.checkIDs).isDisjoint(with: ids) }
    }
}
