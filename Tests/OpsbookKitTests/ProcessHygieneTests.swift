import XCTest
@testable import OpsbookKit

/// Contract §6: an interrupt kills every running check with all its descendants (also those
/// that called `setsid`), removes the temporary folders, keeps the previous site and exits
/// 130 / 143 / 129; after a check ends, nothing it started is left running.
///
/// Every process a test starts carries a unique marker in its command line (`exec -a`), and
/// the assertions look for it in /proc.
final class ProcessHygieneTests: XCTestCase {
    /// A check body that leaves a plain background child, one that left the group with setsid,
    /// and one that also cleared its environment (so carries no tag), then `last`.
    private func leaver(_ marker: String, last: String) -> String {
        """
        (exec -a \(marker)-bg sleep 300) &
        setsid bash -c 'exec -a \(marker)-setsid sleep 300' &
        setsid env -i /bin/bash -c 'exec -a \(marker)-envi sleep 300' &
        \(last)
        """
    }

    private func handbook(_ checks: [(id: String, body: String)]) throws -> URL {
        var page = "# 手冊\n"
        for c in checks {
            page += "- [x] \(c.id)\n  ```check \(c.id) timeout=120s\n"
            page += c.body.split(separator: "\n").map { "  " + $0 + "\n" }.joined() + "  ```\n"
        }
        return try TestSupport.handbook([
            "content/index.md": page,
            "checks/targets.yaml": "default: local\ntargets:\n  local: {}\n",
        ])
    }

    /// Waits (bounded) until `count` processes carry `marker`; fails the test otherwise.
    private func waitFor(_ marker: String, count: Int, file: StaticString = #filePath, line: UInt = #line) {
        for _ in 0..<400 {
            if ProcessTree.anyCommandLine(containing: marker).count >= count { return }
            usleep(25_000)
        }
        XCTFail("never saw \(count) processes with \(marker)", file: file, line: line)
    }

    /// Nothing with `marker` left. A SIGKILLed process may take a moment to leave /proc, so
    /// this waits (bounded) for it to go before failing.
    private func assertNoneLeft(_ marker: String, file: StaticString = #filePath, line: UInt = #line) {
        for _ in 0..<200 {
            if ProcessTree.anyCommandLine(containing: marker).isEmpty { return }
            usleep(10_000)
        }
        let left = ProcessTree.anyCommandLine(containing: marker)
        left.forEach { kill($0, SIGKILL) }
        XCTFail("processes left running: \(left)", file: file, line: line)
    }

