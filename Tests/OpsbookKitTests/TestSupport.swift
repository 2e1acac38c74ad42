import ArgumentParser
import Foundation
import XCTest
@testable import OpsbookKit
@testable import opsbook

/// Helpers shared by the tests: inline pages, throwaway handbooks on disk, the built binary.
enum TestSupport {
    /// `Tests/Fixtures`, found from this file so re-recording writes into the source tree.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let packageRoot = fixtures.deletingLastPathComponent().deletingLastPathComponent()
    /// `shared/seeds` beside the repository (or beside the worktrees' folder), nil if absent.
    static var seeds: URL? {
        var dir = packageRoot
        for _ in 0..<3 {
            dir = dir.deletingLastPathComponent()
            let candidate = dir.appendingPathComponent("shared/seeds")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return nil
    }
    static var rerecord: Bool { ProcessInfo.processInfo.environment["OPSBOOK_RERECORD"] == "1" }

    static func page(_ markdown: String, path: String = "content/t.md") -> (Page, [Diagnostic]) {
        PageBuilder.build(path: path, relative: String(path.dropFirst("content/".count)), data: Data(markdown.utf8))
    }

    /// One folder for every test handbook of this process, removed when the process exits, so a
    /// test run leaves no temporary folders behind.
    static let scratch: URL = {
        let dir = (try? Workspace.makeTemporaryFolder(prefix: "opsbook-tests")) ?? URL(fileURLWithPath: NSTemporaryDirectory())
        scratchPath = dir.path
        atexit { if let p = scratchPath { try? FileManager.default.removeItem(atPath: p) } }
        return dir
    }()

    /// Writes `files` (path → text) under a new temporary folder and returns it.
    static func handbook(_ files: [String: String]) throws -> URL {
        let root = scratch.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        return root
    }

    /// Runs git in a test handbook with a throwaway identity, and fails the test if git does.
    static func git(_ args: [String], in root: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", root.path, "-c", "user.name=t", "-c", "user.email=t@example.invalid"] + args
        p.standardOutput = FileHandle.nullDevice
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, args.joined(separator: " "), file: file, line: line)
    }

    /// Renders a handbook's site in-process with no checks run (verdicts `not-run`), dated
    /// 2026-11-24 so goldens do not move; returns the site folder.
    static func renderSite(_ files: [String: String]) throws -> URL {
        let root = try handbook(files)
        let (book, _) = try load(root)
        let day = Day(iso: "2026-11-24")!
        let results = Results(handbook: book, checks: nil, attestations: [], target: nil, started: nil, finished: nil, today: day)
        let out = root.appendingPathComponent("site")
        try SiteRenderer(theme: try Theme(override: nil), today: day).render(book, results, into: out)
        return out
    }

    static func load(_ root: URL) throws -> (Handbook, [Diagnostic]) {
        let (handbook, problems) = try HandbookLoader(root: root).load()
        return (handbook, problems + Linter().lint(handbook))
    }

