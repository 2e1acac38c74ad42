import Foundation

/// Runs check blocks and judges them. Blocks run in parallel (`jobs` at a time) on their own
/// threads, since each one mostly waits on a child process; results come back in handbook order
/// whatever the finishing order.
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

    public func run(_ checks: [CheckBlock], progress: @escaping @Sendable (CheckResult, Int, Int) -> Void = { _, _, _ in }) throws -> [CheckResult] {
        try run(checks, progress: progress, collect: { _ in })
    }

    /// Runs and, before the workspace is removed, hands each check's recorded calls to `collect`
    /// (record mode only; in handbook order).
    public func run(_ checks: [CheckBlock], progress: @escaping @Sendable (CheckResult, Int, Int) -> Void,
                    collect: ([(id: String, calls: [FixtureCall])]) throws -> Void) throws -> [CheckResult] {
        let workspace = try Workspace(runner: self)
        defer { workspace.remove() }
        let results = try runAll(checks, workspace: workspace, progress: progress)
        if mode == .record {
            try collect(checks.map { ($0.id, FixtureRecorder.calls(in: workspace.recordLog(for: $0.id))) })
        }
        return results
    }

    private func runAll(_ checks: [CheckBlock], workspace: Workspace,
                        progress: @escaping @Sendable (CheckResult, Int, Int) -> Void) throws -> [CheckResult] {
        let results = ResultSlots(count: checks.count)
        let queue = WorkQueue(count: checks.count)
        let group = DispatchGroup()
        for _ in 0..<min(jobs, max(1, checks.count)) {
            group.enter()
            Thread.detachNewThread {
                while let i = queue.next() {
                    let result = runOne(checks[i], workspace: workspace)
                    let done = results.set(i, result)
                    progress(result, done, checks.count)
                }
                group.leave()
            }
        }
        group.wait()
        return results.all
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

/// Hands out indices to worker threads.
final class WorkQueue: @unchecked Sendable {
    private var nextIndex = 0
    private let count: Int
    private let lock = NSLock()
    init(count: Int) { self.count = count }
    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard nextIndex < count else { return nil }
        defer { nextIndex += 1 }
        return nextIndex
    }
}

/// Results by handbook index, filled from worker threads.
final class ResultSlots: @unchecked Sendable {
    private var slots: [CheckResult?]
    private var filled = 0
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: CheckResult) -> Int {
        lock.lock(); defer { lock.unlock() }
        slots[i] = r
        filled += 1
        return filled
    }
    var all: [CheckResult] { lock.lock(); defer { lock.unlock() }; return slots.compactMap { $0 } }
}
