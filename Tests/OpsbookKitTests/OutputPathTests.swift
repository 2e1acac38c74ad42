import XCTest
@testable import OpsbookKit

/// Contract §6: opsbook never deletes or overwrites what is not its own output. Every refused
/// path must exit 2 AND leave every file of the handbook (and no staging folder) as it was.
final class OutputPathTests: XCTestCase {
    private func handbook() throws -> URL {
        try TestSupport.handbook([
            "content/index.md": "# 手冊\n- [x] ok\n  ```check ok\n  $ echo ok\n  ok\n  ```\n",
            "content/phases/p1.md": "# 一\n",
            "checks/targets.yaml": "default: local\ntargets:\n  local: {}\n",
            "notes.txt": "mine\n",
        ])
    }

    /// Every path under `dir` (hidden ones too) with its type and contents.
    static func snapshot(_ dir: URL) -> [String: String] {
        var out: [String: String] = [:]
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: dir.path) else { return out }
        while let rel = e.nextObject() as? String {
            let full = dir.appendingPathComponent(rel).path
            var isDir: ObjCBool = false
            _ = fm.fileExists(atPath: full, isDirectory: &isDir)
            out[rel] = isDir.boolValue ? "<dir>" : (fm.contents(atPath: full).map { String(decoding: $0, as: UTF8.self) } ?? "<unreadable>")
        }
        return out
    }

    /// `args` as the command line would run them, through the library: `build` (checks run
    /// unless `--no-checks`), `check` and `record`, paths relative to the handbook as with the
    /// command line run in it.
    private func pipeline(_ args: [String], root: URL) throws {
        func value(_ option: String) -> String? { args.firstIndex(of: option).map { args[$0 + 1] } }
        switch args[0] {
        case "build":
            _ = try Pipeline.build(root: root, out: value("--out") ?? "site",
                                   verdicts: args.contains("--no-checks") ? .none : .run(targets: nil),
                                   options: .init(run: TestSupport.settings, search: !args.contains("--no-search"), base: root))
        case "check":
            _ = try Pipeline.check(root: root, targets: nil,
                                   options: .init(run: TestSupport.settings, json: value("--json"), junit: value("--junit"), base: root))
        default:
            _ = try Pipeline.record(root: root, target: nil, into: value("--into") ?? "", options: TestSupport.settings)
        }
    }

    private func assertRefused(_ args: [String], in root: URL, mentions: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let before = Self.snapshot(root)
        let stderr = TestSupport.errorText { try pipeline(args, root: root) }
        XCTAssertNotNil(stderr, "\(args) was not refused (exit 2)", file: file, line: line)
        XCTAssertTrue(stderr?.contains(mentions) == true, "\(args) should say \(mentions): \(stderr ?? "")", file: file, line: line)
        XCTAssertEqual(Self.snapshot(root), before, "\(args) touched the handbook", file: file, line: line)
    }

    func testOutRefusesTheHandbookItsInputsAndItsAncestors() throws {
        let root = try handbook()
        try assertRefused(["build", "--no-search", "--out", "content"], in: root, mentions: "content/ folder")
        try assertRefused(["build", "--no-search", "--out", "content/phases"], in: root, mentions: "content/ folder")
        try assertRefused(["build", "--no-search", "--out", "checks"], in: root, mentions: "checks/ folder")
        try assertRefused(["build", "--no-search", "--out", ".git"], in: root, mentions: ".git/ folder")
        try assertRefused(["build", "--no-search", "--out", "."], in: root, mentions: "the handbook's root")
        try assertRefused(["build", "--no-search", "--out", ""], in: root, mentions: "empty path")
        try assertRefused(["build", "--no-search", "--out", "/"], in: root, mentions: "contains the handbook")
        try assertRefused(["build", "--no-checks", "--out", "content/index.md"], in: root, mentions: "content/ folder")
        let parent = root.deletingLastPathComponent()
        let siblings = try FileManager.default.contentsOfDirectory(atPath: parent.path).sorted()
        try assertRefused(["build", "--no-search", "--out", ".."], in: root, mentions: "contains the handbook")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: parent.path).sorted(), siblings)
    }

    func testOutRefusesALinkToContentAndARootGivenElsewhere() throws {
        let root = try handbook()
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("pages").path, withDestinationPath: "content")
        try assertRefused(["build", "--no-search", "--out", "pages"], in: root, mentions: "content/ folder")
        let outside = root.deletingLastPathComponent()
        let before = Self.snapshot(root)
        // Binary: `--root` given from another working folder is the command line's to resolve.
        let run = try TestSupport.opsbook(["build", "--no-search", "--root", root.path, "--out", "content"], in: outside)
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertEqual(Self.snapshot(root), before)
    }

    func testOutRefusesFilesDevicesAndForeignFolders() throws {
        let root = try handbook()
        try assertRefused(["build", "--no-search", "--out", "notes.txt"], in: root, mentions: "not a folder")
        try assertRefused(["build", "--no-search", "--out", "/dev/null"], in: root, mentions: "not a folder")
        var info = stat()
        XCTAssertEqual(stat("/dev/null", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "/dev/null is still a device")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("mine"), withIntermediateDirectories: true)
        try Data("keep\n".utf8).write(to: root.appendingPathComponent("mine/keep.txt"))
        try assertRefused(["build", "--no-search", "--out", "mine"], in: root, mentions: "no opsbook build wrote")
    }

    func testAPreviousSiteAndAnEmptyFolderAreReplaced() throws {
        let root = try handbook()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
        XCTAssertNil(TestSupport.errorText { try pipeline(["build", "--no-search", "--out", "empty"], root: root) })
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("empty/\(OutputPath.siteMarker)").path))

        XCTAssertNil(TestSupport.errorText { try pipeline(["build", "--no-search"], root: root) })
        try Data("old".utf8).write(to: root.appendingPathComponent("site/stale.html"))
        // Binary: the line the command line prints once the site is written.
        let again = try TestSupport.opsbook(["build", "--no-search"], in: root)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("wrote 2 pages to \(root.standardizedFileURL.appendingPathComponent("site").path)\n"), again.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("site/stale.html").path),
                       "the previous site was replaced as a whole")
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("site/index.html").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasPrefix(".site") || $0.hasPrefix(".empty") }
        XCTAssertEqual(leftovers, [], "no staging or old folder is left beside the site")
    }

    func testReportFilesAreGuardedToo() throws {
        let root = try handbook()
        try assertRefused(["check", "--json", "content/r.json"], in: root, mentions: "content/ folder")
        try assertRefused(["check", "--junit", "content/index.md"], in: root, mentions: "content/ folder")
        try assertRefused(["check", "--json", "checks/targets.yaml"], in: root, mentions: "checks/ folder")
        try assertRefused(["check", "--json", ".git/r.json"], in: root, mentions: ".git/ folder")
        try assertRefused(["check", "--json", ""], in: root, mentions: "empty path")
        try assertRefused(["check", "--junit", "."], in: root, mentions: "the handbook's root")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("out"), withIntermediateDirectories: true)
        try assertRefused(["check", "--json", "out"], in: root, mentions: "is a folder")
        try assertRefused(["check", "--json", "nowhere/r.json"], in: root, mentions: "does not exist")
        // --junit /dev/null discards the report and leaves the device a device.
        let discard = try Pipeline.check(root: root, targets: nil, options: .init(run: TestSupport.settings, junit: "/dev/null", base: root))
        XCTAssertEqual(TestSupport.exitStatus(discard.diagnostics, anyFailure: discard.anyFailure), 0, discard.diagnostics.printed)
        var info = stat()
        XCTAssertEqual(stat("/dev/null", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR)
    }

    func testAnUnwritableReportNamesThePathAndExits2() throws {
        let root = try handbook()
        // /proc refuses new files even to root, so this holds whoever runs the tests.
        let run = try XCTUnwrap(TestSupport.errorText { try pipeline(["check", "--json", "/proc/opsbook-r.json"], root: root) },
                                "refused: exit 2")
        XCTAssertTrue(run.contains("--json '/proc/opsbook-r.json'"), run)
        XCTAssertFalse(run.contains("NSCocoaErrorDomain"), run)
        let site = try XCTUnwrap(TestSupport.errorText { try pipeline(["build", "--no-search", "--out", "/proc/opsbook-site"], root: root) },
                                 "refused: exit 2")
        XCTAssertTrue(site.contains("/proc/opsbook-site"), site)
    }

    func testRecordIntoIsAPlainFolderName() throws {
        let root = try handbook()
        try assertRefused(["record", "--into", "../../content"], in: root, mentions: "plain folder name")
        try assertRefused(["record", "--into", ""], in: root, mentions: "plain folder name")
    }
}

extension OutputPathTests {
    /// The folder part of a site or handbook path, for paths NSString's `deletingLastPathComponent`
    /// crashes on in Linux Foundation (`a`, `é`, `x/`) as well as ordinary ones.
    func testParentFolderOfEveryShapeOfPath() {
        let cases = ["a": "", "é": "", "x/": "x", "index": "", "phases/index": "phases", "a/b/c.html": "a/b", "": "", "/a": ""]
        for (path, folder) in cases { XCTAssertEqual(path.parentFolder, folder, path) }
    }
}
