import Foundation

/// The temporary folder of one run: stand-ins for recorded programs (replay or record), per-check
/// replay state, scripts, and a fresh empty working folder per attempt. Removed at the end.
/// Shared by the checks running side by side: every stored property is a constant of a Sendable
/// type, so the compiler checks that; the files inside are per check (names carry the id and a
/// fresh suffix).
final class Workspace: Sendable {
    let base: URL
    let bin: URL
    /// PATH the checks see: the stand-ins first.
    let path: String
    /// Namespaces and a poisoned environment for a fixture target (FixtureIsolation.swift).
    let sandbox: FixtureSandbox?
    private let runner: CheckRunner

    init(runner: CheckRunner) throws {
        self.runner = runner
        base = try Workspace.makeTemporaryFolder(prefix: "opsbook-run")
        // An interrupt removes it (recorded calls in it are not yet redacted).
        TemporaryFolders.register(base)
        bin = base.appendingPathComponent("bin")
        let fm = FileManager.default
        for sub in ["bin", "scripts", "state", "work"] {
            try fm.createDirectory(at: base.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let callerPath = runner.baseEnvironment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        path = bin.path + ":" + callerPath
        try Self.writeStandIns(runner: runner, bin: bin, fixtureIndex: base.appendingPathComponent(Self.fixtureIndexName),
                               workspace: base, callerPath: callerPath)
        if runner.target.isReplay && runner.mode == .run {
            sandbox = try FixtureSandbox(workspace: base, standIns: bin, target: runner.target, executable: runner.executable,
                                         callerPath: callerPath, callerHome: runner.baseEnvironment["HOME"],
                                         namespacesOff: runner.baseEnvironment["OPSBOOK_NO_NAMESPACES"] == "1")
            if let warning = sandbox?.warning { runner.warn(warning) }
        } else {
            sandbox = nil
        }
    }

    /// The fixture set as JSON, read by every stand-in call (faster than re-reading the YAML).
    var fixtureIndex: URL { base.appendingPathComponent(Self.fixtureIndexName) }
    private static let fixtureIndexName = "fixtures.json"

    func remove() {
        try? FileManager.default.removeItem(at: base)
        TemporaryFolders.unregister(base)
    }

    /// A fresh state folder per check; the replay stand-ins count calls in it so repeated calls
    /// replay in order across retries, and note any call that had no fixture.
    /// Created only where stand-ins need it (replay, record); a live run skips the mkdir.
    func stateFolder(for id: String) -> URL {
        let dir = base.appendingPathComponent("state").appendingPathComponent(id)
        if runner.target.isReplay || runner.mode == .record {
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        return dir
    }

    func recordLog(for id: String) -> URL {
        stateFolder(for: id).appendingPathComponent("recorded.jsonl")
    }

    /// The caller's PATH, without the stand-ins: where recording finds the real programs.
    var callerPath: String { runner.baseEnvironment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin" }

    func newWorkingFolder(for id: String) throws -> URL {
        let dir = base.appendingPathComponent("work").appendingPathComponent("\(id)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: false)
        return dir
    }

    func writeScript(_ text: String, for id: String) throws -> URL {
        let url = base.appendingPathComponent("scripts").appendingPathComponent("\(id)-\(UUID().uuidString.prefix(8)).sh")
        try PlainFile.write(text, to: url, exclusive: true, mode: 0o600)
        return url
    }

    /// The shell's absolute path, found once: `posix_spawnp` would walk PATH for every check.
    func shellPath(_ shell: CheckAttributes.Shell) -> String {
        Shell.find(shell.rawValue, onPath: callerPath) ?? shell.rawValue
    }

    private static func writeStandIns(runner: CheckRunner, bin: URL, fixtureIndex: URL, workspace base: URL,
                                      callerPath: String) throws {
        let target = runner.target
        if runner.mode == .record, let exe = runner.executable {
            for program in target.recorded {
                try writeExecutable(bin.appendingPathComponent(program),
                                    "#!/bin/sh\nexec \(Shell.quote(exe)) fixture-record \(Shell.quote(program)) \"$@\"\n")
            }
        } else if target.isReplay {
            guard let exe = runner.executable else { return }
            let index = try JSONEncoder().encode(runner.fixtures ?? FixtureSet(folders: []))
            try index.write(to: fixtureIndex)
            for program in target.recorded {
                try writeExecutable(bin.appendingPathComponent(program),
                                    FixtureIsolation.standInScript(executable: exe, program: program, index: fixtureIndex, workspace: base))
            }
        } else if let context = target.kubeContext,
                  let real = Shell.find("kubectl", onPath: callerPath) {
            // Every kubectl call uses the target's context without the author writing --context,
            // and without touching the user's kubeconfig.
            try writeExecutable(bin.appendingPathComponent("kubectl"),
                                "#!/bin/sh\nexec \(Shell.quote(real)) --context \(Shell.quote(context)) \"$@\"\n")
        }
    }

    private static func writeExecutable(_ url: URL, _ text: String) throws {
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    static func makeTemporaryFolder(prefix: String) throws -> URL {
        var template = Array((NSTemporaryDirectory() + "/\(prefix)-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ShellProcess.SpawnError(description: "cannot create a temporary folder: \(String(cString: strerror(errno)))")
        }
        return URL(fileURLWithPath: String(cString: made))
    }
}

enum Shell {
    /// The first executable `program` on a colon-separated PATH.
    static func find(_ program: String, onPath path: String) -> String? {
        path.split(separator: ":").map { "\($0)/\(program)" }.first(where: FileManager.default.isExecutableFile)
    }

    /// Single-quotes a word for sh.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
