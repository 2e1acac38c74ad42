import XCTest
@testable import OpsbookKit

/// `serve`'s page-by-page updates (issue #14): after each change, the site folder must be byte
/// for byte what a fresh full build of the changed handbook writes, and a body edit must write
/// only the page and what shows it.
final class IncrementalSiteTests: XCTestCase {
    /// The only text allowed to differ between two builds: how long ago the checks ran, counted
    /// from each build's own clock ("剛剛", "3 天前"). The `<time datetime>` beside it is the run's
    /// time, not the build's, and must be equal.
    static let buildTimeFields = [#"<span class="ago">[^<]*</span>"#]

    static let started = Date(timeIntervalSince1970: 1_700_000_000)

    static let book: [String: String] = [
        "content/index.md": "# 手冊\n\n首頁。見 `check:db-up`。\n",
        "content/phases/index.md": "---\norder: 1\n---\n# 階段\n",
        "content/phases/phase-1.md": """
            ---
            title: 階段 1
            kind: phase
            phase: 1
            order: 1
            ---
            # 階段 1

            ## 驗收條件

            - [ ] 資料庫在線
              ```check db-up
              $ echo up
              up
              ```
            - [x] 服務在線
              ```check svc-up
              $ echo ok
              ok
              ```

            ![圖](diagram.png)
            """,
        "content/phases/phase-2.md": "---\ntitle: 階段 2\nkind: phase\nphase: 2\norder: 2\n---\n# 階段 2\n\n- [ ] 依賴 `check:svc-up`\n",
        "content/phases/diagram.png": "not really a png",
        "content/runbooks/disk-full.md": "---\nkind: runbook\n---\n# 磁碟滿了\n\n先看 `df -h`。\n",
        "content/runbooks/restart.md": "---\nkind: runbook\n---\n# 重新啟動\n\n步驟一。\n",
    ]

    /// Verdicts from an earlier run: db-up passed, svc-up failed.
    static let verdicts = Pipeline.VerdictSource.given(
        [CheckResult(id: "db-up", page: "content/phases/phase-1.md", line: 13, status: .passed, exit: 0, attempts: 1, output: "up\n"),
         CheckResult(id: "svc-up", page: "content/phases/phase-1.md", line: 18, status: .failed, exit: 1, attempts: 1,
                     reason: "output differs", output: "down\n")],
        target: "lab", started: started, finished: started.addingTimeInterval(5))

    private var options: Pipeline.BuildOptions { Pipeline.BuildOptions(search: true) }

    /// A handbook built into `site/`, and a session following it.
    private func served(_ files: [String: String] = book) throws -> (URL, Pipeline.SiteSession) {
        let root = try TestSupport.handbook(files)
        let first = try Pipeline.build(root: root, out: "site", verdicts: Self.verdicts, options: options)
        XCTAssertFalse(first.stopped, "\(first.diagnostics)")
        return (root, try Pipeline.SiteSession(root: root, out: "site", after: first, options: options))
    }

    private func write(_ text: String, _ path: String, in root: URL) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    private func read(_ path: String, in root: URL) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Builds the handbook as it is now into `fresh/` with `verdicts` and compares every file
    /// and folder of the two sites.
    private func assertSameAsFullBuild(_ root: URL, verdicts: Pipeline.VerdictSource = verdicts,
                                       file: StaticString = #filePath, line: UInt = #line) throws {
        let fresh = try Pipeline.build(root: root, out: "fresh", verdicts: verdicts, options: options)
        XCTAssertFalse(fresh.stopped, "\(fresh.diagnostics)", file: file, line: line)
        let served = try Self.tree(root.appendingPathComponent("site"))
        let expected = try Self.tree(fresh.site)
        XCTAssertEqual(served.keys.sorted(), expected.keys.sorted(), "files and folders of the site", file: file, line: line)
        for (path, bytes) in expected where served[path] != bytes {
            XCTFail("\(path) differs from a full build:\n--- served\n\(served[path] ?? "(missing)")\n--- full build\n\(bytes)",
                    file: file, line: line)
        }
    }

    /// Every file (text with the build-time fields blanked) and folder (""), by relative path.
    static func tree(_ site: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        let base = site.standardizedFileURL.path
        guard let e = FileManager.default.enumerator(atPath: base) else { return [:] }
        for case let relative as String in e {
            let url = site.appendingPathComponent(relative)
            if (try url.resourceValues(forKeys: [.isDirectoryKey])).isDirectory == true {
                out[relative + "/"] = ""
                continue
            }
            var text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
            for field in buildTimeFields { text = text.replacing(try Regex(field), with: "<span class=\"ago\">…</span>") }
            out[relative] = text
        }
        return out
    }

    // MARK: A body edit

    func testABodyEditGivesTheSiteAFullBuildWouldWrite() throws {
        var (root, session) = try served()
        let edited = Self.book["content/runbooks/disk-full.md"]! + "\n再清掉 /var/log 的舊檔。\n"
        try write(edited, "content/runbooks/disk-full.md", in: root)
        let update = try session.update(["content/runbooks/disk-full.md"])
        XCTAssertEqual(update.kind, .pages)
        XCTAssertTrue(try read("site/runbooks/disk-full.html", in: root).contains("再清掉 /var/log 的舊檔。"))
        try assertSameAsFullBuild(root)
    }

    func testABodyEditWritesOnlyThePageTheDashboardAndTheSearchIndex() throws {
        var (root, session) = try served()
        try write(Self.book["content/runbooks/restart.md"]! + "\n步驟二。\n", "content/runbooks/restart.md", in: root)
        let update = try session.update(["content/runbooks/restart.md"])
        // Its neighbours show only its title and address, which did not change; results.json
        // is unchanged (no verdict moved), so none of them is written.
        XCTAssertEqual(update.written, ["dashboard.html", "runbooks/restart.html", SearchIndexer.fileName])
        XCTAssertEqual(update.diagnostics, [])
        try assertSameAsFullBuild(root)
    }

    func testMovingACheckRewritesThePagesThatLinkToIt() throws {
        var (root, session) = try served()
        // db-up (passed) moves to the restart runbook: the front page's `check:db-up` link
        // must follow it, though the front page itself did not change.
        let block = "- [ ] 資料庫在線\n  ```check db-up\n  $ echo up\n  up\n  ```\n"
        let one = Self.book["content/phases/phase-1.md"]!.replacingOccurrences(of: block, with: "")
        XCTAssertNotEqual(one, Self.book["content/phases/phase-1.md"]!)
        try write(one, "content/phases/phase-1.md", in: root)
        try write(Self.book["content/runbooks/restart.md"]! + "\n" + block, "content/runbooks/restart.md", in: root)
        let update = try session.update(["content/phases/phase-1.md", "content/runbooks/restart.md"])
        XCTAssertEqual(update.kind, .pages)
        XCTAssertTrue(update.written.contains("index.html"), "\(update.written)")
        XCTAssertFalse(update.written.contains("runbooks/disk-full.html"), "nothing site-wide changed")
        XCTAssertTrue(try read("site/index.html", in: root).contains("runbooks/restart.html#check-db-up"))
        try assertSameAsFullBuild(root)
    }

    // MARK: Navigation

    func testATitleChangeRewritesTheNavigationEverywhere() throws {
        var (root, session) = try served()
        try write("---\nkind: runbook\n---\n# 重新啟動服務\n\n步驟一。\n", "content/runbooks/restart.md", in: root)
        let update = try session.update(["content/runbooks/restart.md"])
        XCTAssertEqual(update.kind, .pages)
        let pages = ["index.html", "phases/index.html", "phases/phase-1.html", "phases/phase-2.html", "runbooks/disk-full.html",
                     "runbooks/restart.html", "search.html", "404.html"]
        XCTAssertEqual(Set(pages).subtracting(update.written), [], "every page shows the navigation")
        XCTAssertTrue(try read("site/runbooks/disk-full.html", in: root).contains("重新啟動服務"), "the next page's title")
        try assertSameAsFullBuild(root)
    }

    func testAPageAddedAndAPageDeleted() throws {
        var (root, session) = try served()
        try write("---\nkind: runbook\n---\n# 憑證過期\n\n換憑證。\n", "content/runbooks/cert.md", in: root)
        var update = try session.update(["content/runbooks/cert.md"])
        XCTAssertEqual(update.kind, .pages)
        XCTAssertTrue(update.written.contains("runbooks/cert.html"))
        try assertSameAsFullBuild(root)

        try FileManager.default.removeItem(at: root.appendingPathComponent("content/runbooks/disk-full.md"))
        update = try session.update(["content/runbooks/disk-full.md"])
        XCTAssertEqual(update.kind, .pages)
        XCTAssertTrue(update.written.contains("runbooks/disk-full.html"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("site/runbooks/disk-full.html").path))
        try assertSameAsFullBuild(root)
    }

    func testDeletingTheFrontPageMakesTheDashboardTheIndex() throws {
        var (root, session) = try served()
        try FileManager.default.removeItem(at: root.appendingPathComponent("content/index.md"))
        _ = try session.update(["content/index.md"])
        try assertSameAsFullBuild(root)
    }

    func testTheLastPageOfAFolderTakesTheFolderWithIt() throws {
        var (root, session) = try served()
        try write("# 孤單\n", "content/alone/only.md", in: root)
        // A new folder: the session builds everything (a watcher sees the folder first).
        XCTAssertEqual(try session.update(["content/alone"]).kind, .full)
        try FileManager.default.removeItem(at: root.appendingPathComponent("content/alone/only.md"))
        XCTAssertEqual(try session.update(["content/alone/only.md"]).kind, .pages)
        try assertSameAsFullBuild(root)
    }

    // MARK: Verdicts

    func testAChangedCheckBodyLosesItsVerdict() throws {
        var (root, session) = try served()
        let page = try read("site/phases/phase-1.html", in: root)
        XCTAssertTrue(page.contains("status-passed") || page.contains("passed"), "the served verdict before the edit")
        let changed = Self.book["content/phases/phase-1.md"]!.replacingOccurrences(of: "$ echo up\n  up", with: "$ echo up again\n  up again")
        try write(changed, "content/phases/phase-1.md", in: root)
        let update = try session.update(["content/phases/phase-1.md"])
        XCTAssertEqual(update.kind, .pages)
        // What a full build shows without db-up's old verdict: its criterion not-run.
        guard case .given(let all, let target, let started, let finished) = Self.verdicts else { return XCTFail() }
        let withoutDBUp = Pipeline.VerdictSource.given(all.filter { $0.id != "db-up" }, target: target, started: started, finished: finished)
        try assertSameAsFullBuild(root, verdicts: withoutDBUp)
        let results = try ResultsFile.read(Data(contentsOf: root.appendingPathComponent("site/results.json")))
        XCTAssertEqual(results.checks.map(\.id), ["svc-up"], "db-up's old pass must not survive its new body")
        // The front page names check:db-up; a full build of the edited handbook is the oracle
        // for it too (compared above). Going back to the old body brings the verdict back.
        try write(Self.book["content/phases/phase-1.md"]!, "content/phases/phase-1.md", in: root)
        _ = try session.update(["content/phases/phase-1.md"])
        try assertSameAsFullBuild(root)
    }

    func testANewCheckHasNoVerdictAndAChecksFolderChangeRebuildsEverything() throws {
        var (root, session) = try served()
        let added = Self.book["content/runbooks/restart.md"]! + "\n- [ ] 重啟後在線\n  ```check restarted\n  $ echo up\n  up\n  ```\n"
        try write(added, "content/runbooks/restart.md", in: root)
        XCTAssertEqual(try session.update(["content/runbooks/restart.md"]).kind, .pages)
        try assertSameAsFullBuild(root)
        try write("targets: {}\n", "checks/targets.yaml", in: root)
        XCTAssertEqual(try session.update(["checks/targets.yaml"]).kind, .full)
        try assertSameAsFullBuild(root)
    }

    // MARK: Errors

    func testAnErrorStopsTheUpdateAndTheNextOneCatchesUp() throws {
        var (root, session) = try served()
        let before = try read("site/runbooks/restart.html", in: root)
        // A second block with db-up's id: an error; nothing is written.
        try write(Self.book["content/runbooks/restart.md"]! + "\n```check db-up\n$ true\n```\n", "content/runbooks/restart.md", in: root)
        let stopped = try session.update(["content/runbooks/restart.md"])
        XCTAssertEqual(stopped.kind, .stopped)
        XCTAssertTrue(stopped.diagnostics.contains { $0.code == "check.duplicate-id" }, "\(stopped.diagnostics)")
        XCTAssertEqual(try read("site/runbooks/restart.html", in: root), before)
        // Fixed, and another page edited: both changes are applied.
        try write(Self.book["content/runbooks/restart.md"]! + "\n修好了。\n", "content/runbooks/restart.md", in: root)
        try write(Self.book["content/runbooks/disk-full.md"]! + "\n也改了。\n", "content/runbooks/disk-full.md", in: root)
        XCTAssertEqual(try session.update(["content/runbooks/disk-full.md"]).kind, .pages)
        XCTAssertTrue(try read("site/runbooks/restart.html", in: root).contains("修好了。"))
        try assertSameAsFullBuild(root)
    }

    func testDeletingAPageAnotherLinksToStopsLikeAFullBuild() throws {
        var (root, session) = try served()
        try write(Self.book["content/runbooks/restart.md"]! + "\n見[磁碟](disk-full.md)。\n", "content/runbooks/restart.md", in: root)
        XCTAssertEqual(try session.update(["content/runbooks/restart.md"]).kind, .pages)
        try assertSameAsFullBuild(root)
        // The link is on a page that did not change: only linting every page's links finds it.
        try FileManager.default.removeItem(at: root.appendingPathComponent("content/runbooks/disk-full.md"))
        let stopped = try session.update(["content/runbooks/disk-full.md"])
        XCTAssertEqual(stopped.kind, .stopped)
        XCTAssertEqual(stopped.diagnostics.map(\.code), ["link.broken"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("site/runbooks/disk-full.html").path))
    }

    /// An update lints the changed pages with the per-page rules and the whole handbook with the
    /// rest (`UpdateLint`): a new lint rule must be put in one of its lists.
    func testEveryLintRuleHasItsPlaceInAnUpdate() {
        let name = { (rule: any LintRule) in String(describing: type(of: rule)) }
        let placed = (UpdateLint.acrossPages + UpdateLint.perBlock + UpdateLint.links).map(name)
        XCTAssertEqual(Set(Linter.defaultRules.map(name)), Set(placed))
        XCTAssertEqual(placed.count, Set(placed).count)
    }

    func testAContentFileIsCopiedAndRemoved() throws {
        var (root, session) = try served()
        try write("still not a png", "content/phases/diagram.png", in: root)
        XCTAssertEqual(try session.update(["content/phases/diagram.png"]).written.contains("phases/diagram.png"), true)
        try assertSameAsFullBuild(root)
        try write("notes", "content/runbooks/notes/today.txt", in: root)
        XCTAssertEqual(try session.update(["content/runbooks/notes"]).kind, .full, "a new folder")
        try FileManager.default.removeItem(at: root.appendingPathComponent("content/runbooks/notes/today.txt"))
        XCTAssertEqual(try session.update(["content/runbooks/notes/today.txt"]).kind, .pages)
        try assertSameAsFullBuild(root)
        // phase-1 shows the diagram: without it the handbook has a broken link, and a full
        // build would stop and keep the old site. So does the update.
        try FileManager.default.removeItem(at: root.appendingPathComponent("content/phases/diagram.png"))
        let stopped = try session.update(["content/phases/diagram.png"])
        XCTAssertEqual(stopped.kind, .stopped)
        XCTAssertEqual(stopped.diagnostics.map(\.code), ["link.broken"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("site/phases/diagram.png").path))
    }

    // MARK: Diagrams

    /// The Mermaid library goes into the site only while a page draws a diagram: the first
    /// diagram brings it and vendor.js names it, the last one gone takes both away, each exactly
    /// as a full build of that handbook would.
    func testTheFirstDiagramBringsMermaidAndTheLastTakesItAway() throws {
        let library = TestSupport.scratch.appendingPathComponent(UUID().uuidString + "-mermaid.min.js")
        try Data("window.mermaid = {};\n".utf8).write(to: library)
        setenv("OPSBOOK_MERMAID_JS", library.path, 1)
        defer { unsetenv("OPSBOOK_MERMAID_JS") }
        var (root, session) = try served()
        let mermaid = "site/assets/vendor/mermaid.min.js"
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent(mermaid).path))
        XCTAssertFalse(try read("site/assets/vendor.js", in: root).contains("mermaid"))

