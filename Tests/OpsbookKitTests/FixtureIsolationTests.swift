import XCTest
@testable import OpsbookKit

/// A fixture target never reaches a real system (contract §5): every route around the stand-ins
/// on PATH ends in the replay or an `errored` check, and the "real" program never runs.
final class FixtureIsolationTests: XCTestCase {
    /// A folder holding a fake "real" `kubectl` that leaves a marker file when it runs.
    private struct FakeReal {
        let bin: URL
        let marker: URL
        init() throws {
            let dir = try TestSupport.handbook([:])
            bin = dir.appendingPathComponent("realbin")
            marker = dir.appendingPathComponent("REAL-KUBECTL-RAN")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            let script = "#!/bin/sh\ntouch '\(marker.path)'\necho real-cluster-answer\n"
            try Data(script.utf8).write(to: bin.appendingPathComponent("kubectl"))
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin.appendingPathComponent("kubectl").path)
        }
    }

    private func run(_ body: String, fake: FakeReal, fixtures: [FixtureCall] = [], env: [String: String] = [:],
                     warnings: WarningBox? = nil) throws -> CheckResult {
        let block = TestSupport.page("```check t\n\(body)\n```\n").0.checks[0]
        var base = ProcessInfo.processInfo.environment
        base["PATH"] = fake.bin.path + ":/usr/local/bin:/usr/bin:/bin"
        base.merge(env) { $1 }
        // Binary: only as the program the fixture stand-ins exec.
        var runner = CheckRunner(target: RunTarget(name: "demo", fixtures: ["/fixtures"], recorded: ["kubectl"]),
                                 root: URL(fileURLWithPath: "/tmp"), jobs: 1, allowMutations: false, redactor: Redactor(),
                                 baseEnvironment: base, executable: TestSupport.binary.path)
        runner.fixtures = FixtureSet(folders: [fixtures])
        runner.warn = { d in warnings?.add(d) }
        return try runner.run([block])[0]
    }

    final class WarningBox: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [Diagnostic] = []
        func add(_ d: Diagnostic) { lock.lock(); list.append(d); lock.unlock() }
        var all: [Diagnostic] { lock.lock(); defer { lock.unlock() }; return list }
    }

    /// Each way around PATH, with `|| true` so only opsbook's own verdict can stop a false pass.
    func testEveryRouteAroundTheStandInsIsErroredAndNeverRunsTheRealProgram() throws {
        // A copy made at run time is only caught by the namespace; where none can be made (a
        // locked-down container) the warning test below covers the fallback.
        let probe = try FakeReal()
        let isolated: Bool
        if case .namespaces = isolationMode(probe) { isolated = true } else { isolated = false }
        try assertEveryRouteIsErrored(env: [:], copies: isolated)
    }

    /// Without namespaces (here: turned off), the same routes are refused before they run, and
    /// the run says it is not isolated.
    func testWithoutNamespacesEveryRouteIsRefusedAndTheRunWarns() throws {
        let warnings = WarningBox()
        try assertEveryRouteIsErrored(env: ["OPSBOOK_NO_NAMESPACES": "1"], warnings: warnings, copies: false)
        XCTAssertTrue(warnings.all.contains { $0.code == "fixtures.not-isolated" }, "\(warnings.all)")
    }

    private func assertEveryRouteIsErrored(env: [String: String], warnings: WarningBox? = nil, copies: Bool = true) throws {
        let fake = try FakeReal()
        let real = fake.bin.appendingPathComponent("kubectl").path
        var routes = [
            "absolute path": "\(real) get nodes || true",
            "PATH reset": "PATH=\(fake.bin.path):/usr/bin:/bin; kubectl get nodes || true",
            "env -i": "env -i PATH=\(fake.bin.path):/bin kubectl get nodes || true",
            "exec": "exec \(real) get nodes",
            "sh -c": "sh -c '\(real) get nodes' || true",
        ]
        // `command -p` searches the default PATH: meaningful where a kubectl is installed there,
        // or where the static refusal (no namespaces) applies.
        if !env.isEmpty || FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl") {
            routes["command -p"] = "command -p kubectl get nodes || true"
        }
        if copies { routes["copied program"] = "cp \(real) ./k && ./k get nodes || true" }
        for (route, body) in routes.sorted(by: { $0.key < $1.key }) {
            let r = try run(body, fake: fake, env: env, warnings: warnings)
            XCTAssertEqual(r.status, .errored, "\(route): \(r.reason ?? "") \(r.output)")
            XCTAssertNotEqual(r.status, .passed, route)
            XCTAssertFalse(r.output.contains("real-cluster-answer"), route)
            XCTAssertFalse(FileManager.default.fileExists(atPath: fake.marker.path), "\(route): the real program ran")
        }
    }

    /// By absolute path the call is still answered by the replay, not refused.
    func testAbsolutePathIsAnsweredByTheReplay() throws {
        let fake = try FakeReal()
        let real = fake.bin.appendingPathComponent("kubectl").path
        let r = try run("$ \(real) get nodes\nfrom-fixture", fake: fake,
                        fixtures: [FixtureCall(call: ["kubectl", "get", "nodes"], stdout: "from-fixture\n")])
        if case .namespaces = isolationMode(fake) {
            XCTAssertEqual(r.status, .passed, r.reason ?? "")
        } else {
            XCTAssertEqual(r.status, .errored, r.reason ?? "")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: fake.marker.path))
    }

    func testEnvironmentPointsEveryConnectionAtNothing() throws {
        let fake = try FakeReal()
        let r = try run("echo \"K=$KUBECONFIG E=$ETCDCTL_ENDPOINTS P=$PGHOST:$PGPORT X=$HTTPS_PROXY A=${ETCDCTL_CACERT-unset} R=${REDISCLI_AUTH-unset} H=$HOME\"",
                        fake: fake, env: ["ETCDCTL_ENDPOINTS": "https://10.0.1.11:2379", "ETCDCTL_CACERT": "/etc/ca.crt",
                                          "REDISCLI_AUTH": "x" + "y", "KUBECONFIG": "/root/.kube/config", "PGHOST": "db.example"])
        XCTAssertEqual(r.status, .passed, r.reason ?? "")
        XCTAssertTrue(r.output.contains("E=http://127.0.0.1:9 "), r.output)
        XCTAssertTrue(r.output.contains("P=127.0.0.1:9 "), r.output)
        XCTAssertTrue(r.output.contains("X=http://127.0.0.1:9 "), r.output)
        XCTAssertTrue(r.output.contains("A=unset R=unset"), r.output)
        XCTAssertFalse(r.output.contains("/root/.kube"), r.output)
        XCTAssertFalse(r.output.contains("db.example"), r.output)
    }

    func testNoNetworkInsideTheSandbox() throws {
        let fake = try FakeReal()
        guard case .namespaces = isolationMode(fake) else { throw XCTSkip("no namespaces here; the warning test covers it") }
        // Only a loopback device, down: nothing outside can be reached.
        let r = try run("$ grep -c : /proc/net/dev\n1", fake: fake)
        XCTAssertEqual(r.status, .passed, r.output)
    }

    func testFallingBackWithoutNamespacesIsNeverSilent() throws {
        let dir = try TestSupport.handbook([:])
        let sandbox = try FixtureSandbox(workspace: dir, standIns: dir, target: RunTarget(name: "demo", fixtures: ["x"]),
                                         executable: nil, callerPath: "/usr/bin:/bin", callerHome: nil)
        XCTAssertEqual(sandbox.warning?.code, "fixtures.not-isolated")
        XCTAssertEqual(sandbox.warning?.severity, .warning)
    }

    func testRealCopiesAreFoundThroughSymlinksOnce() throws {
        let fake = try FakeReal()
        let other = fake.bin.deletingLastPathComponent().appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: other.appendingPathComponent("kubectl"),
                                                   withDestinationURL: fake.bin.appendingPathComponent("kubectl"))
        let pairs = FixtureIsolation.binds(programs: ["kubectl", "helm"], folders: [other.path, fake.bin.path],
                                           standIns: URL(fileURLWithPath: "/nonexistent"))
        XCTAssertEqual(pairs.map(\.real), [fake.bin.appendingPathComponent("kubectl").resolvingSymlinksInPath().path])
    }

    private func isolationMode(_ fake: FakeReal) -> FixtureIsolation.Mode {
        let dir = fake.bin.deletingLastPathComponent().appendingPathComponent("probe-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let binds = dir.appendingPathComponent("binds")
        try? Data().write(to: binds)
        // Binary: only as the program the fixture stand-ins exec.
        return FixtureIsolation.probe(executable: TestSupport.binary.path, bindsFile: binds, callerPath: "/usr/bin:/bin")
    }
}
