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
    /// `in-cluster: true`: kubectl uses the pod's service account (deploy/kubernetes/).
    public var inCluster = false

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

    /// Where a pod's service-account token is mounted.
    public static let serviceAccountToken = "/var/run/secrets/kubernetes.io/serviceaccount/token"

    /// Why an in-cluster target cannot run here, or nil. Outside a pod it would otherwise fall
    /// back to whatever cluster the caller's kubeconfig names: refused instead.
    public func inClusterProblem(environment: [String: String] = ProcessInfo.processInfo.environment,
                                 tokenExists: Bool = FileManager.default.fileExists(atPath: RunTarget.serviceAccountToken)) -> String? {
        guard inCluster else { return nil }
        if (environment["KUBERNETES_SERVICE_HOST"] ?? "").isEmpty || !tokenExists {
            return "target `\(name)` is in-cluster: it runs only inside a Kubernetes pod (no KUBERNETES_SERVICE_HOST or no service-account token at \(RunTarget.serviceAccountToken))"
        }
        return nil
    }
}
