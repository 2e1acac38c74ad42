import XCTest
@testable import OpsbookKit

/// The release binary runs anywhere: copied into an empty folder outside the repository, with
/// the build folder and the Swift toolchain hidden, it builds this project's handbook.
///
/// `make test` builds it first (`packaging/build-static.sh`, into `.build/static/release`) and sets
/// `OPSBOOK_REQUIRE_STATIC=1`, so there a missing binary fails instead of skipping.
/// Binary, all of them: the static release binary itself is what they test.
final class StaticBinaryTests: XCTestCase {
    /// What `ldd` may list: the C library family, and libgcc_s for unwinding (Debian's
    /// `libgcc-s1` is essential, installed everywhere libc is). libstdc++ is linked statically.
    static let allowedLibraries: Set<String> = [
        "linux-vdso.so.1", "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1",
        "libgcc_s.so.1", "/lib64/ld-linux-x86-64.so.2",
    ]

    static var built: URL {
        if let path = ProcessInfo.processInfo.environment["OPSBOOK_STATIC_BINARY"] { return URL(fileURLWithPath: path) }
        return TestSupport.packageRoot.appendingPathComponent(".build/static/release/opsbook")
    }

    /// A copy of the release binary in a new empty folder outside the repository.
    private func copiedBinary() throws -> URL {
        guard FileManager.default.isExecutableFile(atPath: Self.built.path) else {
            if ProcessInfo.processInfo.environment["OPSBOOK_REQUIRE_STATIC"] == "1" {
                XCTFail("no release binary at \(Self.built.path); packaging/build-static.sh makes it")
            }
            throw XCTSkip("no release binary at \(Self.built.path); run `make static` (make test does)")
        }
        let dir = TestSupport.scratch.appendingPathComponent("bin-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let copy = dir.appendingPathComponent("opsbook")
        try FileManager.default.copyItem(at: Self.built, to: copy)
        XCTAssertFalse(copy.path.hasPrefix(TestSupport.packageRoot.path + "/"))
        return copy
    }

    func testLinksOnlyTheCLibraryFamily() throws {
        let bin = try copiedBinary()
        let ldd = try Self.run(["/usr/bin/ldd", bin.path], in: bin.deletingLastPathComponent())
        XCTAssertEqual(ldd.status, 0, ldd.stdout)
        let libraries = ldd.stdout.split(separator: "\n").compactMap { $0.split(whereSeparator: \.isWhitespace).first.map(String.init) }
        XCTAssertTrue(libraries.contains("libc.so.6"), ldd.stdout)
        XCTAssertEqual(Set(libraries).subtracting(Self.allowedLibraries), [], ldd.stdout)
        XCTAssertFalse(ldd.stdout.contains("not found"), ldd.stdout)
        // No resource bundle is built that the binary could be looking for.
        let beside = try FileManager.default.contentsOfDirectory(atPath: Self.built.deletingLastPathComponent().path)
        XCTAssertEqual(beside.filter { $0.hasSuffix(".resources") }, [])
    }

    func testCopiedBinaryBuildsTheProjectHandbookWithBuildFolderAndToolchainHidden() throws {
        let bin = try copiedBinary()
        let out = bin.deletingLastPathComponent().appendingPathComponent("site")
        let run = try Self.runHidden([bin.path, "build", "--root", TestSupport.packageRoot.path, "--target", "demo",
                                      "--no-search", "--out", out.path], in: bin.deletingLastPathComponent())
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        let version = try Self.runHidden([bin.path, "--version"], in: bin.deletingLastPathComponent())
        let lines = version.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2, version.stdout)
        let builtAs = String(lines.first?.dropFirst("opsbook ".count) ?? "")
        let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(index.contains("opsbook \(builtAs) · commit"), "footer names the version \(builtAs)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("assets/style.css").path))
        // Built from the same commit as the tests (an edit between the two builds may add -dirty).
        func clean(_ s: String) -> String { s.replacingOccurrences(of: "-dirty", with: "") }
        XCTAssertEqual(clean(String(lines.last?.dropFirst("commit ".count) ?? "")), clean(OpsbookVersion.commit))
    }

    func testCopiedBinaryStartsANewHandbookThatBuildsAndPasses() throws {
        let bin = try copiedBinary()
        let dir = bin.deletingLastPathComponent().appendingPathComponent("new-handbook")
        let made = try Self.runHidden([bin.path, "init", dir.path], in: bin.deletingLastPathComponent())
        XCTAssertEqual(made.status, 0, made.stdout + made.stderr)
        let build = try Self.runHidden([bin.path, "build", "--root", dir.path, "--no-search"], in: bin.deletingLastPathComponent())
        XCTAssertEqual(build.status, 0, build.stdout + build.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("site/index.html").path))
    }

    // MARK: - running with things out of reach

    /// Folders a copied binary must not need: the package's build folders and the toolchain.
    static var hiddenFolders: [String] {
        var folders = [TestSupport.packageRoot.appendingPathComponent(".build").path]
        if let swift = Shell.find("swift", onPath: ProcessInfo.processInfo.environment["PATH"] ?? "") {
            // …/usr/bin/swift → the toolchain's `usr`, which holds the Swift runtime libraries.
            let usr = URL(fileURLWithPath: swift).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
            if usr.path != "/usr" { folders.append(usr.path) }
        }
        return folders
    }

    /// Runs `args` with `LD_LIBRARY_PATH` empty and, where user namespaces allow it, with an empty
    /// tmpfs mounted over every hidden folder (so neither the build folder nor the toolchain's
    /// libraries can be found, whatever path is baked in). Without namespaces only the linking
    /// test above stands for the toolchain part.
    static func runHidden(_ args: [String], in dir: URL) throws -> TestSupport.Run {
        var env = ["LD_LIBRARY_PATH": ""]
        env["NO_COLOR"] = "1"
        let probe = try run(["/usr/bin/unshare", "--user", "--map-root-user", "--mount", "true"], in: dir)
        guard probe.status == 0 else { return try run(args, in: dir, env: env) }
        let script = #"for d in $OPSBOOK_HIDE; do mount -t tmpfs tmpfs "$d" || exit 99; done; exec "$@""#
        env["OPSBOOK_HIDE"] = hiddenFolders.joined(separator: " ")
        return try run(["/usr/bin/unshare", "--user", "--map-root-user", "--mount", "/bin/sh", "-c", script, "sh"] + args,
                       in: dir, env: env)
    }

    static func run(_ args: [String], in dir: URL, env: [String: String] = [:]) throws -> TestSupport.Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: args[0])
        p.arguments = Array(args.dropFirst())
        p.currentDirectoryURL = dir
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return TestSupport.Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                               stderr: String(decoding: e, as: UTF8.self))
    }
}
