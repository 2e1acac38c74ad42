import XCTest
@testable import OpsbookKit

/// Real servers on loopback (Debian's etcd, redis-server, and Python's http.server): the same
/// checks decided against a live lab, against the lab with parts broken, and against a
/// recording of the healthy lab with every server stopped.
final class LiveLabTests: XCTestCase {
    private var processes: [Process] = []
    private var dirs: [URL] = []

    override func tearDown() {
        for p in processes where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
        for d in dirs { try? FileManager.default.removeItem(at: d) }
    }

    func testLabVerdictsBreakageAndRecordReplay() throws {
        for tool in ["etcd", "etcdctl", "redis-server", "redis-cli", "curl", "python3"] where which(tool) == nil {
            throw XCTSkip("live lab needs \(tool) (apt-get install etcd-server etcd-client redis-server curl); make test installs them")
        }
        let lab = try Workspace.makeTemporaryFolder(prefix: "opsbook-lab")
        dirs.append(lab)
        let ports = try (0..<8).map { _ in try freePort() }
        let etcd = try startEtcd(in: lab, clientPorts: Array(ports[0..<3]), peerPorts: Array(ports[3..<6]))
        try startRedis(port: ports[6], in: lab)
        let http = try startHealthEndpoint(port: ports[7], in: lab)
        let endpoints = ports[0..<3].map { "http://127.0.0.1:\($0)" }.joined(separator: ",")
        try waitFor("etcd cluster healthy") { self.shell("ETCDCTL_ENDPOINTS=\(endpoints) etcdctl endpoint health --cluster") }
        try waitFor("redis up") { self.shell("redis-cli -p \(ports[6]) ping") }
        try waitFor("health endpoint up") { self.shell("curl -fsS http://127.0.0.1:\(ports[7])/healthz") }

        let root = try TestSupport.handbook(handbook(endpoints: endpoints, redis: ports[6], http: ports[7]))
        dirs.append(root)

        let healthy = try verdicts(root, target: "lab")
        XCTAssertEqual(healthy, ["lab-quorum": "passed", "lab-all-healthy": "passed", "lab-redis": "passed", "lab-healthz": "passed"])

        let record = try Pipeline.record(root: root, target: "lab", into: "lab-rec", options: TestSupport.settings)
        XCTAssertEqual(TestSupport.exitStatus(record.diagnostics, anyFailure: record.anyFailure), 0, record.diagnostics.printed)
        XCTAssertFalse(record.stopped)
        let recorded = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("checks/fixtures/lab-rec").path)
        XCTAssertEqual(recorded.sorted(), ["lab-all-healthy.yaml", "lab-healthz.yaml", "lab-quorum.yaml", "lab-redis.yaml"])

        kill(etcd[2].processIdentifier, SIGKILL)
        etcd[2].waitUntilExit()
        let degraded = try verdicts(root, target: "lab")
        XCTAssertEqual(degraded["lab-all-healthy"], "failed", "one member down: not all endpoints healthy")
        XCTAssertEqual(degraded["lab-quorum"], "passed", "two of three members still hold quorum")

        http.terminate()
        http.waitUntilExit()
        XCTAssertEqual(try verdicts(root, target: "lab")["lab-healthz"], "failed")

