import XCTest
@testable import OpsbookKit

/// Replay through the real stand-ins: the built `opsbook fixture-replay` first on PATH.
final class FixtureTests: XCTestCase {
    private func run(_ body: String, id: String = "t", folders: [[FixtureCall]], retry: String = "") throws -> CheckResult {
        let block = TestSupport.page("```check \(id) \(retry)\n\(body)\n```\n").0.checks[0]
        // Binary: only as the program the fixture stand-ins exec.
        var runner = CheckRunner(target: RunTarget(name: "demo", fixtures: ["/fixtures"]), root: URL(fileURLWithPath: "/tmp"),
                                 jobs: 1, allowMutations: false, redactor: Redactor(), executable: TestSupport.binary.path)
        runner.fixtures = FixtureSet(folders: folders)
        return try runner.run([block])[0]
    }

    private let nodes = FixtureCall(call: ["kubectl", "get", "nodes", "--no-headers"], stdout: "cp-1 Ready\ncp-2 Ready\ncp-3 Ready\n")

    func testReplayFeedsRealPipelines() throws {
        let r = try run("$ kubectl get nodes --no-headers | grep -c Ready\n3", folders: [[nodes]])
        XCTAssertEqual(r.status, .passed, r.reason ?? "")
    }

    func testMissingFixtureIsErroredNeverPassed() throws {
        let r = try run("$ kubectl get nodes -o wide || echo fallback\nfallback", folders: [[nodes]])
        XCTAssertEqual(r.status, .errored)
        XCTAssertEqual(r.reason, "no fixture for: kubectl get nodes -o wide")
    }

    func testExitStatusAndStderrAreReplayed() throws {
        let call = FixtureCall(call: ["etcdctl", "endpoint", "health"], exit: 1, stdout: "", stderr: "unhealthy\n")
        let r = try run("$ etcdctl endpoint health\nunhealthy\n[1]", folders: [[call]])
        XCTAssertEqual(r.status, .passed, r.diff ?? r.reason ?? "")
    }

    func testRepeatedCallsReplayInOrderAcrossRetries() throws {
        let calls = ["1/3", "2/3", "3/3"].map { FixtureCall(call: ["kubectl", "rollout", "status"], stdout: $0 + "\n") }
        let r = try run("$ kubectl rollout status\n3/3", folders: [calls], retry: "retry=5x0s")
        XCTAssertEqual(r.status, .passed)
        XCTAssertEqual(r.attempts, 3)
    }

    func testCheckScopedEntriesWinAndOtherChecksAreIgnored() throws {
        let shared = FixtureCall(call: ["curl", "-fsS", "http://x/healthz"], stdout: "shared\n")
        let mine = FixtureCall(call: ["curl", "-fsS", "http://x/healthz"], check: "mine", stdout: "mine\n")
        let theirs = FixtureCall(call: ["curl", "-fsS", "http://x/healthz"], check: "theirs", stdout: "theirs\n")
        XCTAssertEqual(try run("$ curl -fsS http://x/healthz\nmine", id: "mine", folders: [[shared, theirs, mine]]).status, .passed)
        XCTAssertEqual(try run("$ curl -fsS http://x/healthz\nshared", id: "other", folders: [[theirs, shared]]).status, .passed)
        XCTAssertEqual(try run("$ curl -fsS http://x/healthz", id: "other", folders: [[theirs]]).status, .errored)
    }

    func testOverlayFolderWins() throws {
        let bad = FixtureCall(call: ["kubectl", "get", "nodes", "--no-headers"], stdout: "cp-1 Ready\ncp-2 NotReady\n")
        let r = try run("$ kubectl get nodes --no-headers | grep -c NotReady\n0\n[1]", folders: [[bad], [nodes]])
        XCTAssertEqual(r.status, .failed)
    }

    func testStdinMustMatch() throws {
        let call = FixtureCall(call: ["psql", "-At"], stdin: "select 1;\n", stdout: "1\n")
        XCTAssertEqual(try run("$ echo 'select 1;' | psql -At\n1", folders: [[call]]).status, .passed)
        XCTAssertEqual(try run("$ echo 'select 2;' | psql -At\n1", folders: [[call]]).status, .errored)
    }

    func testFixtureFilesParseWithPositionedErrors() {
        let (calls, problems) = FixtureSet.parse("- call: [kubectl, version]\n  stdout: v1\n- call: []\n- stdout: x\n  bogus: 1\n", path: "checks/fixtures/demo/a.yaml")
        XCTAssertEqual(calls.count, 1)
        XCTAssertEqual(problems.map { "\($0.position!.line):\($0.code)" }, ["3:fixtures.call", "5:fixtures.key"])
        let (_, missing) = FixtureSet.load(folders: ["checks/fixtures/none"], root: URL(fileURLWithPath: "/tmp"))
        XCTAssertEqual(missing.codes(), ["fixtures.missing-folder"])
    }
}
