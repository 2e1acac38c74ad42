import Foundation

/// What `lint` found.
public struct LintOutcome: Sendable {
    public var handbook: Handbook
    /// Pages, `checks/` and (with `prove`) the made-up worlds' findings, in the order found.
    public var diagnostics: [Diagnostic]
}

extension Pipeline {
    /// Settings of `lint --prove`: checks run in made-up worlds with the default target's `env`.
    public struct ProveSettings: Sendable {
        public var jobs: Int
        public var executable: String
        public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount, executable: String = Pipeline.runningExecutable()) {
            self.jobs = jobs
            self.executable = executable
        }
    }

    /// Parses everything and reports every problem; runs nothing unless `prove` is given.
    public static func lint(root: URL, prove: ProveSettings? = nil) async throws -> LintOutcome {
        let root = folder(root)
        let (handbook, pageProblems) = try loadAndLint(root)
        var diagnostics = pageProblems + ChecksFolder(root: root).lint(for: handbook)
        if let prove {
            // A check the static rules already call vacuous (`|| true`) is not reported twice.
            let found = diagnostics
            diagnostics += try await proved(handbook, root: root, settings: prove)
                .filter { p in !found.contains { $0.code == p.code && $0.position == p.position } }
        }
        return LintOutcome(handbook: handbook, diagnostics: diagnostics)
    }

    /// `lint` for synchronous callers on a thread of their own (tests); never from async code.
    @available(*, noasync, message: "await lint(root:prove:) instead")
    public static func lint(root: URL, prove: ProveSettings? = nil) throws -> LintOutcome {
        try Blocking.wait { try await lint(root: root, prove: prove) }
    }

    /// `lint --prove`, with the default target's `env` and recorded programs (docs/authoring.md).
    static func proved(_ handbook: Handbook, root: URL, settings: ProveSettings) async throws -> [Diagnostic] {
        let (targets, _) = ChecksFolder(root: root).loadTargets()
        let target = targets.defaultName.flatMap { targets.targets[$0] }
        let prover = Prover(root: root, executable: settings.executable, jobs: max(1, settings.jobs),
                            recorded: target?.recorded ?? RunTarget.defaultRecorded, env: target?.env ?? [:])
        return try await prover.prove(handbook.checks)
    }
}
