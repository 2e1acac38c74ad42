import XCTest
@testable import OpsbookKit

/// The library's entry points, called directly: no binary, no exit statuses, no printing.
final class PipelineTests: XCTestCase {
    /// One criterion decided by one check that passes only where the target's env says `up`.
    private func liveHandbook() throws -> URL {
        try TestSupport.handbook([
            "content/index.md": "# Service\n- [x] The service is up\n  ```check service-up\n  $ echo \"$STATE\"\n  up\n  ```\n",
            "checks/targets.yaml": "default: good\ntargets:\n  good:\n    env: { STATE: up }\n  broken:\n    env: { STATE: down }\n",
        ])
    }

    // Binary: only as the program the fixture stand-ins exec.
    private var settings: RunSettings { RunSettings(jobs: 2, executable: TestSupport.binary.path) }

    /// Records what the pipeline reported, to prove it reports instead of printing.
    private final class Recorder: PipelineProgress, @unchecked Sendable {
        private let lock = NSLock()
        private var _events: [String] = []
        var events: [String] { lock.lock(); defer { lock.unlock() }; return _events }
        private func add(_ e: String) { lock.lock(); _events.append(e); lock.unlock() }
        func ready(targets: [String], diagnostics: [Diagnostic]) throws { add("ready \(targets.sorted().joined(separator: ","))") }
        func finished(_ result: CheckResult, done: Int, total: Int) { add("\(result.id) \(result.status.rawValue)") }
        func ran(_ runs: [TargetRun]) { add("ran \(runs.count)") }
    }

    func testLintReturnsTheHandbooksDiagnostics() throws {
        let root = try TestSupport.handbook(["content/a.md": "# A\n\n```check Bad\ntrue\n```\n"])
        let outcome = try Pipeline.lint(root: root)
        let invalid = outcome.diagnostics.filter { $0.code == "check.invalid-id" }
        XCTAssertEqual(invalid.count, 1, "\(outcome.diagnostics.map(\.gccStyle))")
        XCTAssertEqual(invalid.first?.severity, .error)
        XCTAssertEqual(invalid.first?.position?.path, "content/a.md")
        XCTAssertEqual(invalid.first?.position?.line, 3)
        XCTAssertEqual(outcome.handbook.pages.count, 1)
    }

    func testCheckAgainstLiveTargetsReturnsResultsPerTarget() throws {
        let root = try liveHandbook()
        let recorder = Recorder()
        let outcome = try Pipeline.check(root: root, targets: "good,broken", options: .init(run: settings), progress: recorder)
        XCTAssertFalse(outcome.stopped)
        XCTAssertEqual(outcome.runs.map(\.targetName), ["good", "broken"])
        let status = Dictionary(uniqueKeysWithValues: outcome.runs.map { ($0.targetName, $0.results.checks?.first?.status) })
        XCTAssertEqual(status["good"], .passed)
        XCTAssertEqual(status["broken"], .failed)
        XCTAssertFalse(outcome.runs[0].results.anyFailure)
        XCTAssertTrue(outcome.runs[1].results.anyFailure)
        XCTAssertTrue(outcome.anyFailure)
        XCTAssertEqual(outcome.runs[1].results.claimedFailing.count, 1, "the ticked criterion is claimed done but failing")
        let events = recorder.events
        XCTAssertEqual(events.first, "ready broken,good")
        XCTAssertEqual(events.last, "ran 2")
        XCTAssertEqual(Set(events.dropFirst().dropLast()), ["service-up passed", "service-up failed"])
    }

