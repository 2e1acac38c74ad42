import Foundation

/// Everything a run needs from `checks/`, read and validated before anything runs.
public struct RunSetup: Sendable {
    public var target: RunTarget
    public var fixtures: FixtureSet?
    public var attestations: [Attestation]
    public var redactor: Redactor
    public var diagnostics: [Diagnostic]
}

/// One target's finished run.
public struct TargetRun: Sendable {
    public var setup: RunSetup
    public var results: Results
    public var targetName: String { setup.target.name }
}

/// How checks run, whichever command runs them.
public struct RunSettings: Sendable {
    /// Run checks marked `mutates` too.
    public var allowMutations: Bool
    /// Checks running at the same time, shared among targets.
    public var jobs: Int
    /// The opsbook binary the fixture stand-ins call back into.
    public var executable: String

    public init(allowMutations: Bool = false, jobs: Int = ProcessInfo.processInfo.activeProcessorCount,
                executable: String = Pipeline.runningExecutable()) {
        self.allowMutations = allowMutations
        self.jobs = jobs
        self.executable = executable
    }
}

/// What a run keeps besides its verdicts: a history folder and a metrics file (contract §10).
public struct FleetRecords: Sendable {
    public var history: String?
    public var keep: String?
    public var metrics: String?

    public init(history: String? = nil, keep: String? = nil, metrics: String? = nil) {
        self.history = history
        self.keep = keep
        self.metrics = metrics
    }
}
