import Foundation
import XCTest
@testable import OpsbookKit

/// Several targets, history, `diff` and `--metrics` (contract §10, issue 18).
final class FleetTests: XCTestCase {
    // MARK: History folder

    func testHistoryNamesSortByTimeAndRoundTrip() throws {
        let dir = try TestSupport.handbook([:]).appendingPathComponent("h")
        let history = History(folder: dir)
        let t0 = Date(timeIntervalSince1970: 1_795_000_000.250)
        try history.append(Data("{}".utf8), target: "prod", at: t0.addingTimeInterval(3600))
        try history.append(Data("{}".utf8), target: "stg", at: t0)
        // The same millisecond twice never overwrites: the second gets the next millisecond.
        try history.append(Data("{}".utf8), target: "stg", at: t0)
        try Data("not ours".utf8).write(to: dir.appendingPathComponent("README"))
        let entries = try history.entries()
        XCTAssertEqual(entries.map(\.target), ["stg", "stg", "prod"], "name order is time order")
        XCTAssertEqual(entries[0].file.lastPathComponent, History.stamp(t0) + "_stg.json")
        XCTAssertEqual(entries[0].time.timeIntervalSince1970, t0.timeIntervalSince1970, accuracy: 0.001)
        XCTAssertEqual(entries[1].time.timeIntervalSince(entries[0].time), 0.001, accuracy: 0.0005)
        XCTAssertThrowsError(try history.append(Data(), target: "../x", at: t0), "a target name cannot leave the folder")
    }

    func testPruneByCountPerTargetAndByAge() throws {
        let dir = try TestSupport.handbook([:]).appendingPathComponent("h")
        let history = History(folder: dir)
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        for i in 0..<5 { try history.append(Data("{}".utf8), target: "a", at: now.addingTimeInterval(Double(-i) * 86_400)) }
        for i in 0..<2 { try history.append(Data("{}".utf8), target: "b", at: now.addingTimeInterval(Double(-i) * 86_400)) }
        try history.prune(.count(3))
        XCTAssertEqual(try history.entries().filter { $0.target == "a" }.count, 3)
        XCTAssertEqual(try history.entries().filter { $0.target == "b" }.count, 2, "counts are per target")
        XCTAssertEqual(try history.entries().filter { $0.target == "a" }.last?.time, now, "the newest runs stay")
        try history.prune(History.Keep("36h")!, now: now)
        XCTAssertEqual(try history.entries().count, 4, "a and b keep their runs of the last 36 hours")
        XCTAssertNil(History.Keep("0"))
        XCTAssertNil(History.Keep("3w"))
    }

    // MARK: Timelines

    private func run(_ minutes: Double, _ statuses: [String: CriterionStatus], target: String = "prod") -> RunRecord {
        RunRecord(target: target, started: Date(timeIntervalSince1970: 1_795_000_000 + minutes * 60), finished: nil, checks: [],
                  criteria: statuses.keys.sorted().map {
                      RunRecord.CriterionEntry(page: "content/p.md", line: 1, text: $0, status: statuses[$0]!, claimedFailing: false, checks: [])
                  })
    }

    func testSinceAndStreakCountOnlyTheCurrentStatus() {
        let runs = [run(0, ["a": .failed, "b": .passed]), run(10, ["a": .passed, "b": .passed]),
                    run(20, ["a": .failed, "b": .passed]), run(30, ["a": .failed, "b": .passed, "c": .manual])]
        let t = Timeline(runs: ["prod": runs.shuffled()])
        let a = t.timeline(CriterionKey(page: "content/p.md", text: "a"), target: "prod")!
        XCTAssertEqual(a.status, .failed)
        XCTAssertEqual(a.streak, 2, "the failure before the pass is another streak")
        XCTAssertEqual(a.since, runs[2].started)
        XCTAssertEqual(a.recent.map(\.status), [.failed, .passed, .failed, .failed])
        let c = t.timeline(CriterionKey(page: "content/p.md", text: "c"), target: "prod")!
        XCTAssertEqual(c.streak, 1)
        XCTAssertEqual(c.recent.map(\.status), [nil, nil, nil, .manual], "a criterion new in the last run")
        let long = Timeline(runs: ["prod": (0..<30).map { run(Double($0), ["a": .passed]) }])
        XCTAssertEqual(long.timeline(CriterionKey(page: "content/p.md", text: "a"), target: "prod")?.recent.count, Timeline.stripLength)
        XCTAssertEqual(long.timeline(CriterionKey(page: "content/p.md", text: "a"), target: "prod")?.streak, 30)
    }

