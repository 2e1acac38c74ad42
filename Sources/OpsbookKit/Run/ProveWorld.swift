import Foundation

/// A made-up world for `opsbook lint --prove`: how every recorded program answers in it. A check
/// that passes in one of these worlds passes whatever the cluster says, and so proves nothing
/// (docs/authoring.md, "Every check can fail"). The stand-ins of a prove run answer from here
/// instead of from recordings (`opsbook fixture-replay` with `OPSBOOK_PROVE_WORLD` set).
public enum ProveWorld: String, CaseIterable, Sendable {
    /// Every recorded program prints nothing and exits 0.
    case emptyAnswers = "empty-answers"
    /// Every recorded program prints an error on stderr and exits 1.
    case errors
    /// A real cluster with nothing in it: kubectl lists nothing, named objects are NotFound,
    /// `auth can-i` says no; the other programs answer as an empty system does.
    case emptyCluster = "empty-cluster"

    /// How the warning names the world: "passes when …".
    public var description: String {
        switch self {
        case .emptyAnswers: return "every recorded program prints nothing and exits 0"
        case .errors: return "every recorded program fails (error message, exit 1)"
        case .emptyCluster: return "the cluster is empty"
        }
    }

    public struct Reply: Equatable, Sendable {
        public var stdout = ""
        public var stderr = ""
        public var exit: Int32 = 0
    }

    /// `program` is the recorded program's name; `arguments` what the check passed it.
    public func reply(program: String, arguments: [String]) -> Reply {
        switch self {
        case .emptyAnswers: return Reply()
        case .errors: return Reply(stderr: "error: \(program) failed (opsbook --prove: every call fails in this world)\n", exit: 1)
        case .emptyCluster: return EmptyCluster.reply(program: program, arguments: arguments)
        }
    }
}

/// The empty-cluster answers, program by program (each documented in docs/authoring.md).
enum EmptyCluster {
    static func reply(program: String, arguments: [String]) -> ProveWorld.Reply {
        switch program {
        case "kubectl": return kubectl(arguments)
        case "k3s": return arguments.first == "kubectl" ? kubectl(Array(arguments.dropFirst())) : .init()
        case "etcdctl": return etcdctl(arguments)
        case "helm": return helm(arguments)
        case "curl": return curl(arguments)
        case "redis-cli": return redis(arguments)
        case "psql": return psql(arguments)
        default: return .init()  // ssh and anything else: the remote command finds nothing to print
        }
    }

    // MARK: kubectl

    /// Flags that take the next word as their value (when not written `--flag=value`).
    static let kubectlValueFlags: Set<String> = [
        "-n", "--namespace", "-o", "--output", "-l", "--selector", "--context", "-c", "--container", "--field-selector",
        "-f", "--filename", "--kubeconfig", "-L", "--label-columns", "--sort-by", "--template", "--cluster", "--user",
        "--request-timeout", "-s", "--server", "--token", "--as", "--as-group", "--since", "--tail", "--for", "--timeout",
        "--type", "--patch", "--chunk-size", "--subresource", "--raw",
    ]

    struct KubectlCall {
        var words: [String] = []
        var namespace: String?
        var allNamespaces = false
        var output: String?
        var isRaw = false
    }