    func testCheckStopsOnHandbookErrorsWithoutRunning() throws {
        let root = try TestSupport.handbook([
            "content/a.md": "# A\n\n```check Bad\ntouch ran-anyway\n```\n",
            "checks/targets.yaml": "default: here\ntargets:\n  here:\n    env: {}\n",
        ])
        let outcome = try Pipeline.check(root: root, targets: nil, options: .init(run: settings))
        XCTAssertTrue(outcome.stopped)
        XCTAssertTrue(outcome.runs.isEmpty)
        XCTAssertTrue(outcome.diagnostics.contains { $0.code == "check.invalid-id" })
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("ran-anyway").path))
    }

    func testBuildWritesTheSiteAndReturnsItsResults() throws {
        let root = try liveHandbook()
        let out = TestSupport.scratch.appendingPathComponent("site-\(UUID().uuidString)")
        let outcome = try Pipeline.build(root: root, out: out.path, verdicts: .run(targets: "broken"),
                                         options: .init(run: settings, search: false))
        XCTAssertFalse(outcome.stopped)
        XCTAssertEqual(outcome.site, out.standardizedFileURL)
        XCTAssertEqual(outcome.pages, 1)
        XCTAssertEqual(outcome.verdicts.count, 1)
        XCTAssertEqual(outcome.verdicts[0].target, "broken")
        XCTAssertEqual(outcome.verdicts[0].checks?.map(\.status), [.failed])
        let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(index.contains("The service is up"), index)
        let written = try ResultsFile.read(Data(contentsOf: out.appendingPathComponent("results.json")))
        XCTAssertEqual(written.target, "broken")
        XCTAssertEqual(written.checks.map(\.status), [.failed])
    }

    func testBuildWithoutChecksRunsNothing() throws {
        let root = try liveHandbook()
        let out = TestSupport.scratch.appendingPathComponent("site-\(UUID().uuidString)")
        let outcome = try Pipeline.build(root: root, out: out.path, verdicts: .none, options: .init(run: settings, search: false))
        XCTAssertNil(outcome.verdicts[0].checks)
        XCTAssertFalse(outcome.anyFailure)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("index.html").path))
    }

    func testUnknownTargetIsATypedUsageError() throws {
        let root = try liveHandbook()
        XCTAssertThrowsError(try Pipeline.check(root: root, targets: "nope", options: .init(run: settings))) { error in
            guard let error = error as? PipelineError else { return XCTFail("not a PipelineError: \(error)") }
            XCTAssertTrue(error.isUsage)
            XCTAssertEqual(error.message, "unknown target `nope`; known targets: broken, good")
        }
        let out = TestSupport.scratch.appendingPathComponent("site-\(UUID().uuidString)")
        XCTAssertThrowsError(try Pipeline.build(root: root, out: out.path, verdicts: .run(targets: "nope"), options: .init(run: settings))) { error in
            XCTAssertEqual((error as? PipelineError)?.isUsage, true)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "a refused build writes nothing")
    }

    func testBadSelectionAndRefusedOutputAreUsageErrors() throws {
        let root = try liveHandbook()
        XCTAssertThrowsError(try Pipeline.check(root: root, targets: nil, options: .init(run: settings, only: ["missing"]))) { error in
            XCTAssertEqual((error as? PipelineError)?.message, "--only: no check with id missing")
        }
        XCTAssertThrowsError(try Pipeline.build(root: root, out: "content", verdicts: .none, options: .init(run: settings))) { error in
            XCTAssertEqual((error as? PipelineError)?.isUsage, true, "\(error)")
        }
        XCTAssertThrowsError(try Pipeline.build(root: root, out: "site", verdicts: .earlier([]), options: .init(run: settings))) { error in
            XCTAssertEqual((error as? PipelineError)?.message, "--results: give one or more results files, comma-separated")
        }
        XCTAssertThrowsError(try Pipeline.record(root: root, target: nil, into: "../x", options: settings)) { error in
            XCTAssertEqual((error as? PipelineError)?.isUsage, true, "\(error)")
        }
    }

    func testRecordRunsAgainstALiveTargetAndRefusesAReplayTarget() throws {
        let root = try liveHandbook()
        let outcome = try Pipeline.record(root: root, target: "good", into: "rec", options: settings)
        XCTAssertFalse(outcome.stopped)
        XCTAssertEqual(outcome.results?.checks?.map(\.status), [.passed])
        XCTAssertEqual(outcome.recorded, 1)
        XCTAssertEqual(outcome.folder.standardizedFileURL.path, root.appendingPathComponent("checks/fixtures/rec").standardizedFileURL.path)
        var isFolder: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: outcome.folder.path, isDirectory: &isFolder) && isFolder.boolValue)

        try Data("default: good\ntargets:\n  good:\n    env: { STATE: up }\n  replay:\n    fixtures: checks/fixtures/rec\n".utf8)
            .write(to: root.appendingPathComponent("checks/targets.yaml"))
        XCTAssertThrowsError(try Pipeline.record(root: root, target: "replay", into: "again", options: settings)) { error in
            XCTAssertEqual((error as? PipelineError)?.message, "target `replay` replays fixtures; record from a real target")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("checks/fixtures/again").path))
    }

    // MARK: Which handbook the verdicts are of

    /// A git handbook whose one check commits to it while it runs: an edit made during a long run.
    private func handbookCommittedToDuringItsRun() throws -> (root: URL, before: String) {
        let root = try TestSupport.handbook([
            "content/index.md": "# Service\n- [x] Edited mid-run\n  ```check edits-the-handbook\n  $ git -C \"$HANDBOOK\" -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m during && echo committed\n  committed\n  ```\n",
            "checks/targets.yaml": "default: here\ntargets:\n  here:\n    env: { HANDBOOK: PLACEHOLDER }\n",
        ])
        let targets = root.appendingPathComponent("checks/targets.yaml")
        try Data(try String(contentsOf: targets, encoding: .utf8).replacingOccurrences(of: "PLACEHOLDER", with: root.path).utf8)
            .write(to: targets)
        try TestSupport.git(["init", "-q"], in: root)
        try TestSupport.git(["add", "."], in: root)
        try TestSupport.git(["commit", "-qm", "before the run"], in: root)
        return (root, try XCTUnwrap(HandbookRevision.read(root: root)).commit)
    }

    func testCheckRecordsTheRevisionFromBeforeTheRun() throws {
        let (root, before) = try handbookCommittedToDuringItsRun()
        let outcome = try Pipeline.check(root: root, targets: nil, options: .init(run: settings))
        XCTAssertEqual(outcome.runs.first?.results.checks?.map(\.status), [.passed], "the check must commit for this test to mean anything")
        XCTAssertNotEqual(HandbookRevision.read(root: root)?.commit, before, "the run moved HEAD")
        XCTAssertEqual(outcome.runs.first?.results.handbookRevision?.commit, before)
    }

    func testBuildRecordsTheRevisionFromBeforeTheRun() throws {
        let (root, before) = try handbookCommittedToDuringItsRun()
        let out = TestSupport.scratch.appendingPathComponent("site-\(UUID().uuidString)")
        let outcome = try Pipeline.build(root: root, out: out.path, verdicts: .run(targets: nil), options: .init(run: settings, search: false))
        XCTAssertEqual(outcome.verdicts.first?.checks?.map(\.status), [.passed], "the check must commit for this test to mean anything")
        XCTAssertNotEqual(HandbookRevision.read(root: root)?.commit, before, "the run moved HEAD")
        XCTAssertEqual(outcome.verdicts.first?.handbookRevision?.commit, before)
    }

    // MARK: Paths relative to `base`

    /// Report and record paths resolve inside `base` as the command line's are inside its
    /// working folder, whether or not the caller's URL ends in a slash, and never against the
    /// test process's own working folder.
    func testRelativeReportAndRecordPathsResolveInsideBase() throws {
        let root = try liveHandbook()
        let base = TestSupport.scratch.appendingPathComponent("base-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let unslashed = URL(fileURLWithPath: base.path, isDirectory: false)
        XCTAssertFalse(unslashed.absoluteString.hasSuffix("/"), "the case under test: a folder URL without a trailing slash")
        let fleet = FleetRecords(history: "h", metrics: "m.prom")
        _ = try Pipeline.check(root: root, targets: "good", options: .init(run: settings, json: "r.json", junit: "j.xml",
                                                                           fleet: fleet, base: unslashed))
        for file in ["r.json", "j.xml", "m.prom"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: base.appendingPathComponent(file).path), "\(file) not in base")
        }
        XCTAssertEqual(try History(folder: base.appendingPathComponent("h")).entries().count, 1, "the history is kept in base")
        let out = try Pipeline.build(root: root, out: "site", verdicts: .run(targets: "good"),
                                     options: .init(run: settings, search: false, fleet: fleet, base: unslashed))
        XCTAssertEqual(try History(folder: base.appendingPathComponent("h")).entries().count, 2)
        XCTAssertTrue(try String(contentsOf: base.appendingPathComponent("m.prom"), encoding: .utf8).contains("opsbook_"))
        XCTAssertFalse(out.stopped)
    }
}

