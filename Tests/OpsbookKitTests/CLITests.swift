import XCTest
@testable import OpsbookKit

/// Exit statuses and messages as a user or CI sees them. The tests that need the real binary
/// say why; the rest call the library's pipeline (`Pipeline`), as the command line does.
final class CLITests: XCTestCase {
    private func demo() throws -> URL {
        try TestSupport.handbook([
            "content/index.md": "# 手冊\n- [x] 節點 Ready\n  ```check nodes\n  $ kubectl get nodes --no-headers | grep -c Ready\n  3\n  ```\n",
            "checks/targets.yaml": "default: demo\ntargets:\n  demo:\n    fixtures: checks/fixtures/demo\n  bad:\n    fixtures: [checks/fixtures/bad, checks/fixtures/demo]\n  gone:\n    fixtures: checks/fixtures/gone\n",
            "checks/fixtures/demo/k.yaml": "- call: [kubectl, get, nodes, --no-headers]\n  stdout: \"a Ready\\nb Ready\\nc Ready\\n\"\n",
            "checks/fixtures/bad/k.yaml": "- call: [kubectl, get, nodes, --no-headers]\n  stdout: \"a Ready\\nb NotReady\\n\"\n",
        ])
    }

    func testCheckPassesOnDemoAndWritesTheResultsFile() throws {
        let root = try demo()
        let ok = try Pipeline.check(root: root, targets: nil, options: .init(run: TestSupport.settings, json: "r.json", base: root))
        XCTAssertEqual(TestSupport.exitStatus(ok.diagnostics, anyFailure: ok.anyFailure), 0, ok.diagnostics.printed)
        XCTAssertFalse(ok.stopped)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("r.json"))) as! [String: Any]
        XCTAssertEqual(json["version"] as? Int, 1)
        XCTAssertEqual(json["target"] as? String, "demo")
    }

    /// Binary: the summary a failing `check` prints, its exit status, and `--junit` given on the
    /// command line.
    func testCheckFailsOnBadAndPrintsWhatFailed() throws {
        let root = try demo()
        let bad = try TestSupport.opsbook(["check", "--target", "bad", "--junit", "j.xml"], in: root)
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stdout.contains("claimed done, failing: content/index.md:2: 節點 Ready"), bad.stdout)
        XCTAssertTrue(bad.stdout.contains("content/index.md:3: failed: check nodes"))
        let junit = try String(contentsOf: root.appendingPathComponent("j.xml"), encoding: .utf8)
        XCTAssertTrue(junit.contains("<failure message=\"output differs"))
    }

    func testUnknownTargetAndMissingFixtureFolderExit2() throws {
        let root = try demo()
        let nope = TestSupport.usageError { try Pipeline.check(root: root, targets: "nope", options: .init(run: TestSupport.settings)) }
        XCTAssertTrue(nope?.printed.contains("unknown target `nope`; known targets: bad, demo, gone") == true, nope?.printed ?? "")
        let gone = try Pipeline.check(root: root, targets: "gone", options: .init(run: TestSupport.settings))
        XCTAssertEqual(TestSupport.exitStatus(gone.diagnostics, anyFailure: gone.anyFailure), 2)
        XCTAssertTrue(gone.stopped, "nothing runs")
        XCTAssertTrue(gone.diagnostics.printed.contains("fixture folder checks/fixtures/gone does not exist"), gone.diagnostics.printed)
    }

    func testBuildWritesSiteAndResults() throws {
        let root = try demo()
        let run = try Pipeline.build(root: root, out: "site", verdicts: .run(targets: "bad"),
                                     options: .init(run: TestSupport.settings, search: false))
        XCTAssertEqual(TestSupport.exitStatus(run.diagnostics + run.siteDiagnostics, anyFailure: run.anyFailure), 1)
        let page = try String(contentsOf: root.appendingPathComponent("site/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("data-claimed-failing"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("site/results.json").path))
    }

    /// Binary: `--format github` is how the command line prints.
    func testGithubFormat() throws {
        let root = try TestSupport.handbook(["content/a.md": "```check Bad\ntrue\n```\n"])
        let run = try TestSupport.opsbook(["lint", "--format", "github"], in: root)
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("::error file=content/a.md,line=1,col=10,title=check.invalid-id::"), run.stderr)
    }
}

