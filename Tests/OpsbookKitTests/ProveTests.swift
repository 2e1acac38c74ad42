import XCTest
@testable import OpsbookKit

/// `opsbook lint --prove`: every planted vacuous check is flagged with the worlds it passes in,
/// and no sound one (Tests/Fixtures/prove).
final class ProveTests: XCTestCase {
    private var fixture: URL { TestSupport.packageRoot.appendingPathComponent("Tests/Fixtures/prove") }

    func testEveryVacuousCheckIsFlaggedWithItsWorldsAndNoSoundOne() throws {
        let (handbook, _) = try TestSupport.load(fixture.appendingPathComponent("handbook"))
        XCTAssertGreaterThanOrEqual(handbook.checks.count, 16)
        // Binary: only as the program the fixture stand-ins exec.
        let prover = Prover(root: fixture.appendingPathComponent("handbook"), executable: TestSupport.binary.path, jobs: 2)
        let found = try prover.prove(handbook.checks)
        let byID = Dictionary(uniqueKeysWithValues: handbook.checks.map { ($0.position, $0.id) })
        let flagged = found.map { d -> String in
            let id = byID[d.position!] ?? "?"
            let worlds = d.message.components(separatedBy: "worlds: ").last?.components(separatedBy: ")").first ?? ""
            return "\(id): \(worlds)"
        }.joined(separator: "\n") + "\n"
        try TestSupport.assertGolden(flagged, fixture.appendingPathComponent("expected/flagged.txt"))
        XCTAssertTrue(found.allSatisfy { $0.code == "check.cannot-fail" && $0.severity == .warning })
        let count = found.first { byID[$0.position!] == "vac-count-bad-pods" }
        XCTAssertTrue(count?.message.contains("passes when the cluster is empty") ?? false, count?.message ?? "")
        let vacuous = Set(handbook.checks.map(\.id).filter { $0.hasPrefix("vac-") })
        XCTAssertEqual(Set(found.compactMap { byID[$0.position!] }), vacuous)
    }

    func testEmptyClusterAnswersAsAnEmptyClusterDoes() {
        func k(_ args: String) -> ProveWorld.Reply {
            ProveWorld.emptyCluster.reply(program: "kubectl", arguments: args.split(separator: " ").map(String.init))
        }
        XCTAssertTrue(k("get pods -A -o json").stdout.contains("\"items\": []"))
        XCTAssertEqual(k("get pods -ojson").exit, 0)
        XCTAssertEqual(k("-n chat get pods").stderr, "No resources found in chat namespace.\n")
        XCTAssertEqual(k("get nodes --all-namespaces").stderr, "No resources found.\n")
        XCTAssertEqual(k("get deploy chat-server -n chat -o json"),
                       .init(stderr: "Error from server (NotFound): deploy \"chat-server\" not found\n", exit: 1))
        XCTAssertEqual(k("get deploy/chat-server").exit, 1)
        XCTAssertEqual(k("auth can-i list pods"), .init(stdout: "no\n", exit: 1))
        XCTAssertEqual(k("get pods -o jsonpath={.items[*].metadata.name}"), .init())
        XCTAssertEqual(k("get pods -o yaml").stdout, EmptyCluster.emptyListYAML)
        XCTAssertEqual(ProveWorld.errors.reply(program: "helm", arguments: ["list"]).exit, 1)
        XCTAssertEqual(ProveWorld.emptyAnswers.reply(program: "etcdctl", arguments: ["member", "list"]), .init())
        XCTAssertEqual(ProveWorld.emptyCluster.reply(program: "helm", arguments: ["status", "x"]).exit, 1)
        XCTAssertEqual(ProveWorld.emptyCluster.reply(program: "helm", arguments: ["list", "-o", "json"]).stdout, "[]\n")
    }

    func testLintProveOnTheCommandLine() throws {
        let root = try TestSupport.handbook([
            "content/index.md": "# P\n```check none-bad\n$ kubectl get pods -A -o json | jq '[.items[] | select(.status.phase == \"Failed\")] | length'\n0\n```\n",
            "checks/targets.yaml": "default: demo\ntargets:\n  demo:\n    fixtures: checks/fixtures/demo\n",
            "checks/fixtures/demo/k.yaml": "[]\n",
        ])
        let plain = try Pipeline.lint(root: root)
        XCTAssertEqual(TestSupport.exitStatus(plain.diagnostics), 0)
        XCTAssertFalse(plain.diagnostics.printed.contains("cannot fail"), "lint alone runs nothing")
        let proved = try Pipeline.lint(root: root, prove: .init(jobs: 1, executable: TestSupport.binary.path))
        XCTAssertEqual(TestSupport.exitStatus(proved.diagnostics), 0, "a warning, not an error")
        XCTAssertTrue(proved.diagnostics.printed.contains("content/index.md:2:1: warning: check `none-bad` cannot fail: it passes when the cluster is empty"),
                      proved.diagnostics.printed)
        // Binary: `--prove` and `--strict` as the command line reads them.
        XCTAssertEqual(try TestSupport.opsbook(["lint", "--prove", "--strict"], in: root).status, 2)
    }
}
