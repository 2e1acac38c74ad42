import Foundation

/// What the handbook's checks read from the Kubernetes API, derived from their `kubectl` calls,
/// so the in-cluster ClusterRole (`deploy/kubernetes/clusterrole.yaml`) can be exactly that:
/// `get`, `list`, `watch` on those resources and nothing more. A test compares the two, so a new
/// check that reads something else fails until the role says so — and a role that grants more
/// than the checks read fails too.
public struct KubectlAccess: Sendable, Equatable {
    /// API group ("" for the core group) → resources.
    public var resources: [String: Set<String>] = [:]
    public var nonResourceURLs: Set<String> = []
    /// kubectl verbs the analysis does not know: a reviewer decides what they need.
    public var unknown: [String] = []

    public init() {}

    /// Reads every `kubectl` invocation of the given check bodies.
    public init(checks: [CheckBlock]) {
        for check in checks {
            for call in Self.kubectlCalls(in: MutationDetector.scriptText(check.body)) { add(call) }
        }
    }

    /// The arguments of each `kubectl …` simple command, read with the same shell-word parser
    /// the mutation lint uses (quotes, pipes, `$(…)` and wrappers such as `timeout` included).
    static func kubectlCalls(in text: String) -> [[String]] {
        ShellWords.commands(in: text).compactMap { command in
            let words = command.words.map(\.text)
            guard let at = words.firstIndex(where: { $0 == "kubectl" || $0.hasSuffix("/kubectl") }) else { return nil }
            return Array(words[(at + 1)...])
        }
    }

    /// Flags of kubectl that take a value as the next word: the mutation lint's list, plus those
    /// of the read verbs (`logs --tail 50`, `wait --for …`).
    static let flagsWithValue = KubectlWords.valued.union(["--since", "--tail", "--timeout", "--chunk-size", "--subresource", "--for"])

    mutating func add(_ call: [String]) {
        var positional: [String] = []
        var i = 0
        while i < call.count {
            let w = call[i]
            if w.hasPrefix("-") {
                if w == "--raw", i + 1 < call.count { raw(call[i + 1]); i += 2; continue }
                if w.hasPrefix("--raw=") { raw(String(w.dropFirst(6))); i += 1; continue }
                i += Self.flagsWithValue.contains(w) ? 2 : 1
                continue
            }
            positional.append(w)
            i += 1
        }
        guard let verb = positional.first else { return }
        let args = Array(positional.dropFirst())
        switch verb {
        case "get", "describe":
            guard let kinds = args.first else { return }
            for kind in Self.kinds(kinds) { grant(kind) }
            if verb == "describe" { grant("events") }
        case "logs":
            grant("pods")
            insert("", "pods/log")
            if let target = args.first, target.contains("/") { grant(String(target.split(separator: "/")[0])) }
        case "top":
            if let what = args.first { insert("metrics.k8s.io", Self.resource(what)?.1 ?? what) }
        case "rollout":
            guard args.count >= 2 else { return }
            guard ["status", "history"].contains(args[0]) else { unknown.append("rollout " + args[0]); return }
            for kind in Self.kinds(args[1]) { grant(kind) }
            grant("replicasets")
            if args[0] == "history" { insert("apps", "controllerrevisions") }
        case "auth", "version", "config", "api-resources", "api-versions", "explain", "cluster-info", "wait":
            // auth can-i: SelfSubjectAccessReview, granted to every authenticated user; the rest
            // read discovery documents or the local kubeconfig. `wait` reads the object:
            if verb == "wait", let kinds = args.first { for kind in Self.kinds(kinds) { grant(kind) } }
        default:
            unknown.append(verb)
        }
    }

    /// `kubectl get --raw PATH`: under `/api` or `/apis` it is a resource request (RBAC sees the
    /// group, resource and subresource); anything else (`/readyz/etcd`) a non-resource URL.
    mutating func raw(_ raw: String) {
        let path = Self.rawPath(raw)
        var parts = path.split(separator: "/").map(String.init)
        let group: String
        if parts.first == "api", parts.count >= 3 { group = ""; parts.removeFirst(2) }
        else if parts.first == "apis", parts.count >= 4 { group = parts[1]; parts.removeFirst(3) }
        else { nonResourceURLs.insert(path); return }
        if parts.first == "namespaces", parts.count >= 3 { parts.removeFirst(2) }
        guard let resource = parts.first else { nonResourceURLs.insert(path); return }
        insert(group, parts.count >= 3 ? "\(resource)/\(parts[2])" : resource)
    }

