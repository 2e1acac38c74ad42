import Foundation

/// Runs check blocks and judges them. Blocks run in parallel (`jobs` at a time, a task group),
/// each on a thread of its own since each one mostly waits on a child process; results come
/// back in handbook order whatever the finishing order.
public struct CheckRunner: Sendable {
    public var target: RunTarget
    public var root: URL
    public var jobs: Int
    public var allowMutations: Bool
    public var redactor: Redactor
    /// Environment the checks start from (the caller's).
    public var baseEnvironment: [String: String]
    /// Where stand-ins for recorded programs call back into: the opsbook executable.
    public var executable: String?
    /// Bytes of output kept for the site and JSON; the tail is kept.
    public var keptOutputBytes = 64 * 1024
    public var clock: @Sendable () -> Date = { Date() }
    /// The recordings a fixture target replays, loaded and validated once by the caller.
    public var fixtures: FixtureSet?
    /// `record`: recorded programs run for real through stand-ins that log every call into the
    /// check's state folder (`recordedCalls`), for `opsbook record`.
    public var mode: Mode = .run
    /// Problems of the run itself (e.g. fixture checks that cannot be isolated); never silent.
    public var warn: @Sendable (Diagnostic) -> Void = { FileHandle.standardError.write(Data(($0.gccStyle + "\n").utf8)) }

    public enum Mode: Sendable { case run, record }

    public init(target: RunTarget, root: URL, jobs: Int, allowMutations: Bool, redactor: Redactor,
                baseEnvironment: [String: String] = ProcessInfo.processInfo.environment, executable: String? = nil) {
        self.target = target
        self.root = root
        self.jobs = max(1, jobs)
        self.allowMutations = allowMutations
        self.redactor = redactor.hiding(secretsOf: target.env)
        self.baseEnvironment = baseEnvironment
        self.executable = executable
    }

    public func run(_ checks: [CheckBlock], progress: @escaping @Sendable (CheckResult, Int, Int) -> Void = { _, _, _ in }) async throws -> [CheckResult] {
        try await run(checks, progress: progress, collect: { _ in })
    }

    /// Runs and, before the workspace is removed, hands each check's recorded calls to `collect`
    /// (record mode only; in handbook order).
    public func run(_ checks: [CheckBlock], progress: @escaping @Sendable (CheckResult, Int, Int) -> Void,
                    collect: ([(id: String, calls: [FixtureCall])]) throws -> Void) async throws -> [CheckResult] {
        let workspace = try Workspace(runner: self)
        defer { workspace.remove() }
        let results = await runAll(checks, workspace: workspace, progress: progress)
        // A cancelled run stopped starting checks: what it has is not the handbook's results.
        try Task.checkCancellation()
        if mode == .record {
            try collect(checks.map { ($0.id, FixtureRecorder.calls(in: workspace.recordLog(for: $0.id))) })
        }
        return results
    }

    /// For synchronous callers on a thread of their own (tests, `serve`'s watcher): runs
    /// `run(_:progress:)` and blocks until it is done. Never from async code: the compiler refuses
    /// it there (`noasync`), since a blocked thread of the cooperative pool is one fewer to run on.
    @available(*, noasync, message: "await run(_:progress:) instead")
    public func run(_ checks: [CheckBlock], progress: @escaping @Sendable (CheckResult, Int, Int) -> Void = { _, _, _ in }) throws -> [CheckResult] {
        try Blocking.wait { try await self.run(checks, progress: progress) }
    }

    /// A task group with at most `jobs` checks in flight; a new one starts as one finishes.
    /// Results come back in handbook order whatever the finishing order; `progress` is called
    /// from this task only, one result at a time.
    private func runAll(_ checks: [CheckBlock], workspace: Workspace,
                        progress: @escaping @Sendable (CheckResult, Int, Int) -> Void) async -> [CheckResult] {
        await withTaskGroup(of: (Int, CheckResult).self) { group in
            var slots = [CheckResult?](repeating: nil, count: checks.count)
            var next = 0, done = 0
            func startNext() {
                // Cancelled (the caller's task, not an interrupt: that ends the process): no new check.
                guard next < checks.count, !Task.isCancelled else { return }
                let i = next, check = checks[i]
                next += 1
                group.addTask { (i, await runOnOwnThread(check, workspace: workspace)) }
            }
            for _ in 0..<jobs { startNext() }
            while let (i, result) = await group.next() {
                slots[i] = result
                done += 1
                progress(result, done, checks.count)
                startNext()
            }
            return slots.compactMap { $0 }
        }
    }

    /// A check blocks: `posix_spawn`, `waitpid`, reading its pipe, sleeping between retries.
    /// Swift's cooperative pool has one thread per core (two here), and a blocked pool thread
    /// stalls every task queued behind it, so the blocking part runs on a thread of its own and
    /// the task waits for it without holding a pool thread (a checked continuation, resumed once
    /// by that thread). Interrupts do not go through the task: the signal thread kills every
    /// running check's process tree (`LiveShells.killAll`) and ends the process.
    private func runOnOwnThread(_ check: CheckBlock, workspace: Workspace) async -> CheckResult {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: runOne(check, workspace: workspace))
            }
        }
    }

    /// Decides whether a block may run, then runs it with its retries.
    func runOne(_ check: CheckBlock, workspace: Workspace) -> CheckResult {
        var result = CheckResult(id: check.id, page: check.page, line: check.position.line, status: .skipped,
                                 startedAt: clock())
        if let reason = refusal(check, path: workspace.path) {
            result.status = reason.status
            result.reason = reason.text
            return result
        }
        if let reason = workspace.sandbox?.refusal(check, recorded: target.recorded) {
            result.status = .errored
            result.reason = reason
            return result
        }
        let attempts = check.attributes.retry?.attempts ?? 1
        let state = workspace.stateFolder(for: check.id)
        var spent = 0
        for attempt in 1...attempts {
            if attempt > 1, let delay = check.attributes.retry?.delayMilliseconds { Thread.sleep(forTimeInterval: Double(delay) / 1000) }
            let started = clock()
            result = attemptOnce(check, workspace: workspace, replayState: state)
            // `duration_ms` covers every attempt (contract §9); the waits between them are not work.
            spent += result.durationMilliseconds
            result.durationMilliseconds = spent
            result.attempts = attempt
            result.startedAt = started
            if result.status == .passed || result.status == .errored { break }
        }
        return result
    }

    private func refusal(_ check: CheckBlock, path: String) -> (status: CheckStatus, text: String)? {
        if !check.attributes.isMutating, let hit = check.commands.mutations.first {
            return (.errored, "not run: `\(hit.command)` changes state but the check is not marked `mutates`")
        }
        if check.attributes.isMutating && !allowMutations {
            return (.skipped, "mutating check; runs only with --allow-mutations")
        }
        let missing = check.attributes.requires.filter { Shell.find($0, onPath: path) == nil }
        if !missing.isEmpty {
            return (.skipped, "requires \(missing.joined(separator: ", ")), not found on PATH")
        }
        return nil
    }

}
