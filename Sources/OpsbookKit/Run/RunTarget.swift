import Foundation

/// Where checks run (contract §4): a live target's environment and kube context, or fixture
/// folders to replay.
public struct RunTarget: Hashable, Sendable {
    public var name: String
    public var env: [String: String]
    public var kubeContext: String?
    /// Replay folders, absolute, first wins; empty for a live target.
    public var fixtures: [String]
    /// Where in targets.yaml each fixture folder is named (by absolute path), for errors.
    public var fixturePositions: [String: SourcePosition] = [:]
    /// Programs replayed from fixtures or captured when recording.
    public var recorded: [String]

    public static let defaultRecorded = ["kubectl", "etcdctl", "helm", "ssh", "curl", "redis-cli", "psql", "k3s"]

    public init(name: String, env: [String: String] = [:], kubeContext: String? = nil, fixtures: [String] = [],
                recorded: [String] = RunTarget.defaultRecorded) {
        self.name = name
        self.env = env
        self.kubeContext = kubeContext
        self.fixtures = fixtures
        self.recorded = recorded
    }

    public var isReplay: Bool { !fixtures.isEmpty }
}
