import Foundation
import XCTest
import Yams
@testable import OpsbookKit

/// `deploy/kubernetes/`: the in-cluster CronJob and its read-only role (issue 18).
final class DeployManifestTests: XCTestCase {
    private var deploy: URL { TestSupport.packageRoot.appendingPathComponent("deploy/kubernetes") }

    private func yaml(_ name: String) throws -> [String: Any] {
        let text = try String(contentsOf: deploy.appendingPathComponent(name), encoding: .utf8)
        return try XCTUnwrap(try Yams.load(yaml: text) as? [String: Any], name)
    }

    /// The role grants exactly what the handbook's checks read: derived from their kubectl calls.
    func testClusterRoleIsReadOnlyAndExactlyWhatTheChecksRead() throws {
        let (handbook, _) = try TestSupport.load(TestSupport.packageRoot)
        let needed = KubectlAccess(checks: handbook.checks)
        XCTAssertEqual(needed.unknown, [], "kubectl verbs the analysis cannot map; a read-only role cannot serve them")
        XCTAssertFalse(needed.resources.isEmpty, "the handbook reads the cluster through kubectl")

        let role = try yaml("clusterrole.yaml")
        XCTAssertEqual(role["kind"] as? String, "ClusterRole")
        let rules = try XCTUnwrap(role["rules"] as? [[String: Any]])
        var granted: [String: Set<String>] = [:]
        var urls = Set<String>()
        for rule in rules {
            let verbs = Set(rule["verbs"] as? [String] ?? [])
            XCTAssertTrue(verbs.isSubset(of: ["get", "list", "watch"]), "read-only: \(verbs)")
            XCTAssertFalse(verbs.isEmpty)
            for key in ["apiGroups", "resources", "nonResourceURLs", "resourceNames"] {
                XCTAssertFalse((rule[key] as? [String] ?? []).contains("*"), "no wildcard in \(key)")
            }
            if let u = rule["nonResourceURLs"] as? [String] {
                XCTAssertEqual(verbs, ["get"])
                urls.formUnion(u)
                continue
            }
            XCTAssertEqual(verbs, ["get", "list", "watch"], "every resource rule grants the three read verbs")
            for group in rule["apiGroups"] as? [String] ?? [] {
                granted[group, default: []].formUnion(rule["resources"] as? [String] ?? [])
            }
        }
        func pairs(_ m: [String: Set<String>]) -> Set<String> { Set(m.flatMap { g, rs in rs.map { "\(g.isEmpty ? "core" : g): \($0)" } }) }
        XCTAssertEqual(pairs(needed.resources).subtracting(pairs(granted)).sorted(), [], "read by the checks, missing from the role")
        XCTAssertEqual(pairs(granted).subtracting(pairs(needed.resources)).sorted(), [], "granted by the role, read by no check")
        XCTAssertEqual(urls, needed.nonResourceURLs)
    }

    func testKubectlCallsAreReadThroughFlagsAndPipes() {
        var access = KubectlAccess()
        for call in KubectlAccess.kubectlCalls(in: #"kubectl --context prod -n chat get deploy,sts/x -o json | jq '.items | length' && kubectl get --raw /readyz?verbose; /usr/bin/kubectl logs -n a deploy/api; kubectl get --raw "/api/v1/nodes/$n/proxy/configz""#) {
            access.add(call)
        }
        XCTAssertEqual(access.resources["apps"], ["deployments", "statefulsets"])
        XCTAssertEqual(access.resources[""], ["pods", "pods/log", "nodes/proxy"], "a raw /api path is a resource request")
        XCTAssertEqual(access.nonResourceURLs, ["/readyz"])
        var writes = KubectlAccess()
        for call in KubectlAccess.kubectlCalls(in: "kubectl delete pod x; kubectl exec -it p -- sh") { writes.add(call) }
        XCTAssertEqual(writes.unknown, ["delete", "exec"], "a write is never mapped to a read grant")
    }

    func testCronJobRunsNonRootReadOnlyWithoutOverlap() throws {
        let job = try yaml("cronjob.yaml")
        let spec = try XCTUnwrap(job["spec"] as? [String: Any])
        XCTAssertEqual(spec["concurrencyPolicy"] as? String, "Forbid")
        let pod = try XCTUnwrap(((spec["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any])?["template"] as? [String: Any])
        let podSpec = try XCTUnwrap(pod["spec"] as? [String: Any])
        XCTAssertEqual((podSpec["securityContext"] as? [String: Any])?["runAsNonRoot"] as? Bool, true)
        let container = try XCTUnwrap((podSpec["containers"] as? [[String: Any]])?.first)
        let security = try XCTUnwrap(container["securityContext"] as? [String: Any])
        XCTAssertEqual(security["readOnlyRootFilesystem"] as? Bool, true)
        XCTAssertEqual(security["allowPrivilegeEscalation"] as? Bool, false)
        let limits = (container["resources"] as? [String: Any])?["limits"] as? [String: Any]
        XCTAssertNotNil(limits?["memory"])
        XCTAssertNotNil(limits?["cpu"])
        let args = try XCTUnwrap(container["args"] as? [String])
        XCTAssertEqual(Array(args.prefix(3)), ["check", "--target", "in-cluster"])
        XCTAssertTrue(args.contains("--metrics") && args.contains("--json") && args.contains("--history"))
    }

    /// Offline schema validation with PyPI's kubernetes-validate; a broken copy must fail, so the
    /// validator is known to be looking.
    func testManifestsValidateAgainstKubernetesSchemas() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: deploy.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 6)
        let run = try FleetTests.shell("cd '\(deploy.path)' && kubernetes-validate --strict -k 1.31.0 \(files.joined(separator: " "))")
        XCTAssertEqual(run.status, 0, "kubernetes-validate (pip) must accept every manifest:\n\(run.output)")
        let broken = try TestSupport.handbook(["bad.yaml": try String(contentsOf: deploy.appendingPathComponent("cronjob.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "concurrencyPolicy: Forbid", with: "concurrencyPolicy: Forbid\n  concurency: 1")])
        let bad = try FleetTests.shell("kubernetes-validate --strict -k 1.31.0 '\(broken.appendingPathComponent("bad.yaml").path)'")
        XCTAssertNotEqual(bad.status, 0, "a misspelt field is caught:\n\(bad.output)")
    }
}