extension CLITests {
    func testBuildReusesAnEarlierRun() throws {
        let root = try demo()
        let checked = try Pipeline.check(root: root, targets: "bad", options: .init(run: TestSupport.settings, json: "r.json", base: root))
        XCTAssertEqual(TestSupport.exitStatus(checked.diagnostics, anyFailure: checked.anyFailure), 1)
        let run = try Pipeline.build(root: root, out: "site", verdicts: .earlier(["r.json"]), options: .init(run: TestSupport.settings, search: false))
        XCTAssertEqual(TestSupport.exitStatus(run.diagnostics + run.siteDiagnostics, anyFailure: run.anyFailure), 1, run.diagnostics.printed)
        let page = try String(contentsOf: root.appendingPathComponent("site/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("data-claimed-failing"), "verdicts come from the earlier (bad) run, not a new one")
        try Data("{\"version\": 9}".utf8).write(to: root.appendingPathComponent("bad.json"))
        XCTAssertNotNil(TestSupport.usageError {
            try Pipeline.build(root: root, out: "site", verdicts: .earlier(["bad.json"]), options: .init(run: TestSupport.settings))
        }, "an unreadable results file is a usage error: exit 2")
    }
}

extension CLITests {
    /// Binary: `serve` is a long-running process answering HTTP.
    func testServeServesRebuildsAndStaysInsideTheSite() throws {
        let root = try demo()
        let port = Int.random(in: 20000...40000)
        let p = try TestSupport.serve(root, port: port)
        defer { p.terminate(); p.waitUntilExit() }
        /// curl (installed by make test) keeps FoundationNetworking out of the test target.
        func get(_ path: String) -> (Int, String)? {
            let c = Process()
            c.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            c.arguments = ["-s", "--path-as-is", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"]
            let pipe = Pipe()
            c.standardOutput = pipe
            guard (try? c.run()) != nil else { return nil }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            c.waitUntilExit()
            let text = String(decoding: data, as: UTF8.self)
            guard c.terminationStatus == 0, let nl = text.lastIndex(of: "\n"), let code = Int(text[text.index(after: nl)...]) else { return nil }
            return (code, String(text[..<nl]))
        }
        var page: (Int, String)?
        for _ in 0..<100 where page == nil { page = get("/index.html"); if page == nil { Thread.sleep(forTimeInterval: 0.1) } }
        XCTAssertEqual(page?.0, 200)
        XCTAssertTrue(page?.1.contains("節點 Ready") == true)
        XCTAssertEqual(get("/%2e%2e/%2e%2e/etc/passwd")?.0, 403)
        let before = get("/__opsbook/generation")?.1
        try Data("# 手冊\n新的一段\n".utf8).write(to: root.appendingPathComponent("content/index.md"))
        var after = before
        for _ in 0..<50 where after == before { Thread.sleep(forTimeInterval: 0.2); after = get("/__opsbook/generation")?.1 }
        XCTAssertNotEqual(after, before, "a change under content/ rebuilds the site")
        XCTAssertTrue(get("/index.html")?.1.contains("新的一段") == true)
    }
}

extension CLITests {
    func testTargetsFileErrorsArePositionedAndExit2() throws {
        let root = try TestSupport.handbook([
            "content/index.md": "# 手冊\n",
            "checks/targets.yaml": "default: prod\ntargets:\n  stg:\n    kube-context: [a, b]\n  lab:\n    envv: {}\n",
        ])
        let error = TestSupport.usageError { try Pipeline.check(root: root, targets: nil, options: .init(run: TestSupport.settings)) }
        let stderr = error?.printed ?? ""
        XCTAssertTrue(stderr.contains("checks/targets.yaml:4:19: error: `kube-context` must be a string"), stderr)
        XCTAssertTrue(stderr.contains("checks/targets.yaml:6:5: error: unknown key `envv` for target `lab`"), stderr)
        XCTAssertTrue(stderr.contains("default target `prod` is not defined"), stderr)
    }

    func testThemeFolderOverridesOneTemplateAndKeepsTheRest() throws {
        let root = try TestSupport.handbook([
            "content/index.md": "# 手冊\n",
            "theme/page.mustache": "<!DOCTYPE html><title>{{title}}</title><body class=\"mine\">{{{bodyHTML}}}</body>\n",
            "theme/style.css": "body { color: red }\n",
        ])
        let run = try Pipeline.build(root: root, out: "site", verdicts: .none, options: .init(search: false))
        XCTAssertEqual(TestSupport.exitStatus(run.diagnostics + run.siteDiagnostics, anyFailure: run.anyFailure), 0, run.diagnostics.printed)
        let page = try String(contentsOf: root.appendingPathComponent("site/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("<body class=\"mine\"><h1 id=\"手冊\">"))
        let css = try String(contentsOf: root.appendingPathComponent("site/assets/style.css"), encoding: .utf8)
        XCTAssertEqual(css, "body { color: red }\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("site/assets/search.js").path),
                      "assets the theme does not replace still come from opsbook")
    }
}