    /// The `opsbook` executable next to the test bundle (`make test` builds it first).
    static var binary: URL {
        var dir = Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: dir.appendingPathComponent("opsbook").path) {
            dir = packageRoot.appendingPathComponent(".build/debug")
        }
        return dir.appendingPathComponent("opsbook")
    }
    final class Marker {}

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    /// Runs the built binary (the real CLI, exit status included).
    static func opsbook(_ args: [String], in dir: URL, env: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.currentDirectoryURL = dir
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment.merge(env) { $1 }
        p.environment = environment
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Both pipes at once: a child that fills stderr (hundreds of warnings) while the test
        // still waits for stdout's end would block forever.
        let errors = ErrorPipeReader(err.fileHandleForReading)
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = errors.wait()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// Starts `opsbook serve` on `port` for the handbook at `root`; the caller terminates it.
    /// Its stderr goes to `stderr` when given (one line per rebuild).
    static func serve(_ root: URL, port: Int, stderr: Pipe? = nil) throws -> Process {
        let p = Process()
        p.executableURL = binary
        p.arguments = ["serve", "--port", "\(port)"]
        p.currentDirectoryURL = root
        p.standardOutput = FileHandle.nullDevice
        p.standardError = stderr ?? FileHandle.nullDevice
        try p.run()
        return p
    }

    // MARK: The pipeline in-process (issue 14)

    /// How tests run checks through `Pipeline`: the built binary is only what the fixture
    /// stand-ins exec.
    static var settings: RunSettings { RunSettings(jobs: 2, executable: binary.path) }

    /// The exit status the command line gives these diagnostics and verdicts: its own decision
    /// (`ExitStatus`, contract §8), so a test that moved off the binary asserts the same number.
    static func exitStatus(_ diagnostics: [Diagnostic], strict: Bool = false, anyFailure: Bool = false) -> Int32 {
        ExitStatus.code(diagnostics: diagnostics, strict: strict, anyFailure: anyFailure).rawValue
    }

    /// The usage error `body` throws (the command line prints it and exits 2); fails the test
    /// when it throws nothing or something else.
    static func usageError<T>(_ body: () throws -> T, file: StaticString = #filePath, line: UInt = #line) -> PipelineError? {
        do {
            _ = try body()
            XCTFail("no error thrown", file: file, line: line)
        } catch let error as PipelineError {
            XCTAssertTrue(error.isUsage, "\(error)", file: file, line: line)
            return error
        } catch {
            XCTFail("not a PipelineError: \(error)", file: file, line: line)
        }
        return nil
    }

    /// What the command line would print for the error `body` throws, before exiting 2 (every
    /// error does: Main.swift); nil when nothing is thrown.
    static func errorText<T>(_ body: () throws -> T) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as PipelineError {
            return error.printed
        } catch {
            return OpsbookCommand.message(for: error)
        }
    }

    /// What the command line prints on stderr and the status it exits with, for a pipeline call
    /// that returns diagnostics (and verdicts) or throws.
    struct Said { var status: Int32; var stderr: String }

    /// `opsbook check [--target targets]` run in `root`, through the library.
    static func check(_ root: URL, targets: String? = nil) -> Said {
        said { let o = try Pipeline.check(root: root, targets: targets, options: .init(run: settings, base: root))
            return (o.diagnostics, o.anyFailure) }
    }

    /// `opsbook lint [--strict]` run in `root`, through the library.
    static func lint(_ root: URL, strict: Bool = false) -> Said {
        said(strict: strict) { (try Pipeline.lint(root: root).diagnostics, false) }
    }

    static func said(strict: Bool = false, _ body: () throws -> ([Diagnostic], Bool)) -> Said {
        do {
            let (diagnostics, anyFailure) = try body()
            return Said(status: exitStatus(diagnostics, strict: strict, anyFailure: anyFailure), stderr: diagnostics.printed)
        } catch {
            return Said(status: 2, stderr: errorText { () -> Int in throw error } ?? "")
        }
    }

    /// Compares with a golden file; `OPSBOOK_RERECORD=1` writes it instead. A missing golden fails.
    static func assertGolden(_ actual: String, _ golden: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        if rerecord {
            try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: golden)
            return
        }
        guard let expected = try? String(contentsOf: golden, encoding: .utf8) else {
            XCTFail("missing golden file \(golden.path); run with OPSBOOK_RERECORD=1 to create it", file: file, line: line)
            return
        }
        XCTAssertEqual(actual, expected, "differs from \(golden.lastPathComponent)", file: file, line: line)
    }
}

nonisolated(unsafe) private var scratchPath: String?

extension PipelineError {
    /// What the command line prints for it on stderr: the diagnostics, then the message.
    var printed: String { (diagnostics.map(\.gccStyle) + [message]).joined(separator: "\n") }
}

extension Array where Element == Diagnostic {
    /// The diagnostics as the command line prints them, one a line.
    var printed: String { map(\.gccStyle).joined(separator: "\n") }
}

extension Array where Element == Diagnostic {
    func codes(_ severity: Diagnostic.Severity? = nil) -> [String] {
        filter { severity == nil || $0.severity == severity }.map(\.code)
    }
}

/// Reads a pipe to its end on another thread.
final class ErrorPipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// A seeded random generator (SplitMix64) for the generated-input tests, so a failure reproduces.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}
