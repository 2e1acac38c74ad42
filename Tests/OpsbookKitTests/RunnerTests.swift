import XCTest
@testable import OpsbookKit

/// Runs real bash: every status a check can have, and the process hygiene around it.
final class RunnerTests: XCTestCase {
    private func check(_ body: String, _ info: String = "check t") -> CheckBlock {
        TestSupport.page("```\(info)\n\(body)\n```\n").0.checks[0]
    }

    private func run(_ checks: [CheckBlock], target: RunTarget = RunTarget(name: "local"), env: [String: String] = [:],
                     fixtures: FixtureSet? = nil, jobs: Int = 2, allowMutations: Bool = false) throws -> [CheckResult] {
        var base = ProcessInfo.processInfo.environment
        base.merge(env) { $1 }
        // Binary: only as the program the fixture stand-ins exec.
        var runner = CheckRunner(target: target, root: URL(fileURLWithPath: "/tmp"), jobs: jobs, allowMutations: allowMutations,
                                 redactor: Redactor(), baseEnvironment: base, executable: TestSupport.binary.path)
        runner.fixtures = fixtures
        return try runner.run(checks)
    }

    private func run1(_ body: String, _ info: String = "check t", env: [String: String] = [:]) throws -> CheckResult {
        try run([check(body, info)], env: env)[0]
    }

    func testTranscriptSharesOneShell() throws {
        let r = try run1("$ cd /tmp && X=42\n$ pwd; echo $X\n/tmp\n42")
        XCTAssertEqual(r.status, .passed, r.reason ?? "")
    }

    func testFreshEmptyWorkingFolderAndEnvironment() throws {
        let r = try run1("$ ls -A | wc -l\n0\n$ echo $OPSBOOK_TARGET\nlocal\n$ test -d \"$OPSBOOK_ROOT\"")
        XCTAssertEqual(r.status, .passed, r.diff ?? r.reason ?? "")
    }

    func testOutputMismatchFailsWithDiff() throws {
        let r = try run1("$ echo 2\n3")
        XCTAssertEqual(r.status, .failed)
        XCTAssertEqual(r.diff, "-3\n+2\n")
        XCTAssertEqual(r.output, "2\n")
    }

    func testExitStatusJudged() throws {
        XCTAssertEqual(try run1("$ false").status, .failed)
        XCTAssertEqual(try run1("$ false\n[1]").status, .passed)
        XCTAssertEqual(try run1("$ exit 3\n[3]").status, .passed)
        XCTAssertEqual(try run1("$ exit 3\n[3]\n$ echo after").status, .failed, "a command after the shell exited never ran")
        XCTAssertEqual(try run1("$ false | true").status, .failed, "bash runs with pipefail")
    }

    func testScriptForm() throws {
        XCTAssertEqual(try run1("test 1 = 1").status, .passed)
        let r = try run1("echo boom; exit 4")
        XCTAssertEqual(r.status, .failed)
        XCTAssertEqual(r.exit, 4)
        XCTAssertEqual(r.output, "boom\n")
        XCTAssertEqual(try run1("[ \"$(echo hi)\" = hi ]", "check t shell=sh").status, .passed)
    }

    func testStderrIsMergedAndStdinIsDevNull() throws {
        XCTAssertEqual(try run1("$ echo out; echo err >&2\nout\nerr").status, .passed)
        XCTAssertEqual(try run1("$ cat; echo done\ndone").status, .passed, "cat must see EOF at once")
    }

    func testAPrintedMarkerCannotFoolTheSplit() throws {
        let r = try run1("$ echo 'OPSBOOK-MARK-00000000 1 0'; echo x\nOPSBOOK-MARK-00000000 1 0\nx\n$ echo y\ny")
        XCTAssertEqual(r.status, .passed, r.diff ?? r.reason ?? "")
    }

    func testNoTrailingNewlineBinaryAndInvalidUTF8() throws {
        XCTAssertEqual(try run1("$ printf 'a\\nb'\na\nb").status, .passed)
        let r = try run1("$ printf '\\xff\\xfe\\x00ok\\n'\nok")
        XCTAssertEqual(r.status, .failed)
        XCTAssertTrue(r.output.contains("ok"))
    }

    func testTenMegabytesOfOutputIsMatchedFullyAndStoredBounded() throws {
        let r = try run1("$ yes 123456789 | head -c 10000000; echo END\n...\nEND")
        XCTAssertEqual(r.status, .passed, r.reason ?? "")
        XCTAssertTrue(r.outputTruncated)
        XCTAssertLessThanOrEqual(r.output.utf8.count, 64 * 1024)
        XCTAssertTrue(r.output.hasSuffix("END\n"))
    }

    func testTimeoutKillsTheWholeProcessGroup() throws {
        let tag = "opsbook-orphan-\(UInt32.random(in: 1...UInt32.max))"
        let r = try run1("bash -c 'exec -a \(tag) sleep 600' &\nsleep 600", "check t timeout=1s")
        XCTAssertEqual(r.status, .timedOut)
        XCTAssertNil(r.exit)
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertFalse(try processExists(tag), "a child of a timed-out check survived")
    }