        for p in processes where p.isRunning { p.terminate(); p.waitUntilExit() }
        XCTAssertEqual(try verdicts(root, target: "lab-replay"), healthy, "the recording replays the healthy lab's verdicts")
        // `[o]` keeps the pattern from matching the shell that runs pgrep.
        let name = lab.lastPathComponent
        XCTAssertFalse(shell("pgrep -f '[\(name.prefix(1))]\(name.dropFirst())'"), "a lab server survived")
    }

    // MARK: the lab

    private func handbook(endpoints: String, redis: Int, http: Int) -> [String: String] {
        let env = "    env: { ETCDCTL_ENDPOINTS: \"\(endpoints)\", REDIS_PORT: \"\(redis)\", HEALTH_URL: \"http://127.0.0.1:\(http)/healthz\" }\n"
        return [
            "checks/targets.yaml": "default: lab\ntargets:\n  lab:\n\(env)  lab-replay:\n    fixtures: checks/fixtures/lab-rec\n\(env)",
            "content/lab.md": """
            # 實驗叢集

            - [x] etcd 仲裁成立：線性一致讀取成功
              ```check lab-quorum timeout=20s
              $ etcdctl get opsbook-probe --consistency=l -w simple
              $ etcdctl member list -w simple | grep -c started
              3
              ```
            - [x] etcd 所有端點健康
              ```check lab-all-healthy timeout=20s
              $ etcdctl endpoint health --cluster 2>&1 | grep -c 'is healthy'
              3
              ```
            - [x] Redis 回應 PING
              ```check lab-redis
              $ redis-cli -p "$REDIS_PORT" ping
              PONG
              ```
            - [x] 健康檢查端點回 ok
              ```check lab-healthz
              $ curl -fsS "$HEALTH_URL"
              ok
              ```
            """,
        ]
    }

    private func verdicts(_ root: URL, target: String) throws -> [String: String] {
        let json = root.appendingPathComponent("r-\(target).json")
        let run = try Pipeline.check(root: root, targets: target, options: .init(run: TestSupport.settings, json: json.path))
        XCTAssertNotEqual(TestSupport.exitStatus(run.diagnostics, anyFailure: run.anyFailure), 2, run.diagnostics.printed)
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: Any]
        let checks = doc["checks"] as! [[String: Any]]
        return Dictionary(uniqueKeysWithValues: checks.map { ($0["id"] as! String, $0["status"] as! String) })
    }

    private func startEtcd(in dir: URL, clientPorts: [Int], peerPorts: [Int]) throws -> [Process] {
        let cluster = (0..<3).map { "m\($0)=http://127.0.0.1:\(peerPorts[$0])" }.joined(separator: ",")
        return try (0..<3).map { i in
            try start("etcd", [
                "--name", "m\(i)", "--data-dir", dir.appendingPathComponent("etcd-m\(i)").path,
                "--listen-client-urls", "http://127.0.0.1:\(clientPorts[i])", "--advertise-client-urls", "http://127.0.0.1:\(clientPorts[i])",
                "--listen-peer-urls", "http://127.0.0.1:\(peerPorts[i])", "--initial-advertise-peer-urls", "http://127.0.0.1:\(peerPorts[i])",
                "--initial-cluster", cluster, "--initial-cluster-state", "new", "--initial-cluster-token", "opsbook-lab",
            ], log: dir.appendingPathComponent("etcd-m\(i).log"))
        }
    }

    private func startRedis(port: Int, in dir: URL) throws {
        _ = try start("redis-server", ["--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                        "--dir", dir.path], log: dir.appendingPathComponent("redis.log"))
    }

    private func startHealthEndpoint(port: Int, in dir: URL) throws -> Process {
        let www = dir.appendingPathComponent("www")
        try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
        try Data("ok\n".utf8).write(to: www.appendingPathComponent("healthz"))
        return try start("python3", ["-m", "http.server", "\(port)", "--bind", "127.0.0.1", "--directory", www.path],
                         log: dir.appendingPathComponent("http.log"))
    }

    private func start(_ tool: String, _ args: [String], log: URL) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: which(tool)!)
        p.arguments = args
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)  // a failure shows as FileHandle's error below
        let handle = try FileHandle(forWritingTo: log)
        p.standardOutput = handle
        p.standardError = handle
        p.standardInput = FileHandle.nullDevice
        try p.run()
        processes.append(p)
        return p
    }

    // MARK: helpers

    private func which(_ tool: String) -> String? {
        ["/usr/bin", "/usr/local/bin", "/bin", "/usr/sbin"].map { "\($0)/\(tool)" }.first(where: FileManager.default.isExecutableFile)
    }

    @discardableResult
    private func shell(_ command: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    private func waitFor(_ what: String, _ ok: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if ok() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("timed out waiting for \(what)")
        throw XCTSkip("lab did not come up")
    }

    /// A port the kernel just had free on loopback.
    private func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw XCTSkip("cannot find a free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