    // MARK: diff

    func testDiffListsRegressionsFirstThenFixesThenEvidence() {
        func check(_ id: String, _ s: CheckStatus, _ out: String) -> RunRecord.Check {
            RunRecord.Check(id: id, page: "content/p.md", status: s, exit: s == .passed ? 0 : 1, durationMilliseconds: 5, reason: nil, output: out, diff: nil)
        }
        var old = run(0, ["a": .passed, "b": .failed, "c": .passed])
        old.checks = [check("x", .passed, "ok"), check("y", .failed, "bad"), check("z", .passed, "3")]
        var new = run(10, ["a": .failed, "b": .passed, "c": .passed])
        new.checks = [check("x", .failed, "nope"), check("y", .passed, "ok"), check("z", .passed, "4")]
        let diff = RunDiff(old: old, new: new)
        XCTAssertTrue(diff.regressed)
        XCTAssertEqual(diff.regressions.map(\.subject), [.criterion(CriterionKey(page: "content/p.md", text: "a")), .check(id: "x", page: "content/p.md")])
        XCTAssertEqual(diff.fixes.count, 2)
        XCTAssertEqual(diff.evidence.map(\.subject), [.check(id: "z", page: "content/p.md")])
        let text = diff.render(markdown: false, oldName: "old", newName: "new")
        let order = ["New failures", "Fixed", "Evidence changed"].map { text.range(of: $0)!.lowerBound }
        XCTAssertEqual(order, order.sorted())
        XCTAssertFalse(RunDiff(old: new, new: new).regressed)
        XCTAssertTrue(RunDiff(old: new, new: new).isEmpty)
        XCTAssertTrue(diff.render(markdown: true, oldName: "o", newName: "n").contains("\\[x\\]") == false)
        XCTAssertEqual(RunDiff.escapeMarkdown("<b>[x](y)"), "\\<b\\>\\[x\\]\\(y\\)")
    }

    // MARK: metrics

