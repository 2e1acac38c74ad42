import Foundation

/// The handbook's pipeline as one call per command: load → lint → read `checks/` → run →
/// judge → keep records → render. Each entry point returns its results and every diagnostic,
/// throws `PipelineError` for problems of the command line or setup, and never prints or exits;
/// that is the command line's part (docs/design.md, "Pipeline").
///
/// - `lint(root:prove:)`: parse everything, report every problem, run nothing.
/// - `check(root:targets:options:progress:)`: run the checks against one or more targets.
/// - `build(root:out:verdicts:options:progress:)`: decide the verdicts and render the site.
/// - `record(root:target:into:options:progress:)`: run against a real target, write fixtures.
public enum Pipeline {
    /// The running opsbook binary, for the fixture stand-ins to call back into.
    public static func runningExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    /// Whether these diagnostics stop the pipeline: any error, or any warning when `strict`.
    public static func stops(_ diagnostics: [Diagnostic], strict: Bool) -> Bool {
        diagnostics.contains { $0.severity == .error || (strict && $0.severity == .warning) }
    }

    /// The root as a folder URL, so paths relative to it (`--out site`) resolve inside it even
    /// when the caller's URL has no trailing slash (`URL(fileURLWithPath:)` of a folder not yet
    /// made, or `appendingPathComponent`).
    static func folder(_ root: URL) -> URL {
        URL(fileURLWithPath: root.standardizedFileURL.path, isDirectory: true)
    }

    // MARK: Stages shared by the entry points

    static func loadAndLint(_ root: URL) throws -> (Handbook, [Diagnostic]) {
        do {
            PhaseClock.mark("start")
            let (handbook, loadProblems) = try HandbookLoader(root: root).load()
            PhaseClock.mark("loaded")
            let lint = Linter().lint(handbook)
            PhaseClock.mark("linted")
            return (handbook, loadProblems + lint)
        } catch let error as HandbookLoader.LoadError {
            throw PipelineError.usage(error.description)
        }
    }

    static func themeFolder(_ root: URL) -> URL? {
        let theme = root.appendingPathComponent("theme")
        return FileManager.default.fileExists(atPath: theme.path) ? theme : nil
    }

    /// Runs a path check; a refused path is a usage error naming path and reason.
    static func guarded<T>(_ check: () throws -> T) throws -> T {
        do {
            return try check()
        } catch let refused as OutputPath.Refused {
            throw PipelineError.usage(refused.description)
        }
    }

    static func setUpRun(_ handbook: Handbook, root: URL, targetName: String?) throws -> RunSetup {
        let folder = ChecksFolder(root: root)
        let (targets, targetProblems) = folder.loadTargets()
        let (attestations, attestationProblems) = folder.loadAttestations(for: handbook)
        let (redactor, redactProblems) = folder.loadRedactor()
        var diagnostics = targetProblems + attestationProblems + redactProblems
        // A broken targets.yaml explains a missing target: its problems travel with the error.
        guard let name = targetName ?? targets.defaultName else {
            throw PipelineError.usage("no --target given and checks/targets.yaml names no default", diagnostics: diagnostics)
        }
        guard let target = targets.targets[name] else {
            let known = targets.names.isEmpty ? "none defined" : targets.names.joined(separator: ", ")
            throw PipelineError.usage("unknown target `\(name)`; known targets: \(known)", diagnostics: diagnostics)
        }
        var fixtures: FixtureSet? = nil
        if target.isReplay {
            let (set, problems) = FixtureSet.load(folders: target.fixtures, root: root, positions: target.fixturePositions)
            fixtures = set
            diagnostics += problems + set.unknownCheckWarnings(knownIDs: Set(handbook.checks.map(\.id)))
        }
        return RunSetup(target: target, fixtures: fixtures, attestations: attestations,
                        redactor: redactor.hiding(secretsOf: target.env), diagnostics: diagnostics)
    }

    /// Reads `checks/` once per selected target (`a,b`, `all`, one name, or the default).
    static func setUpRuns(_ handbook: Handbook, root: URL, spec: String?) throws -> [RunSetup] {
        let (targets, _) = ChecksFolder(root: root).loadTargets()
        let names: [String]
        do { names = try TargetSelection.resolve(spec, in: targets) } catch {
            // Let the single-target path report it with targets.yaml's own problems first.
            if targets.targets.isEmpty || spec.map({ !$0.contains(",") && $0 != "all" }) ?? true {
                _ = try setUpRun(handbook, root: root, targetName: spec)
            }
            throw PipelineError.usage("\(error)")
        }
        let setups = try names.map { try setUpRun(handbook, root: root, targetName: $0) }
        for setup in setups { if let problem = setup.target.inClusterProblem() { throw PipelineError.usage(problem) } }
        return setups
    }

    /// Problems of `checks/` that every target's setup reports alike, once.
    static func uniqueDiagnostics(_ setups: [RunSetup]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return setups.flatMap(\.diagnostics).filter { seen.insert($0).inserted }
    }

