import ArgumentParser
import Foundation
import OpsbookKit
import Synchronization

/// What a run keeps besides its verdicts: a history folder and a metrics file (contract §10).
struct FleetOptions: ParsableArguments {
    @Option(name: .long, help: "Keep every run's results in this folder (one file per run and target) and show history in the site.")
    var history: String?
    @Option(name: .long, help: "With --history: how many runs to keep per target (e.g. 200), or for how long (30d, 12h).")
    var keep: String?
    @Option(name: .long, help: "Write the run as Prometheus metrics (text exposition format) to this file.")
    var metrics: String?

    func validate() throws {
        if let keep, History.Keep(keep) == nil {
            throw ValidationError("--keep \(keep): give a count (200) or an age (30d, 12h, 90m)")
        }
        if keep != nil && history == nil { throw ValidationError("--keep needs --history") }
    }

    /// Plain values: a `ParsableArguments` made with `init()` traps when read, and `serve` builds
    /// without any of these options.
    var records: FleetRecords { FleetRecords(history: history, keep: keep, metrics: metrics) }
}

struct FleetRecords {
    var history: String?
    var keep: String?
    var metrics: String?
}

/// One target's finished run.
struct TargetRun: Sendable {
    var setup: RunSetup
    var results: Results
}

extension Stages {
    /// Reads `checks/` once per selected target; every problem printed once.
    static func setUpRuns(_ handbook: Handbook, root: URL, spec: String?) throws -> [RunSetup] {
        let (targets, _) = ChecksFolder(root: root).loadTargets()
        let names: [String]
        do { names = try TargetSelection.resolve(spec, in: targets) } catch {
            // Let the single-target path report it with targets.yaml's own problems first.
            if targets.targets.isEmpty || spec.map({ !$0.contains(",") && $0 != "all" }) ?? true {
                _ = try setUpRun(handbook, root: root, targetName: spec)
            }
            throw ExitStatus.usage("\(error)")
        }
        let setups = try names.map { try setUpRun(handbook, root: root, targetName: $0) }
        for setup in setups { if let problem = setup.target.inClusterProblem() { throw ExitStatus.usage(problem) } }
        return setups
    }

    /// Problems of `checks/` that every target's setup reports alike, once.
    static func uniqueDiagnostics(_ setups: [RunSetup]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return setups.flatMap(\.diagnostics).filter { seen.insert($0).inserted }
    }

    /// Runs the checks once per target, targets side by side, sharing `--jobs` among them.
    static func runTargets(_ checks: [CheckBlock], setups: [RunSetup], root: URL, options: RunOptions,
                           judge: @Sendable (RunSetup, [CheckResult], Date, Date) -> Results) throws -> [TargetRun] {
        var perTarget = options
        perTarget.jobs = TargetSelection.jobsPerTarget(options.jobs, targets: setups.count)
        let reporter = ProgressReporter()
        let outcomes = Mutex<[Int: Result<TargetRun, Error>]>([:])
        let options = perTarget
        DispatchQueue.concurrentPerform(iterations: setups.count) { i in
            let setup = setups[i]
            let started = Date()
            let outcome = Result {
                let checked = try runChecks(checks, setup: setup, root: root, options: options, reporter: reporter)
                return TargetRun(setup: setup, results: judge(setup, checked, started, Date()))
            }
            outcomes.withLock { $0[i] = outcome }
        }
        return try outcomes.withLock { all in try setups.indices.map { try all[$0]!.get() } }
    }

    /// The terminal summary, grouped by target when there are several.
    static func printSummaries(_ runs: [TargetRun], format: DiagnosticPrinter.Format) {
        for run in runs {
            if runs.count > 1 { FileHandle.standardOutput.write(Data("\n== target \(run.setup.target.name) ==\n".utf8)) }
            SummaryPrinter(format: format).print(run.results)
        }
        if runs.count > 1 {
            let failing = runs.filter { $0.results.anyFailure }.map(\.setup.target.name)
            let line = "\ntargets: \(runs.count - failing.count) of \(runs.count) passing" + (failing.isEmpty ? "" : "; failing: " + failing.joined(separator: ", "))
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }

    /// `--metrics` and `--history` are checked before anything runs, like `--json`: never inside
    /// content/, checks/ or .git, never the root. Prune removes only files named like history runs.
    static func checkFleetPaths(_ fleet: FleetRecords, root: URL) throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if let metrics = fleet.metrics {
            _ = try guarded { try OutputPath.reportFile(metrics, option: "--metrics", root: root, base: cwd) }
        }
        if let folder = fleet.history {
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: URL(fileURLWithPath: folder, relativeTo: cwd).path, isDirectory: &isDir)
            if exists && !isDir.boolValue { throw ExitStatus.usage("--history '\(folder)': is a file, not a folder") }
            let probe = exists ? (folder as NSString).appendingPathComponent(".opsbook-history-probe.json") : folder
            _ = try guarded { try OutputPath.reportFile(probe, option: "--history", root: root, base: cwd) }
        }
    }

    /// `--metrics` and `--history`: written after the run, whatever its verdict.
    static func keepRecords(_ runs: [TargetRun], handbook: Handbook, fleet: FleetRecords, root: URL) throws {
        if let metrics = fleet.metrics {
            let phases = Dictionary(handbook.pages.compactMap { p in p.frontMatter.phase.map { (p.path, $0) } }, uniquingKeysWith: { a, _ in a })
            let text = MetricsFile.text(runs.map { ($0.setup.target.name, $0.results, phases) })
            try guarded { try OutputPath.writeReport(Data(text.utf8), to: URL(fileURLWithPath: metrics), option: "--metrics") }
        }
        guard let folder = fleet.history else { return }
        let history = History(folder: URL(fileURLWithPath: folder).standardizedFileURL)
        do {
            for run in runs {
                try history.append(try ResultsFile.json(run.results), target: run.setup.target.name,
                                   at: run.results.started ?? Date())
            }
            if let keep = fleet.keep.flatMap(History.Keep.init) { try history.prune(keep) }
        } catch {
            throw ExitStatus.usage("--history \(folder): \(error)")
        }
    }

    /// Every run of the history folder, for the site (nil without `--history`).
    static func readHistory(_ fleet: FleetRecords, root: URL) throws -> Timeline? {
        guard let folder = fleet.history else { return nil }
        do {
            return Timeline(runs: try History(folder: URL(fileURLWithPath: folder).standardizedFileURL).runs())
        } catch {
            throw ExitStatus.usage("--history \(folder): \(error)")
        }
    }
}
