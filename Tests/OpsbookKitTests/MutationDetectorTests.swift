import XCTest
@testable import OpsbookKit

/// Read-only by default (contract §6), decided on shell words rather than one spelling.
final class MutationDetectorTests: XCTestCase {
    private func mutation(_ body: String) -> String? { MutationDetector.analyse(body).mutations.first?.command }

    func testEverySpellingOfAMutationIsFound() {
        let cases: [String: String] = [
            "rm --recursive --force /var/lib/rancher": "rm --recursive --force /var/lib/rancher",
            "rm -r -f data": "rm -r -f data",
            "rm -fr data": "rm -fr data",
            "rm -Rf data": "rm -Rf data",
            "rm -r --force data": "rm -r --force data",
            "k=kubectl; $k delete pod x": "kubectl delete",
            "K=\"kubectl --context stg\"\n$K delete pod x": "kubectl --context stg delete",
            "kubectl get pods -o name | xargs kubectl delete": "kubectl delete",
            "kubectl get pods -o name | xargs -n 1 -P 4 kubectl delete": "kubectl delete",
            "kubectl --context x -n y delete pod z": "kubectl --context x -n y delete",
            "kubectl --context=x --namespace=y delete pod z": "kubectl --context=x --namespace=y delete",
            "sh -c 'kubectl delete pod x'": "kubectl delete",
            "bash -ec \"kubectl delete pod x\"": "kubectl delete",
            "sudo -u root systemctl restart k3s": "systemctl restart",
            "env KUBECONFIG=/x kubectl apply -f y.yaml": "kubectl apply",
            "timeout -s KILL 5 kubectl drain node-1": "kubectl drain",
            "nice -n 5 helm upgrade chat ./chart": "helm upgrade",
            "helm --namespace chat uninstall chat": "helm --namespace chat uninstall",
            "helm -n chat --kube-context stg rollback chat 3": "helm -n chat --kube-context stg rollback",
            "command kubectl delete pod x": "kubectl delete",
            "exec kubectl cordon node-1": "kubectl cordon",
            "echo \"$(kubectl delete pod x)\"": "kubectl delete",
            "echo `kubectl scale deploy/x --replicas=0`": "kubectl scale",
            "if kubectl delete pod x; then echo gone; fi": "kubectl delete",
            "(cd /tmp && kubectl label node n a=b)": "kubectl label",
            "ssh node-1 sudo systemctl stop k3s": "systemctl stop",
            "watch -n 1 kubectl annotate pod x a=b": "kubectl annotate",
            "kubectl exec etcd-0 -- etcdctl del /registry/x": "etcdctl del",
            "etcdctl --endpoints https://10.0.1.11:2379 put k v": "etcdctl --endpoints https://10.0.1.11:2379 put",
            "etcdctl snapshot restore snap.db": "etcdctl snapshot restore",
            "etcdctl defrag": "etcdctl defrag",
            "docker system prune -f": "docker system prune",
            "redis-cli -h r -p 6379 FLUSHALL": "redis-cli -h r -p 6379 FLUSHALL",
            "k3s kubectl delete pod x": "kubectl delete",
            "/usr/bin/kubectl patch deploy x -p '{}'": "/usr/bin/kubectl patch",
            "kubectl rollout restart deploy/chat": "kubectl rollout restart",
            "kubectl rollout undo deploy/chat": "kubectl rollout undo",
            "kubectl set image deploy/chat c=i:2": "kubectl set",
            "kubectl taint nodes n k=v:NoSchedule": "kubectl taint",
            "kubectl replace -f x.yaml 2>/dev/null": "kubectl replace",
            "kubectl create ns x >/dev/null 2>&1": "kubectl create",
            "kubectl edit cm x": "kubectl edit",
            "shutdown -r now": "shutdown",
            "sudo reboot": "reboot",
            "kubectl delete \\\n  pod x": "kubectl delete",
            "kubectl get pods && kubectl delete pod x": "kubectl delete",
            "for p in a b; do kubectl delete pod \"$p\"; done": "kubectl delete",
            "$ kubectl delete pod x\npod \"x\" deleted": "kubectl delete",
        ]
        for (body, expected) in cases.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(mutation(body), expected, body)
        }
    }

    func testReadOnlyCommandsAreNotFlagged() {
        let bodies = [
            "kubectl get pods -A",
            "kubectl describe pod x",
            "kubectl --context stg -n chat get deploy chat -o jsonpath='{.status}'",
            "kubectl get pods -o name | grep delete",
            "kubectl get deploy -l app=delete",
            "kubectl logs x | grep -c deleted",
            "kubectl rollout status deploy/chat",
            "kubectl apply --dry-run=client -f x.yaml",
            "kubectl diff -f x.yaml || true",
            "echo \"kubectl delete pod x\"",
            "echo 'rm -rf /'",
            "grep -- 'rm -rf' notes.txt",
            "# kubectl delete pod x",
            "kubectl get pods # then kubectl delete pod x",
            "cat <<EOF\nkubectl delete pod x\nrm -rf /\nEOF",
            "$ kubectl get pods\npod \"x\" deleted",
            "helm list -A",
            "helm --namespace chat status chat",
            "etcdctl --endpoints https://x:2379 endpoint health",
            "etcdctl snapshot status snap.db",
            "systemctl status k3s",
            "systemctl --no-pager is-active k3s",
            "command -v kubectl",
            "rm -f \"$tmp\"",
            "rm out.json",
            "redis-cli -h r INFO replication",
            "docker ps",
            "tmp=$(mktemp) && kubectl get pods > \"$tmp\" && wc -l < \"$tmp\"",
        ]
        for body in bodies {
            XCTAssertNil(mutation(body), body)
            XCTAssertEqual(MutationDetector.analyse(body).unknown, [], body)
        }
    }

    func testCommandsBuiltAtRunTimeAreNamedWithTheirLine() {
        for body in ["$K delete pod x", "\"$cmd\" delete pod x", "eval \"$x\"", "$(echo kubectl) delete pod x",
                     "bash -c \"$script\"", "k=$(which kubectl); $k delete pod x"] {
            let a = MutationDetector.analyse("echo start\n" + body)
            XCTAssertNil(a.mutations.first, body)
            XCTAssertEqual(a.unknown.first?.line, 1, body)
        }
    }

    func testFixtureBypassesAreFound() {
        for body in ["/usr/bin/kubectl get nodes", "PATH=/usr/bin:/bin; kubectl get nodes", "env -i PATH=/usr/bin kubectl get nodes",
                     "command -p kubectl get nodes", "sh -c '/usr/local/bin/helm list'", "exec /usr/bin/etcdctl get x",
                     "PATH=/bin kubectl get nodes"] {
            XCTAssertFalse(MutationDetector.analyse(body).bypasses.isEmpty, body)
        }
        for body in ["kubectl get nodes", "/usr/bin/jq . x.json", "env FOO=1 kubectl get nodes", "PATH=\"$PATH:/opt\"; jq ."] {
            XCTAssertEqual(MutationDetector.analyse(body).bypasses, [], body)
        }
    }

    func testLintReportsAtTheCommandsPosition() throws {
        let md = "```check t\necho ok\n  sudo   kubectl --context x delete pod y\n```\n\n```check u\necho ok\n$K delete pod x\n/usr/bin/kubectl get pods\n```\n"
        let root = try TestSupport.handbook(["content/index.md": md])
        let (_, problems) = try TestSupport.load(root)
        let mutation = try XCTUnwrap(problems.first { $0.code == "check.unmarked-mutation" })
        XCTAssertEqual(mutation.message.hasPrefix("`kubectl --context x delete`"), true, mutation.message)
        XCTAssertEqual(mutation.position?.line, 3)
        XCTAssertEqual(mutation.position?.column, 10)
        let unknown = try XCTUnwrap(problems.first { $0.code == "check.command-built-at-run-time" })
        XCTAssertEqual(unknown.severity, .warning)
        XCTAssertEqual(unknown.position?.line, 8)
        // sudo runs with its own secure_path (line 3); the absolute path is on line 9.
        XCTAssertEqual(problems.filter { $0.code == "check.bypasses-fixtures" }.compactMap(\.position?.line), [3, 9])
    }

    /// The runner refuses with the same detector: the check never starts.
    func testRunnerRefusesNewSpellingsAndNothingRuns() throws {
        let dir = try TestSupport.handbook([:])
        let marker = dir.appendingPathComponent("ran").path
        for body in ["touch \(marker); sh -c 'kubectl delete pod x' || true", "touch \(marker); rm --recursive --force \(dir.path)/nothing",
                     "touch \(marker); k=kubectl; $k delete pod x || true"] {
            let block = TestSupport.page("```check t\n\(body)\n```\n").0.checks[0]
            let runner = CheckRunner(target: RunTarget(name: "local"), root: dir, jobs: 1, allowMutations: true, redactor: Redactor())
            let r = try runner.run([block])[0]
            XCTAssertEqual(r.status, .errored, body)
            XCTAssertFalse(FileManager.default.fileExists(atPath: marker), body)
        }
    }

    func testDeepOrHostileInputEnds() {
        let deep = String(repeating: "$(", count: 5000) + "kubectl delete pod x" + String(repeating: ")", count: 5000)
        _ = MutationDetector.analyse(deep)
        _ = MutationDetector.analyse(String(repeating: "sh -c '", count: 200))
        _ = MutationDetector.analyse("cat <<")
        _ = MutationDetector.analyse("\"unterminated $(")
    }
}