    func testBackgroundChildrenOfAFinishedCheckAreKilled() throws {
        let tag = "opsbook-bg-\(UInt32.random(in: 1...UInt32.max))"
        let start = Date()
        let r = try run1("$ (exec -a \(tag) sleep 600) &\n$ echo done\ndone")
        XCTAssertEqual(r.status, .passed)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "the run waited for a background child")
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertFalse(try processExists(tag))
    }

    func testRetryPassesOnTheThirdAttempt() throws {
        let dir = try TestSupport.handbook([:])
        let body = "n=$(cat \(dir.path)/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > \(dir.path)/n; [ $n -ge 3 ]"
        let r = try run1(body, "check t retry=5x0s")
        XCTAssertEqual(r.status, .passed)
        XCTAssertEqual(r.attempts, 3)
        let never = try run1("exit 1", "check t retry=2x0s")
        XCTAssertEqual(never.status, .failed)
        XCTAssertEqual(never.attempts, 2)
    }

    func testRequiresAndMutatesSkipWithAReason() throws {
        let missing = try run1("true", "check t requires=bash,no-such-program-xyz")
        XCTAssertEqual(missing.status, .skipped)
        XCTAssertEqual(missing.reason, "requires no-such-program-xyz, not found on PATH")
        let mut = try run1("kubectl delete pod x", "check t mutates")
        XCTAssertEqual(mut.status, .skipped)
        XCTAssertTrue(mut.reason?.contains("--allow-mutations") == true)
        let unmarked = try run1("kubectl delete pod x")
        XCTAssertEqual(unmarked.status, .errored, "an unmarked mutation never runs")
        XCTAssertEqual(unmarked.attempts, 0)
    }

    func testResultsComeBackInHandbookOrder() throws {
        let checks = (0..<6).map { i in check("sleep 0.\(5 - i % 6); exit \(i % 2)", "check c\(i)") }
        let results = try run(checks, jobs: 3)
        XCTAssertEqual(results.map(\.id), (0..<6).map { "c\($0)" })
        XCTAssertEqual(results.map(\.status), [.passed, .failed, .passed, .failed, .passed, .failed])
    }

    /// `--jobs 3`: three checks in flight, never a fourth. Each check leaves a token while it
    /// runs, waits (up to 3 s) until it sees three, and notes how many it saw; a runner that
    /// ignored the bound would let a check see more, one that ran them one by one would see one.
    func testAtMostJobsChecksRunAtOnce() throws {
        let shared = FileManager.default.temporaryDirectory.appendingPathComponent("opsbook-jobs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: shared.appendingPathComponent("live"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: shared) }
        let body = """
            touch "$SHARED/live/$$"
            for i in $(seq 60); do [ "$(ls "$SHARED/live" | wc -l)" -ge 3 ] && break; sleep 0.05; done
            ls "$SHARED/live" | wc -l >> "$SHARED/seen"
            rm "$SHARED/live/$$"
            """
        let checks = (0..<9).map { check(body, "check j\($0)") }
        let results = try run(checks, env: ["SHARED": shared.path], jobs: 3)
        XCTAssertEqual(results.map(\.status), Array(repeating: .passed, count: 9), results.compactMap(\.reason).joined())
        let seen = try String(contentsOf: shared.appendingPathComponent("seen"), encoding: .utf8)
            .split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        XCTAssertEqual(seen.count, 9)
        XCTAssertEqual(seen.max(), 3, "never more than --jobs checks at once: \(seen)")
        XCTAssertEqual(seen.first, 3, "the first three ran side by side: \(seen)")
    }

    func testTargetEnvironment() throws {
        let r = try run([check("$ echo $NAMESPACE\nstg")], target: RunTarget(name: "stg", env: ["NAMESPACE": "stg"]))[0]
        XCTAssertEqual(r.status, .passed)
    }

    private func processExists(_ tag: String) throws -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
        p.arguments = ["-f", tag]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}

extension RunnerTests {
    /// A kube-context target: every kubectl call gets `--context`, the author writes none, and the
    /// user's kubeconfig is not touched (a stand-in passes the flag).
    func testKubeContextIsPassedToEveryKubectlCall() throws {
        let bin = try TestSupport.handbook([:])
        let fake = bin.appendingPathComponent("kubectl")
        try Data("#!/bin/sh\necho \"args: $*\"\n".utf8).write(to: fake)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = bin.path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        let block = TestSupport.page("```check k\n$ kubectl get nodes | cat\nargs: --context stg get nodes\n```\n").0.checks[0]
        let runner = CheckRunner(target: RunTarget(name: "stg", kubeContext: "stg"), root: URL(fileURLWithPath: "/tmp"), jobs: 1,
                                 allowMutations: false, redactor: Redactor(), baseEnvironment: env)
        let r = try runner.run([block])[0]
        XCTAssertEqual(r.status, .passed, r.diff ?? r.reason ?? "")
    }
}
