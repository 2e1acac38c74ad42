import ArgumentParser
import Foundation
import XCTest
import Yams
@testable import OpsbookKit
@testable import opsbook

/// `opsbook init`: a starter that builds and passes at once, never written over anything.
final class InitTests: XCTestCase {
    private func newFolder() -> URL {
        TestSupport.scratch.appendingPathComponent("init-" + UUID().uuidString).appendingPathComponent("handbook")
    }

    /// Binary for `init` itself (the command, its exit status); the build and lint that follow
    /// through the library.
    func testInitThenBuildPassesWithEveryCheckRun() throws {
        let dir = newFolder()
        let made = try TestSupport.opsbook(["init", dir.path], in: TestSupport.scratch)
        XCTAssertEqual(made.status, 0, made.stderr)
        for path in ["content/index.md", "content/phases/phase-1.md", "content/runbooks/disk-full.md", "checks/targets.yaml",
                     ".gitignore", ".github/workflows/opsbook.yml", ".gitlab-ci.yml"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent(path).path), path)
        }
        let build = try Pipeline.build(root: dir, out: "site", verdicts: .run(targets: nil),
                                       options: .init(run: TestSupport.settings, search: false))
        XCTAssertEqual(TestSupport.exitStatus(build.diagnostics + build.siteDiagnostics, anyFailure: build.anyFailure), 0,
                       build.diagnostics.printed)
        let results = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("site/results.json"))) as! [String: Any]
        XCTAssertEqual(results["target"] as? String, "local")
        let checks = results["checks"] as! [[String: Any]]
        XCTAssertEqual(Set(checks.map { $0["id"] as! String }), ["starter-os", "starter-disk-root", "starter-tmp-writable"])
        XCTAssertEqual(Set(checks.map { $0["status"] as! String }), ["passed"], "\(checks)")
        let criteria = (results["criteria"] as! [[String: Any]]).map { $0["status"] as! String }
        XCTAssertEqual(criteria.sorted(), ["manual", "passed"])
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent(".gitignore"), encoding: .utf8), "site/\n")
        // The runbook follows the team's template, section by section.
        let runbook = try String(contentsOf: dir.appendingPathComponent("content/runbooks/disk-full.md"), encoding: .utf8)
        let headings = runbook.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) }
        XCTAssertEqual(headings, ["觸發條件", "診斷步驟", "修復步驟", "驗證修復", "長期預防", "升級路徑", "相關文件"])
        // Lint agrees: no warnings either.
        let lint = try Pipeline.lint(root: dir)
        XCTAssertEqual(TestSupport.exitStatus(lint.diagnostics, strict: true), 0, lint.diagnostics.printed)
    }

    /// Binary: `init` with no argument writes into the working folder.
    func testInitIntoTheCurrentEmptyFolder() throws {
        let dir = newFolder()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let made = try TestSupport.opsbook(["init"], in: dir)
        XCTAssertEqual(made.status, 0, made.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("content/index.md").path))
    }

    /// Binary: the refusal's exit status and message are the command's.
    func testInitRefusesANonEmptyFolderAndTouchesNothing() throws {
        let dir = newFolder()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("mine\n".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        let before = try EmbeddedTests.files(under: dir)
        let run = try TestSupport.opsbook(["init", dir.path], in: TestSupport.scratch)
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("is not empty"), run.stderr)
        XCTAssertEqual(try EmbeddedTests.files(under: dir), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["notes.txt"])

        // A hidden file counts, and so does a plain file where the folder should be.
        let hidden = newFolder()
        try FileManager.default.createDirectory(at: hidden, withIntermediateDirectories: true)
        try Data().write(to: hidden.appendingPathComponent(".git"))
        XCTAssertEqual(try TestSupport.opsbook(["init", hidden.path], in: TestSupport.scratch).status, 2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: hidden.path), [".git"])
        let file = hidden.appendingPathComponent(".git")
        XCTAssertEqual(try TestSupport.opsbook(["init", file.path], in: TestSupport.scratch).status, 2)
    }

    /// The CI recipes are YAML, and every `opsbook …` line in them is accepted by the real
    /// command line's parser (the command types themselves, not a copy of their options).
    func testCIRecipesParseAndNameOnlyRealCommands() throws {
        let starter = StarterHandbook.files
        var invocations: [String] = []
        for path in [".github/workflows/opsbook.yml", ".gitlab-ci.yml"] {
            let text = String(decoding: try XCTUnwrap(starter[path], path), as: UTF8.self)
            let yaml = try XCTUnwrap(try Yams.load(yaml: text), path)
            let found = Self.shellLines(in: yaml).flatMap(Self.opsbookInvocations)
            XCTAssertTrue(found.contains { $0.hasPrefix("opsbook check ") }, "\(path) runs the checks: \(found)")
            XCTAssertTrue(found.contains { $0.hasPrefix("opsbook build ") }, "\(path) builds the site: \(found)")
            invocations += found
        }
        XCTAssertTrue(invocations.contains("opsbook check --format github --junit junit.xml --json results.json"), "\(invocations)")
        for line in invocations {
            let words = line.split(separator: " ").dropFirst().map(String.init)
            if words == ["--version"] { continue }
            XCTAssertNoThrow(try OpsbookCommand.parseAsRoot(words), line)
        }
        // The check itself is not vacuous: the parser does refuse what opsbook lacks.
        XCTAssertThrowsError(try OpsbookCommand.parseAsRoot(["check", "--no-such-flag"]))
        XCTAssertThrowsError(try OpsbookCommand.parseAsRoot(["publish"]))
    }

    /// Every string in the document that is a shell line (`run:` blocks, `script:` lists), split
    /// into lines.
    static func shellLines(in node: Any) -> [String] {
        switch node {
        case let s as String: return s.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        case let list as [Any]: return list.flatMap(shellLines)
        case let map as [AnyHashable: Any]: return map.values.flatMap(shellLines)
        default: return []
        }
    }

    static func opsbookInvocations(_ line: String) -> [String] {
        line.components(separatedBy: "&&").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("opsbook ") }
    }
}
