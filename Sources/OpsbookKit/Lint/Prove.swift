import Foundation

/// `opsbook lint --prove`: runs every check in each `ProveWorld` and warns (`check.cannot-fail`)
/// about checks that pass in one of them, naming the world. Only checks that called a recorded
/// program are judged: the others see the same machine in every world, and the static rules
/// (`CheckCannotFail`) speak for them.
///
/// The runs are fixture runs (stand-ins, namespaces, poisoned environment: nothing reaches a real
/// system) whose stand-ins answer from the world instead of from recordings. Retries are
/// dropped and timeouts capped: a check that fails in a world would otherwise wait out its
/// `retry=` delays, and proving wants only "did it pass".
public struct Prover: Sendable {
    public var root: URL
    /// The opsbook binary the stand-ins call back into.
    public var executable: String
    public var jobs: Int
    /// Programs the stand-ins replace, and the `env` the checks expect (the default target's).
    public var recorded: [String]
    public var env: [String: String]
    public var baseEnvironment: [String: String]
    public var worlds: [ProveWorld] = ProveWorld.allCases
    /// Longest a check may run in a world.
    public var timeoutCapMilliseconds = 10_000

    public init(root: URL, executable: String, jobs: Int, recorded: [String] = RunTarget.defaultRecorded,
                env: [String: String] = [:], baseEnvironment: [String: String] = ProcessInfo.processInfo.environment) {
        self.root = root
        self.executable = executable
        self.jobs = jobs
        self.recorded = recorded
        self.env = env
        self.baseEnvironment = baseEnvironment
    }

    /// The environment variable that switches a stand-in to a world, and the one naming the
    /// folder where it notes which checks called it.
    public static let worldVariable = "OPSBOOK_PROVE_WORLD"
    public static let callLogVariable = "OPSBOOK_PROVE_CALLS"

    public func prove(_ checks: [CheckBlock]) async throws -> [Diagnostic] {
        let runnable = checks.filter { !$0.attributes.isMutating }.map(bounded)
        var passedIn: [String: [ProveWorld]] = [:]
        for world in worlds {
            let (results, callers) = try await run(runnable, in: world)
            for result in results where result.status == .passed && callers.contains(result.id) {
                passedIn[result.id, default: []].append(world)
            }
        }
        return runnable.compactMap { check in
            guard let found = passedIn[check.id] else { return nil }
            let worlds = found.map { "when \($0.description)" }.joined(separator: ", and ")
            return .warning("check.cannot-fail", "check `\(check.id)` cannot fail: it passes \(worlds) (opsbook lint --prove; worlds: \(found.map(\.rawValue).joined(separator: ", ")))",
                            at: check.position)
        }
    }

    /// `prove` for synchronous callers on a thread of their own (tests); never from async code.
    @available(*, noasync, message: "await prove(_:) instead")
    public func prove(_ checks: [CheckBlock]) throws -> [Diagnostic] {
        try Blocking.wait { try await prove(checks) }
    }

    private func bounded(_ check: CheckBlock) -> CheckBlock {
        var c = check
        c.attributes.retry = nil
        c.attributes.timeoutMilliseconds = min(c.attributes.timeoutMilliseconds, timeoutCapMilliseconds)
        return c
    }

    /// Runs every check once in `world`; returns the results and the ids of checks that called
    /// at least one recorded program.
    func run(_ checks: [CheckBlock], in world: ProveWorld) async throws -> ([CheckResult], Set<String>) {
        let log = try Workspace.makeTemporaryFolder(prefix: "opsbook-prove")
        defer { try? FileManager.default.removeItem(at: log) }
        var base = baseEnvironment
        base[Self.worldVariable] = world.rawValue
        base[Self.callLogVariable] = log.path
        let target = RunTarget(name: "prove-\(world.rawValue)", env: env, fixtures: ["(opsbook --prove: \(world.rawValue))"],
                               recorded: recorded)
        var runner = CheckRunner(target: target, root: root, jobs: jobs, allowMutations: false, redactor: Redactor(),
                                 baseEnvironment: base, executable: executable)
        runner.fixtures = FixtureSet(folders: [])
        let results = try await runner.run(checks)
        let callers = Set((try? FileManager.default.contentsOfDirectory(atPath: log.path)) ?? [])
        return (results, callers)
    }

    /// What a stand-in does in a prove run: notes that this check called a recorded program
    /// (an empty file named after the check) and answers as the world does.
    public static func standInReply(program: String, arguments: [String], environment: [String: String],
                                    check: String) -> ProveWorld.Reply? {
        guard let name = environment[worldVariable], let world = ProveWorld(rawValue: name) else { return nil }
        if let log = environment[callLogVariable], !check.isEmpty, !check.contains("/") {
            // A note that cannot be written (the prove run's own temporary folder gone) loses
            // this check's "cannot fail" warning, never turns a failure into a pass.
            _ = FileManager.default.createFile(atPath: log + "/" + check, contents: nil)
        }
        return world.reply(program: program, arguments: arguments)
    }
}