    private mutating func grant(_ kind: String) {
        guard let (group, resource) = Self.resource(kind) else { unknown.append("get " + kind); return }
        insert(group, resource)
    }

    private mutating func insert(_ group: String, _ resource: String) {
        resources[group, default: []].insert(resource)
    }

    /// `deploy,statefulset` or `deploy/chat-server` → the kinds named.
    static func kinds(_ arg: String) -> [String] {
        arg.split(separator: ",").map { String($0.split(separator: "/").first ?? $0) }
    }

    static func rawPath(_ raw: String) -> String {
        String(raw.split(separator: "?").first ?? Substring(raw))
    }

    /// kubectl's names and short names for what the handbook reads → (API group, resource).
    static func resource(_ name: String) -> (String, String)? {
        let lower = name.lowercased()
        if let known = table[lower] { return known }
        // `clusters.postgresql.cnpg.io`: a fully qualified custom resource names its own group.
        if let dot = lower.firstIndex(of: ".") {
            return (String(lower[lower.index(after: dot)...]), String(lower[..<dot]))
        }
        return nil
    }

    static let table: [String: (String, String)] = {
        var t: [String: (String, String)] = [:]
        func add(_ group: String, _ resource: String, _ names: String...) {
            for n in names + [resource] { t[n] = (group, resource) }
        }
        add("", "pods", "pod", "po")
        add("", "nodes", "node", "no")
        add("", "configmaps", "configmap", "cm")
        add("", "services", "service", "svc")
        add("", "endpoints", "ep")
        add("", "events", "event", "ev")
        add("", "namespaces", "namespace", "ns")
        add("", "persistentvolumeclaims", "persistentvolumeclaim", "pvc")
        add("", "persistentvolumes", "persistentvolume", "pv")
        add("", "resourcequotas", "resourcequota", "quota")
        add("", "limitranges", "limitrange", "limits")
        add("", "serviceaccounts", "serviceaccount", "sa")
        add("", "secrets", "secret")
        add("apps", "deployments", "deployment", "deploy")
        add("apps", "statefulsets", "statefulset", "sts")
        add("apps", "daemonsets", "daemonset", "ds")
        add("apps", "replicasets", "replicaset", "rs")
        add("batch", "jobs", "job")
        add("batch", "cronjobs", "cronjob", "cj")
        add("autoscaling", "horizontalpodautoscalers", "horizontalpodautoscaler", "hpa")
        add("policy", "poddisruptionbudgets", "poddisruptionbudget", "pdb")
        add("networking.k8s.io", "networkpolicies", "networkpolicy", "netpol")
        add("networking.k8s.io", "ingresses", "ingress", "ing")
        add("discovery.k8s.io", "endpointslices", "endpointslice")
        add("storage.k8s.io", "storageclasses", "storageclass", "sc")
        add("cert-manager.io", "certificates", "certificate", "cert", "certs")
        add("cert-manager.io", "certificaterequests", "certificaterequest", "cr")
        add("cert-manager.io", "clusterissuers", "clusterissuer")
        add("k3s.cattle.io", "etcdsnapshotfiles", "etcdsnapshotfile")
        add("postgresql.cnpg.io", "clusters", "cluster")
        add("monitoring.coreos.com", "prometheusrules", "prometheusrule")
        add("monitoring.coreos.com", "servicemonitors", "servicemonitor")
        add("rbac.authorization.k8s.io", "clusterroles", "clusterrole")
        add("rbac.authorization.k8s.io", "rolebindings", "rolebinding")
        add("rbac.authorization.k8s.io", "clusterrolebindings", "clusterrolebinding")
        add("apiregistration.k8s.io", "apiservices", "apiservice")
        add("admissionregistration.k8s.io", "validatingwebhookconfigurations", "validatingwebhookconfiguration")
        return t
    }()
}