    func testMetricsEscapeLabelValuesAndPassPromtool() throws {
        let (handbook, _) = try TestSupport.load(try TestSupport.handbook(Self.files))
        let checks = handbook.checks.map { CheckResult(id: $0.id, page: $0.page, line: $0.position.line, status: .failed, exit: 1, durationMilliseconds: 1234) }
        let results = Results(handbook: handbook, checks: checks, attestations: [], target: "prod",
                              started: Date(timeIntervalSince1970: 1_795_000_000), finished: Date(timeIntervalSince1970: 1_795_000_004), today: Day(year: 2026, month: 11, day: 29))
        let text = MetricsFile.text([("prod", results, ["content/phases/phase-1.md": 1])])
        XCTAssertTrue(text.contains(#"criterion="引號 \"與\" 反斜線 \\ 都要跳脫""#), text)
        XCTAssertTrue(text.contains(#"opsbook_criterion_status{criterion="引號 \"與\" 反斜線 \\ 都要跳脫",line="7",page="content/phases/phase-1.md",phase="1",status="failed",target="prod"} 1"#), text)
        XCTAssertTrue(text.contains(#"opsbook_check_duration_seconds{check="p1-state",page="content/phases/phase-1.md",target="prod"} 1.234"#), text)
        XCTAssertTrue(text.contains(#"opsbook_run_duration_seconds{target="prod"} 4"#), text)
        let file = try TestSupport.handbook([:]).appendingPathComponent("m.prom")
        try Data(text.utf8).write(to: file)
        let promtool = try Self.shell("promtool check metrics < '\(file.path)'")
        XCTAssertEqual(promtool.status, 0, "promtool (Debian `prometheus`) must accept the metrics: \(promtool.output)")
    }

    // MARK: the command line, end to end

    /// Two live "clusters" told apart by one variable: the same check passes on one, fails on the other.
    static let files: [String: String] = [
        "content/index.md": "# 手冊\n",
        "content/phases/phase-1.md": """
        ---
        kind: phase
        phase: 1
        ---
        # 第一階段

        - [x] 引號 "與" 反斜線 \\ 都要跳脫

          ```check p1-state
          $ echo "$STATE"
          ok
          ```

        - [ ] 人工確認的條件
        """,
        "checks/targets.yaml": """
        default: good
        targets:
          good:
            env: { STATE: ok }
          bad:
            env: { STATE: broken }
        """,
    ]

    /// The first two runs through the library; the third and `diff` through the binary, for what
    /// the command line prints per target and `diff`'s exit statuses.
    func testSeveralTargetsHistoryMatrixAndDiffThroughTheCLI() throws {
        let root = try TestSupport.handbook(Self.files)
        for _ in 0..<2 {
            let run = try Pipeline.build(root: root, out: "site", verdicts: .run(targets: "good,bad"),
                                         options: .init(run: TestSupport.settings, search: false,
                                                        fleet: FleetRecords(history: root.appendingPathComponent("h").path,
                                                                           metrics: root.appendingPathComponent("m.prom").path)))
            XCTAssertEqual(TestSupport.exitStatus(run.diagnostics + run.siteDiagnostics, anyFailure: run.anyFailure), 1,
                           "the worst over all targets: bad fails\n\(run.diagnostics.printed)")
            XCTAssertEqual(run.runs.map(\.targetName), ["good", "bad"])
            XCTAssertEqual(run.runs.filter { $0.results.anyFailure }.map(\.targetName), ["bad"])
        }
        let run = try TestSupport.opsbook(["build", "--target", "good,bad", "--history", "h", "--no-search", "--metrics", "m.prom"], in: root)
        XCTAssertEqual(run.status, 1, "the worst over all targets: bad fails\n\(run.stdout)\(run.stderr)")
        XCTAssertTrue(run.stdout.contains("== target good =="), run.stdout)
        XCTAssertTrue(run.stdout.contains("targets: 1 of 2 passing; failing: bad"), run.stdout)
        let history = try History(folder: root.appendingPathComponent("h")).entries()
        XCTAssertEqual(history.count, 6, "one file per run and target")

        let site = root.appendingPathComponent("site")
        let matrix = try String(contentsOf: site.appendingPathComponent("matrix.html"), encoding: .utf8)
        XCTAssertTrue(matrix.contains(#"data-target="bad" data-status="failed"><a href="evidence/bad.html#"#), matrix)
        XCTAssertTrue(matrix.contains(#"data-target="good" data-status="passed""#))
        let phase = try String(contentsOf: site.appendingPathComponent("phases/phase-1.html"), encoding: .utf8)
        XCTAssertEqual(phase.components(separatedBy: "class=\"chip ").count - 1, 4, "two criteria × two targets")
        let chips = try XCTUnwrap(phase.range(of: "<ul class=\"target-chips\"").map { String(phase[$0.lowerBound...].prefix(3000)) })
        XCTAssertLessThan(chips.range(of: "data-target=\"bad\"")!.lowerBound, chips.range(of: "data-target=\"good\"")!.lowerBound,
                          "the worst verdict comes first")
        XCTAssertTrue(chips.contains("失敗中，自 <time datetime="), chips)
        XCTAssertTrue(chips.contains("連續 3 次"), chips)
        XCTAssertTrue(chips.contains("class=\"run-strip\""))
        let evidence = try String(contentsOf: site.appendingPathComponent("evidence/bad.html"), encoding: .utf8)
        XCTAssertTrue(evidence.contains("broken"), "the bad target's actual output is its evidence")
        let dashboard = try String(contentsOf: site.appendingPathComponent("dashboard.html"), encoding: .utf8)
        XCTAssertTrue(dashboard.contains(#"data-met="0" data-targets="2""#), "phase 1 has a manual criterion: met nowhere")
        XCTAssertTrue(dashboard.contains("<figure class=\"phase-chart\"><svg"), "a history draws the phase chart")
        XCTAssertTrue(dashboard.contains(#"<polyline data-target="good""#))
        for name in ["good", "bad"] {
            XCTAssertNoThrow(try RunRecord.read(Data(contentsOf: site.appendingPathComponent("results/\(name).json"))))
        }

        let good = history.first { $0.target == "good" }!.file.path, bad = history.first { $0.target == "bad" }!.file.path
        let regressed = try TestSupport.opsbook(["diff", good, bad], in: root)
        XCTAssertEqual(regressed.status, 1, regressed.stdout + regressed.stderr)
        XCTAssertTrue(regressed.stdout.contains("New failures (2)"), regressed.stdout)
        XCTAssertTrue(regressed.stdout.contains("check p1-state: passed → failed"), regressed.stdout)
        let same = try TestSupport.opsbook(["diff", "--history", "h", "--target", "good"], in: root)
        XCTAssertEqual(same.status, 0, same.stdout + same.stderr)
        XCTAssertTrue(same.stdout.contains("no changes"))
        let unreadable = try TestSupport.opsbook(["diff", good, "missing.json"], in: root)
        XCTAssertEqual(unreadable.status, 2)
    }

    func testCheckAllWritesOneResultsFilePerTarget() throws {
        var files = Self.files
        files["out/.keep"] = ""
        let root = try TestSupport.handbook(files)
        let run = try Pipeline.check(root: root, targets: "all",
                                     options: .init(run: TestSupport.settings, json: "r.json", junit: "out/{target}.xml", base: root))
        XCTAssertEqual(TestSupport.exitStatus(run.diagnostics, anyFailure: run.anyFailure), 1, run.diagnostics.printed)
        for name in ["good", "bad"] {
            let record = try RunRecord.read(Data(contentsOf: root.appendingPathComponent("r.\(name).json")))
            XCTAssertEqual(record.target, name)
            XCTAssertEqual(record.checks.first?.status, name == "good" ? .passed : .failed)
        }
        for name in ["good", "bad"] {
            let xml = try String(contentsOf: root.appendingPathComponent("out/\(name).xml"), encoding: .utf8)
            XCTAssertEqual(xml.contains("<failure"), name == "bad", "{target} in --junit names each target's file")
        }
        let good = try Pipeline.check(root: root, targets: "good", options: .init(run: TestSupport.settings))
        XCTAssertEqual(TestSupport.exitStatus(good.diagnostics, anyFailure: good.anyFailure), 0, good.diagnostics.printed)
        let unknown = TestSupport.usageError { try Pipeline.check(root: root, targets: "good,nope", options: .init(run: TestSupport.settings)) }
        XCTAssertTrue(unknown?.printed.contains("unknown target `nope`") == true, unknown?.printed ?? "")
        XCTAssertNotNil(TestSupport.usageError { try Pipeline.check(root: root, targets: "good,good", options: .init(run: TestSupport.settings)) })
    }

    /// An in-cluster target outside a pod is refused, never run against the caller's kubeconfig.
    func testInClusterTargetRunsOnlyInAPod() throws {
        var files = Self.files
        files["checks/targets.yaml"] = "default: inside\ntargets:\n  inside:\n    in-cluster: true\n"
        let root = try TestSupport.handbook(files)
        // Binary: outside a pod is a property of the process environment; only a child process
        // can have it set for sure (the test itself may run in a pod).
        let run = try TestSupport.opsbook(["check"], in: root, env: ["KUBERNETES_SERVICE_HOST": ""])
        XCTAssertEqual(run.status, 2, run.stdout + run.stderr)
        XCTAssertTrue(run.stderr.contains("runs only inside a Kubernetes pod"), run.stderr)
        let target = RunTarget(name: "inside")
        var inCluster = target
        inCluster.inCluster = true
        XCTAssertNil(inCluster.inClusterProblem(environment: ["KUBERNETES_SERVICE_HOST": "10.43.0.1"], tokenExists: true))
        XCTAssertNotNil(inCluster.inClusterProblem(environment: ["KUBERNETES_SERVICE_HOST": "10.43.0.1"], tokenExists: false))
        XCTAssertNil(target.inClusterProblem(environment: [:], tokenExists: false))

        files["checks/targets.yaml"] = "default: inside\ntargets:\n  inside:\n    in-cluster: true\n    kube-context: prod\n"
        let mixed = try Pipeline.lint(root: try TestSupport.handbook(files))
        XCTAssertEqual(TestSupport.exitStatus(mixed.diagnostics), 2)
        XCTAssertTrue(mixed.diagnostics.printed.contains("targets.in-cluster"), mixed.diagnostics.printed)
    }

    static func shell(_ command: String) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", command + " 2>&1"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// Issue 18's "done when", literally: the project's handbook against demo and demo-degraded,
/// three runs into one history.
final class FleetHandbookTests: XCTestCase {
    func testDemoAndDegradedWithHistoryThreeTimes() throws {
        let scratch = try TestSupport.handbook([:])
        let history = scratch.appendingPathComponent("h").path, out = scratch.appendingPathComponent("site").path
        for _ in 0..<3 {
            let run = try Pipeline.build(root: TestSupport.packageRoot, out: out, verdicts: .run(targets: "demo,demo-degraded"),
                                         options: .init(run: TestSupport.settings, search: false, fleet: FleetRecords(history: history)))
            XCTAssertEqual(TestSupport.exitStatus(run.diagnostics + run.siteDiagnostics, anyFailure: run.anyFailure), 1,
                           "demo-degraded fails\n\(run.diagnostics.printed)")
        }
        let site = URL(fileURLWithPath: out)
        let matrix = try String(contentsOf: site.appendingPathComponent("matrix.html"), encoding: .utf8)
        let degradedFailing = matrix.components(separatedBy: #"data-target="demo-degraded" data-status="failed""#).count - 1
        XCTAssertGreaterThan(degradedFailing, 10, "the bad day's failures are in the matrix")
        XCTAssertFalse(matrix.contains(#"data-target="demo" data-status="failed""#), "demo fails nothing")

        let (handbook, _) = try TestSupport.load(TestSupport.packageRoot)
        var failing = 0
        for page in handbook.pages where !page.criteria.isEmpty {
            let html = try String(contentsOf: site.appendingPathComponent(page.outputPath), encoding: .utf8)
            let chips = html.components(separatedBy: "<ul class=\"target-chips\"").dropFirst()
            XCTAssertEqual(chips.count, page.criteria.count, "\(page.path): chips on every criterion")
            for chip in chips where chip.contains(#"data-target="demo-degraded" data-status="failed""#) {
                failing += 1
                XCTAssertTrue(chip.contains("失敗中，自 <time datetime=") && chip.contains("連續 3 次"), "\(page.path): since on a failing criterion")
            }
        }
        XCTAssertGreaterThan(failing, 10)
        let dashboard = try String(contentsOf: site.appendingPathComponent("dashboard.html"), encoding: .utf8)
        XCTAssertEqual(dashboard.components(separatedBy: "<figure class=\"phase-chart\">").count - 1,
                       handbook.pages.filter { $0.kind == .phase && !$0.criteria.isEmpty }.count, "one chart per phase")

        let entries = try History(folder: URL(fileURLWithPath: history)).entries()
        XCTAssertEqual(entries.count, 6)
        let good = entries.first { $0.target == "demo" }!.file.path, bad = entries.first { $0.target == "demo-degraded" }!.file.path
        // Binary: `diff`'s exit status is the command line's.
        let diff = try TestSupport.opsbook(["diff", good, bad], in: scratch)
        XCTAssertEqual(diff.status, 1, diff.stdout + diff.stderr)
        XCTAssertTrue(diff.stdout.contains("New failures ("), diff.stdout)
    }
}