    static func runChecks(_ checks: [CheckBlock], setup: RunSetup, root: URL, settings: RunSettings,
                          progress: any PipelineProgress) async throws -> [CheckResult] {
        var runner = CheckRunner(target: setup.target, root: root, jobs: settings.jobs, allowMutations: settings.allowMutations,
                                 redactor: setup.redactor, executable: settings.executable)
        runner.fixtures = setup.fixtures
        progress.started(total: checks.count, target: setup.target.name)
        let results = try await runner.run(checks) { result, done, total in progress.finished(result, done: done, total: total) }
        Interrupts.checkpoint()  // checks killed by an interrupt are not results
        progress.ended(target: setup.target.name)
        return results
    }

    /// Runs the checks once per target, targets side by side (one child task each), sharing
    /// `jobs` among them. Every target runs to its end; the first target's error (in the order
    /// asked for) is thrown.
    static func runTargets(_ checks: [CheckBlock], setups: [RunSetup], root: URL, settings: RunSettings,
                           progress: any PipelineProgress,
                           judge: @escaping @Sendable (RunSetup, [CheckResult], Date, Date) -> Results) async throws -> [TargetRun] {
        var perTarget = settings
        perTarget.jobs = TargetSelection.jobsPerTarget(settings.jobs, targets: setups.count)
        let settings = perTarget
        let outcomes = await withTaskGroup(of: (Int, Result<TargetRun, Error>).self) { group in
            for (i, setup) in setups.enumerated() {
                group.addTask {
                    let started = Date()
                    do {
                        let checked = try await runChecks(checks, setup: setup, root: root, settings: settings, progress: progress)
                        return (i, .success(TargetRun(setup: setup, results: judge(setup, checked, started, Date()))))
                    } catch {
                        return (i, .failure(error))
                    }
                }
            }
            var all: [Int: Result<TargetRun, Error>] = [:]
            for await (i, outcome) in group { all[i] = outcome }
            return all
        }
        let runs = try setups.indices.map { try outcomes[$0]!.get() }
        progress.ran(runs)
        return runs
    }

    /// `--metrics` and `--history` are checked before anything runs, like `--json`: never inside
    /// content/, checks/ or .git, never the root. Prune removes only files named like history runs.
    static func checkFleetPaths(_ fleet: FleetRecords, root: URL, base: URL) throws {
        if let metrics = fleet.metrics {
            _ = try guarded { try OutputPath.reportFile(metrics, option: "--metrics", root: root, base: base) }
        }
        if let folder = fleet.history {
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: URL(fileURLWithPath: folder, relativeTo: base).path, isDirectory: &isDir)
            if exists && !isDir.boolValue { throw PipelineError.usage("--history '\(folder)': is a file, not a folder") }
            let probe = exists ? (folder as NSString).appendingPathComponent(".opsbook-history-probe.json") : folder
            _ = try guarded { try OutputPath.reportFile(probe, option: "--history", root: root, base: base) }
        }
    }

    /// `--metrics` and `--history`: written after the run, whatever its verdict, relative paths
    /// inside `base` (where `checkFleetPaths` checked them).
    static func keepRecords(_ runs: [TargetRun], handbook: Handbook, fleet: FleetRecords, base: URL) throws {
        if let metrics = fleet.metrics {
            let phases = Dictionary(handbook.pages.compactMap { p in p.frontMatter.phase.map { (p.path, $0) } }, uniquingKeysWith: { a, _ in a })
            let text = MetricsFile.text(runs.map { ($0.setup.target.name, $0.results, phases) })
            try guarded { try OutputPath.writeReport(Data(text.utf8), to: URL(fileURLWithPath: metrics, relativeTo: base).absoluteURL,
                                                 option: "--metrics") }
        }
        guard let folder = fleet.history else { return }
        let history = History(folder: URL(fileURLWithPath: folder, relativeTo: base).standardizedFileURL)
        do {
            for run in runs {
                try history.append(try ResultsFile.json(run.results), target: run.setup.target.name,
                                   at: run.results.started ?? Date())
            }
            if let keep = fleet.keep.flatMap(History.Keep.init) { try history.prune(keep) }
        } catch {
            throw PipelineError.usage("--history \(folder): \(error)")
        }
    }

    /// Every run of the history folder, for the site (nil without `--history`).
    static func readHistory(_ fleet: FleetRecords, base: URL) throws -> Timeline? {
        guard let folder = fleet.history else { return nil }
        do {
            return Timeline(runs: try History(folder: URL(fileURLWithPath: folder, relativeTo: base).standardizedFileURL).runs())
        } catch {
            throw PipelineError.usage("--history \(folder): \(error)")
        }
    }
}

extension Pipeline {
    /// `build` for synchronous callers on a thread of their own (tests, `serve`'s watcher);
    /// never from async code.
    @available(*, noasync, message: "await build(root:out:verdicts:options:progress:) instead")
    public static func build(root: URL, out: String, verdicts source: VerdictSource, options: BuildOptions,
                             progress: any PipelineProgress = SilentProgress()) throws -> BuildOutcome {
        try Blocking.wait { try await build(root: root, out: out, verdicts: source, options: options, progress: progress) }
    }
}