extension PipelineTests {
    /// `--only` judges just the criteria its checks decide, `--page` just that page's criteria;
    /// the rest of the handbook is neither passed nor failed by a run that did not look at it.
    func testOnlyAndPageJudgeOnlyWhatTheyRan() throws {
        let root = try TestSupport.handbook([
            "content/a.md": "# A\n- [ ] a up\n  ```check a-up\n  $ echo up\n  up\n  ```\n- [ ] a down\n  ```check a-down\n  $ echo up\n  down\n  ```\n",
            "content/b.md": "# B\n- [ ] b up\n  ```check b-up\n  $ echo up\n  up\n  ```\n- [ ] b by hand\n",
            "checks/targets.yaml": "default: lab\ntargets:\n  lab: {}\n",
        ])
        func judged(_ options: Pipeline.CheckOptions) throws -> [String: CriterionStatus] {
            let outcome = try Pipeline.check(root: root, targets: nil, options: options)
            return Dictionary(uniqueKeysWithValues: outcome.runs[0].results.criteria.map { ($0.criterion.text, $0.status) })
        }
        XCTAssertEqual(try judged(.init(run: settings, only: ["a-up"])), ["a up": .passed])
        XCTAssertEqual(try judged(.init(run: settings, page: "content/b.md")), ["b up": .passed, "b by hand": .manual])
        XCTAssertEqual(try judged(.init(run: settings)).count, 4)
    }
}
