import XCTest
@testable import OpsbookKit

/// Templates, assets and the version are built into the binary (Plugins/EmbedFiles).
final class EmbeddedTests: XCTestCase {
    private let kit = TestSupport.packageRoot.appendingPathComponent("Sources/OpsbookKit")

    /// Every file of the source folders is embedded, byte for byte: a file someone adds is picked
    /// up by the plugin without touching Package.swift.
    func testEveryTemplateAndAssetIsEmbeddedVerbatim() throws {
        for folder in ["Render/Templates", "Render/Assets"] {
            let onDisk = try Self.files(under: kit.appendingPathComponent(folder))
            let embedded = EmbeddedFile.files(under: folder)
            XCTAssertFalse(onDisk.isEmpty)
            XCTAssertEqual(embedded.keys.sorted(), onDisk.keys.sorted(), folder)
            for (name, data) in onDisk { XCTAssertEqual(embedded[name], data, "\(folder)/\(name) differs from its source") }
        }
    }

    func testSiteAssetsComeFromTheBinaryAndThemeOverridesOneFile() throws {
        let root = try TestSupport.handbook(["content/index.md": "# A\n", "theme/style.css": "body { color: red }\n",
                                             "theme/extra/logo.svg": "<svg/>"])
        let theme = try Theme(override: root.appendingPathComponent("theme"))
        let out = root.appendingPathComponent("assets")
        try theme.copyAssets(to: out)
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("style.css"), encoding: .utf8), "body { color: red }\n")
        XCTAssertEqual(try Data(contentsOf: out.appendingPathComponent("search.js")),
                       try Data(contentsOf: kit.appendingPathComponent("Render/Assets/search.js")))
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("extra/logo.svg"), encoding: .utf8), "<svg/>")
    }

    /// `--version` names the version and the commit; in a git checkout the commit is HEAD's.
    /// Binary: what the built executable itself says.
    func testVersionFlagPrintsVersionAndCommit() throws {
        let run = try TestSupport.opsbook(["--version"], in: TestSupport.scratch)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "opsbook \(OpsbookVersion.version)\ncommit \(OpsbookVersion.commit)\n")
        XCTAssertFalse(OpsbookVersion.version.isEmpty)
        XCTAssertTrue(OpsbookVersion.version.first?.isNumber == true, OpsbookVersion.version)
        if let head = Self.git(["rev-parse", "HEAD"]) {
            XCTAssertTrue(OpsbookVersion.commit.hasPrefix(head), "\(OpsbookVersion.commit) is not HEAD \(head)")
        }
    }

    func testResultsFileAndFooterCarryTheVersion() throws {
        let root = try TestSupport.handbook(["content/index.md": "# A\n- [ ] ok\n  ```check\n  true\n  ```\n",
                                             "checks/targets.yaml": "default: local\ntargets:\n  local: {}\n"])
        let run = try Pipeline.build(root: root, out: "site", verdicts: .run(targets: nil),
                                     options: .init(run: TestSupport.settings, search: false))
        XCTAssertEqual(TestSupport.exitStatus(run.diagnostics + run.siteDiagnostics, anyFailure: run.anyFailure), 0,
                       run.diagnostics.printed)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("site/results.json"))) as! [String: Any]
        XCTAssertEqual(json["opsbook_version"] as? String, OpsbookVersion.version)
        XCTAssertEqual(json["opsbook_commit"] as? String, OpsbookVersion.commit)
        let page = try String(contentsOf: root.appendingPathComponent("site/index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("opsbook \(OpsbookVersion.version) · commit \(OpsbookVersion.shortCommit)"), page)
    }

    static func files(under dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey])
        while let url = walker?.nextObject() as? URL {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            let rel = String(url.standardizedFileURL.path.dropFirst(dir.standardizedFileURL.path.count + 1))
            out[rel] = try Data(contentsOf: url)
        }
        return out
    }

    static func git(_ args: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", TestSupport.packageRoot.path] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }
}