        let drawn = Self.book["content/runbooks/restart.md"]! + "\n```mermaid\ngraph TD; a-->b\n```\n"
        try write(drawn, "content/runbooks/restart.md", in: root)
        let update = try session.update(["content/runbooks/restart.md"])
        XCTAssertTrue(update.written.contains("assets/vendor/mermaid.min.js"), "\(update.written)")
        XCTAssertEqual(try read(mermaid, in: root), "window.mermaid = {};\n")
        XCTAssertTrue(try read("site/assets/vendor.js", in: root).contains("\"mermaid\": \"assets/vendor/mermaid.min.js\""))
        try assertSameAsFullBuild(root)

        try write(Self.book["content/runbooks/restart.md"]!, "content/runbooks/restart.md", in: root)
        _ = try session.update(["content/runbooks/restart.md"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent(mermaid).path))
        XCTAssertFalse(try read("site/assets/vendor.js", in: root).contains("mermaid"))
        try assertSameAsFullBuild(root)
    }

    func testOnlyAMermaidFenceCountsAsADiagram() throws {
        let root = try TestSupport.handbook([
            "content/a.md": "# A\n\n```mermaid\ngraph TD; a-->b\n```\n\n```mermaidish\nx\n```\n",
            "content/b.md": "# B\n\n```bash\nmermaid\n```\n\n    mermaid\n",
        ])
        let (handbook, _) = try Pipeline.loadAndLint(root)
        XCTAssertEqual(handbook.pages.map(\.diagrams), [1, 0])
        XCTAssertTrue(handbook.drawsDiagrams)
        XCTAssertFalse(Handbook(root: handbook.root, pages: [handbook.pages[1]]).drawsDiagrams)
        // Without a diagram Mermaid is not even looked for, wherever it is installed.
        let env = ["OPSBOOK_MERMAID_JS": #filePath, "OPSBOOK_HIGHLIGHT_JS": ""]
        XCTAssertEqual(VendorAssets.installed(diagrams: false, environment: env).libraries.map(\.name), [])
        XCTAssertEqual(VendorAssets.installed(diagrams: true, environment: env).libraries.map(\.name), ["mermaid"])
    }
}