    private func start(_ args: [String], in root: URL, tmp: URL) throws -> Process {
        let p = Process()
        p.executableURL = TestSupport.binary
        p.arguments = args
        p.currentDirectoryURL = root
        var env = ProcessInfo.processInfo.environment
        env["TMPDIR"] = tmp.path
        env["NO_COLOR"] = "1"
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    private func assertInterrupt(_ signal: Int32, exits code: Int32, command: [String]) throws {
        let marker = "opsbook-test-\(UUID().uuidString.prefix(8))"
        let root = try handbook([("a", leaver(marker + "-a", last: "exec -a \(marker)-a-fg sleep 300")),
                                 ("b", leaver(marker + "-b", last: "exec -a \(marker)-b-fg sleep 300"))])
        let built = try Pipeline.build(root: root, out: "site", verdicts: .none, options: .init(search: false))
        XCTAssertFalse(built.stopped, built.diagnostics.printed)
        let siteBefore = OutputPathTests.snapshot(root.appendingPathComponent("site"))
        let tmp = root.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)

        let p = try start(command + ["--jobs", "2"], in: root, tmp: tmp)
        waitFor(marker, count: 8)
        kill(p.processIdentifier, signal)
        p.waitUntilExit()

        XCTAssertEqual(p.terminationReason, .exit)
        XCTAssertEqual(p.terminationStatus, code, "\(command) on signal \(signal)")
        assertNoneLeft(marker)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), [], "temporary folders removed")
        XCTAssertEqual(OutputPathTests.snapshot(root.appendingPathComponent("site")), siteBefore, "previous site kept")
        let stray = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(stray, [], "no staging folder left")
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("checks/fixtures").path),
                       "an interrupted recording writes nothing")
    }

    // Binary, these three: signals sent to the opsbook process and its exit status.
    func testSIGINTDuringBuild() throws {
        try assertInterrupt(SIGINT, exits: 130, command: ["build", "--no-search"])
    }

    func testSIGTERMDuringCheck() throws {
        try assertInterrupt(SIGTERM, exits: 143, command: ["check"])
    }

    func testSIGHUPDuringRecord() throws {
        try assertInterrupt(SIGHUP, exits: 129, command: ["record", "--into", "lab"])
    }

    /// Without an interrupt: what a check leaves (in the background, after setsid, after
    /// setsid with a cleared environment) is killed when it ends, with two checks at once.
    /// Binary: the command line makes itself the orphans' subreaper (Main.swift); the library's
    /// own path is the next test.
    func testNothingOutlivesItsCheck() throws {
        let marker = "opsbook-test-\(UUID().uuidString.prefix(8))"
        let root = try handbook([("a", leaver(marker + "-a", last: "echo a")),
                                 ("b", leaver(marker + "-b", last: "echo b"))])
        let run = try TestSupport.opsbook(["check", "--jobs", "2"], in: root)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        assertNoneLeft(marker)
    }

    /// In a process that is not a subreaper (a library user, this test process), the tag still
    /// finds a descendant that called setsid.
    func testTheTagFindsASetsidChildWithoutSubreaping() throws {
        let marker = "opsbook-test-\(UUID().uuidString.prefix(8))"
        let process = ShellProcess(executable: "/bin/bash",
                                   arguments: ["-c", "setsid bash -c 'exec -a \(marker) sleep 300' & sleep 0.2"],
                                   environment: ProcessInfo.processInfo.environment,
                                   workingDirectory: NSTemporaryDirectory(), timeoutMilliseconds: 30_000)
        let outcome = try process.run()
        XCTAssertEqual(outcome.exitStatus, 0)
        assertNoneLeft(marker)
    }

    /// Issue #13: pipes are made close-on-exec from the start (pipe2), and a shell gets no
    /// descriptor but 0, 1 and 2. Before, a shell started while another check ran inherited
    /// that check's pipes; an inherited output write end kept the other check waiting for EOF
    /// until the 2 s grace. Two checks meet (each waits for the other to have started) and list
    /// their shell's descriptors.
    func testChecksRunningTogetherShareNoDescriptors() throws {
        let meet = try TestSupport.handbook([:])
        let body = { (id: String) in
            """
            touch "$MEET/\(id)"
            while [ ! -e "$MEET/a" ] || [ ! -e "$MEET/b" ]; do sleep 0.01; done
            ls /proc/$$/fd > "$MEET/\(id).fds"
            fds="$(sort -n "$MEET/\(id).fds" | tr '\\n' ' ')"
            echo "fds: $fds"
            [ "$fds" = "0 1 2 " ]
            """
        }
        let root = try handbook([("a", body("a")), ("b", body("b"))])
        try Data("default: local\ntargets:\n  local:\n    env: { MEET: \"\(meet.path)\" }\n".utf8)
            .write(to: root.appendingPathComponent("checks/targets.yaml"))
        let run = try Pipeline.check(root: root, targets: nil, options: .init(run: TestSupport.settings))
        XCTAssertEqual(TestSupport.exitStatus(run.diagnostics, anyFailure: run.anyFailure), 0, run.diagnostics.printed)
        let results = try XCTUnwrap(run.runs.first?.results)
        XCTAssertEqual(results.count(CheckStatus.passed), 2, "\(results.checks?.map { "\($0.id): \($0.output)" } ?? [])")
    }

    func testStagingFoldersAreRegisteredForInterrupts() throws {
        let dir = try TestSupport.handbook([:])
        let staging = try FolderSwap.makeStaging(beside: dir.appendingPathComponent("site"), purpose: "building")
        XCTAssertTrue(FileManager.default.fileExists(atPath: staging.path))
        TemporaryFolders.removeAll()
        XCTAssertFalse(FileManager.default.fileExists(atPath: staging.path))
    }
}
