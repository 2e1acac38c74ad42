import Foundation

/// What `record` ran and wrote.
public struct RecordOutcome: Sendable {
    public var diagnostics: [Diagnostic]
    /// The run's results; nil when `stopped`.
    public var results: Results?
    public var stopped: Bool
    /// The fixture folder written (`checks/fixtures/<into>`).
    public var folder: URL
    public var recorded: Int { results?.checks?.count ?? 0 }
    public var anyFailure: Bool { results?.anyFailure ?? false }
}

extension Pipeline {
    /// Runs every check against a real target and writes what the recorded programs answered as
    /// fixtures into `checks/fixtures/<into>`, replacing that folder only once all is written.
    public static func record(root: URL, target: String?, into: String, options: RunSettings, strict: Bool = false,
                              progress: any PipelineProgress = SilentProgress()) async throws -> RecordOutcome {
        let root = folder(root)
        guard into.wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9._-]*/) != nil else {
            throw PipelineError.usage("--into \(into): use a plain folder name such as demo or lab")
        }
        let folder = root.appendingPathComponent("checks/fixtures").appendingPathComponent(into).standardizedFileURL
        let (handbook, lint) = try loadAndLint(root)
        let setup = try setUpRun(handbook, root: root, targetName: target)
        let diagnostics = lint + setup.diagnostics
        try progress.ready(targets: [setup.target.name], diagnostics: diagnostics)
        if stops(diagnostics, strict: strict) {
            return RecordOutcome(diagnostics: diagnostics, results: nil, stopped: true, folder: folder)
        }
        if setup.target.isReplay {
            throw PipelineError.usage("target `\(setup.target.name)` replays fixtures; record from a real target")
        }
        var runner = CheckRunner(target: setup.target, root: root, jobs: options.jobs, allowMutations: options.allowMutations,
                                 redactor: setup.redactor, executable: options.executable)
        runner.mode = .record
        progress.started(total: handbook.checks.count, target: setup.target.name)
        let started = Date()
        let checkResults = try await runner.run(handbook.checks, progress: { r, d, t in progress.finished(r, done: d, total: t) }) { calls in
            Interrupts.checkpoint()  // an interrupted recording writes nothing
            try replace(folder) { staging in
                let header = "recorded by `opsbook record --target \(setup.target.name)` on \(ResultsFile.timestamp(Date())); edit freely"
                try FixtureRecorder.write(calls, into: staging, redactor: setup.redactor, header: header)
            }
        }
        progress.ended(target: setup.target.name)
        let results = Results(handbook: handbook, checks: checkResults, attestations: setup.attestations,
                              target: setup.target.name, started: started, finished: Date(), today: Day.today())
        return RecordOutcome(diagnostics: diagnostics, results: results, stopped: false, folder: folder)
    }

    /// `record` for synchronous callers on a thread of their own (tests); never from async code.
    @available(*, noasync, message: "await record(root:target:into:options:strict:progress:) instead")
    public static func record(root: URL, target: String?, into: String, options: RunSettings, strict: Bool = false,
                              progress: any PipelineProgress = SilentProgress()) throws -> RecordOutcome {
        try Blocking.wait { try await record(root: root, target: target, into: into, options: options, strict: strict, progress: progress) }
    }

    /// Writes into a staging folder and swaps it in, so a failed recording leaves the old one.
    static func replace(_ folder: URL, write: (URL) throws -> Void) throws {
        let staging = try FolderSwap.makeStaging(beside: folder, purpose: "recording")
        do {
            try write(staging)
            try FolderSwap.swapIn(staging, at: folder)
        } catch {
            FolderSwap.discard(staging)
            throw error
        }
    }
}