    static func parseKubectl(_ arguments: [String]) -> KubectlCall {
        var call = KubectlCall()
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            var flag = a, value: String? = nil
            if a.hasPrefix("--"), let eq = a.firstIndex(of: "=") {
                flag = String(a[..<eq]); value = String(a[a.index(after: eq)...])
            } else if a.hasPrefix("-o"), a.count > 2, !a.hasPrefix("--") {
                flag = "-o"; value = String(a.dropFirst(2).drop { $0 == "=" })
            } else if a.hasPrefix("-n"), a.count > 2, !a.hasPrefix("--") {
                flag = "-n"; value = String(a.dropFirst(2).drop { $0 == "=" })
            }
            if flag == "-A" || flag == "--all-namespaces" { call.allNamespaces = true; i += 1; continue }
            if a.hasPrefix("-"), a != "-" {
                if value == nil, kubectlValueFlags.contains(flag), i + 1 < arguments.count { value = arguments[i + 1]; i += 1 }
                if flag == "-n" || flag == "--namespace" { call.namespace = value }
                if flag == "-o" || flag == "--output" { call.output = value }
                if flag == "--raw" { call.isRaw = true }
                i += 1
                continue
            }
            call.words.append(a)
            i += 1
        }
        return call
    }

    static let emptyListJSON = "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
    static let emptyListYAML = "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"

    static func kubectl(_ arguments: [String]) -> ProveWorld.Reply {
        let call = parseKubectl(arguments)
        guard let verb = call.words.first else { return .init() }
        if call.isRaw {
            return .init(stderr: "Error from server (NotFound): the server could not find the requested resource\n", exit: 1)
        }
        let rest = Array(call.words.dropFirst())
        switch verb {
        case "get", "describe", "top":
            return rest.count >= 2 || rest.first?.contains("/") == true
                ? notFound(rest) : emptyList(call, describe: verb != "get")
        case "logs", "exec", "attach", "port-forward", "cp", "rollout", "scale", "annotate", "label", "delete", "edit", "patch":
            return notFound(verb == "rollout" ? Array(rest.dropFirst()) : rest, defaultType: "pods")
        case "wait": return .init(stderr: "error: no matching resources found\n", exit: 1)
        case "auth": return rest.first == "can-i" ? .init(stdout: "no\n", exit: 1) : .init()
        // Versions and addresses no real expectation names, so a check of them is not
        // flagged merely because an empty cluster has a server too.
        case "version": return .init(stdout: "Client Version: v0.0.0-prove\nServer Version: v0.0.0-prove\n")
        case "cluster-info": return .init(stdout: "Kubernetes control plane is running at https://prove.invalid:6443\n")
        case "api-versions": return .init(stdout: "v1\n")
        default: return .init()
        }
    }

    private static func emptyList(_ call: KubectlCall, describe: Bool) -> ProveWorld.Reply {
        switch call.output.map({ String($0.prefix { $0 != "=" }) }) {
        case "json"?: return .init(stdout: emptyListJSON)
        case "yaml"?: return .init(stdout: emptyListYAML)
        case "name"?, "jsonpath"?, "go-template"?, "template"?, "jsonpath-as-json"?:
            return .init(stdout: call.output?.hasPrefix("jsonpath-as-json") == true ? "[]\n" : "")
        default:
            // Tables (plain, wide, custom-columns) and describe say so on stderr and exit 0.
            let scope = call.allNamespaces ? "" : " in \(call.namespace ?? "default") namespace"
            return .init(stderr: "No resources found\(scope).\n")
        }
    }

    private static func notFound(_ words: [String], defaultType: String = "resources") -> ProveWorld.Reply {
        var type = defaultType, name = words.last ?? "unknown"
        if let first = words.first, let slash = first.firstIndex(of: "/") {
            type = String(first[..<slash]); name = String(first[first.index(after: slash)...])
        } else if words.count >= 2 {
            type = words[0]
        }
        return .init(stderr: "Error from server (NotFound): \(type) \"\(name)\" not found\n", exit: 1)
    }

    // MARK: the others

    /// An etcd with no members and no keys: `member list` and `get` print nothing (an empty
    /// list in JSON); anything else (health, status, alarms) cannot reach a member.
    static func etcdctl(_ arguments: [String]) -> ProveWorld.Reply {
        let json = arguments.contains { $0 == "json" || $0 == "-w=json" || $0 == "--write-out=json" }
        let words = arguments.filter { !$0.hasPrefix("-") && $0 != "json" }
        switch words.first {
        case "member"?: return .init(stdout: json ? "{\"header\":{},\"members\":[]}\n" : "")
        case "get"?: return .init(stdout: json ? "{\"header\":{},\"count\":0}\n" : "")
        default: return .init(stderr: "Error: context deadline exceeded\n", exit: 1)
        }
    }

    /// A cluster with no releases: lists have a header only (`[]` as JSON/YAML), a named release
    /// is not found.
    static func helm(_ arguments: [String]) -> ProveWorld.Reply {
        let words = arguments.filter { !$0.hasPrefix("-") }
        let output = arguments.firstIndex { $0 == "-o" || $0 == "--output" }.flatMap { arguments.indices.contains($0 + 1) ? arguments[$0 + 1] : nil }
            ?? arguments.first { $0.hasPrefix("--output=") || $0.hasPrefix("-o=") }.map { String($0.split(separator: "=", maxSplits: 1).last ?? "") }
        switch words.first {
        case "list"?, "ls"?:
            if output == "json" || output == "yaml" { return .init(stdout: "[]\n") }
            return .init(stdout: "NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n")
        case "status"?, "get"?, "history"?, "rollback"?, "test"?:
            return .init(stderr: "Error: release: not found\n", exit: 1)
        default: return .init()
        }
    }

    /// An empty cluster's HTTP endpoints: Prometheus and Alertmanager answer with empty results,
    /// anything else is `404 page not found` (exit 22 with `-f`).
    static func curl(_ arguments: [String]) -> ProveWorld.Reply {
        let url = arguments.last { $0.contains("://") || $0.hasPrefix("localhost") || $0.contains("/api/") } ?? ""
        if url.contains("/api/v1/query") { return .init(stdout: "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}") }
        if url.contains("/api/v1/alerts") { return .init(stdout: "{\"status\":\"success\",\"data\":{\"alerts\":[]}}") }
        if url.contains("/api/v1/rules") { return .init(stdout: "{\"status\":\"success\",\"data\":{\"groups\":[]}}") }
        if url.contains("/api/v1/targets") { return .init(stdout: "{\"status\":\"success\",\"data\":{\"activeTargets\":[],\"droppedTargets\":[]}}") }
        if url.contains("/api/v2/") { return .init(stdout: "[]") }
        let fails = arguments.contains { $0 == "-f" || $0 == "--fail" || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("f")) }
        if fails { return .init(stderr: "curl: (22) The requested URL returned error: 404\n", exit: 22) }
        return .init(stdout: "404 page not found\n")
    }

    /// A Redis with no keys.
    static func redis(_ arguments: [String]) -> ProveWorld.Reply {
        let words = arguments.filter { !$0.hasPrefix("-") }.map { $0.lowercased() }
        switch words.last {
        case "ping"?: return .init(stdout: "PONG\n")
        case "dbsize"?: return .init(stdout: "0\n")
        default: return .init(stdout: words.contains("info") ? "# Keyspace\r\n" : "\n")
        }
    }

    /// A database whose tables are empty: zero rows.
    static func psql(_ arguments: [String]) -> ProveWorld.Reply {
        let tuplesOnly = arguments.contains { $0 == "-t" || $0 == "--tuples-only" || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("t") && $0.count <= 4) }
        return .init(stdout: tuplesOnly ? "" : "(0 rows)\n\n")
    }
}
