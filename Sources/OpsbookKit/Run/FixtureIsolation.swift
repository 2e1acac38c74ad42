import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Keeps a fixture check from reaching a real system (contract §5, docs/security.md).
///
/// Putting stand-ins first on PATH is not enough: `/usr/bin/kubectl`, `PATH=/usr/bin; kubectl`,
/// `env -i … kubectl` and `command -p kubectl` all find the real program. So on Linux each
/// fixture check runs in its own mount and network namespace: every copy of a recorded program
/// found on this machine is bind-mounted over by its stand-in (whatever path or PATH the check
/// uses, it gets the replay) and there is no network (a copy we did not find reaches nothing).
/// On top of that the environment is poisoned (`KUBECONFIG`, `ETCDCTL_*`, `PG*`, proxies…
/// point at nothing), whether or not namespaces could be made.
public enum FixtureIsolation {
    /// How the checks of one run are isolated, decided once per run by `probe`.
    public enum Mode: Sendable, Equatable {
        /// `unshare` with these flags, then `opsbook fixture-sandbox` mounts the stand-ins.
        case namespaces(unshare: String, flags: [String])
        /// No namespace could be made; why, for the warning.
        case environmentOnly(reason: String)
    }

    /// Exit status of `fixture-sandbox` when it could not set a namespace up; the check errors.
    public static let sandboxFailedStatus: Int32 = 96

    /// Root gets plain mount and network namespaces; anyone else a user namespace first (if the
    /// kernel allows it), keeping their own uid so `id -u` in a check reads the same.
    static let candidateFlags: [[String]] = [
        ["--mount", "--net", "--propagation", "private"],
        ["--user", "--map-current-user", "--keep-caps", "--mount", "--net", "--propagation", "private"],
        // util-linux before 2.38 has no --map-current-user: the check then sees uid 0.
        ["--user", "--map-root-user", "--mount", "--net", "--propagation", "private"],
    ]

    /// Tries each way of making namespaces with the real sandbox (mounting `binds`) running
    /// `/bin/true`; the first that works is the run's mode.
    static func probe(executable: String?, bindsFile: URL, callerPath: String) -> Mode {
        #if os(Linux)
        guard let exe = executable else { return .environmentOnly(reason: "opsbook's own executable is unknown") }
        guard let unshare = Shell.find("unshare", onPath: callerPath + ":/usr/bin:/bin:/usr/sbin:/sbin") else {
            return .environmentOnly(reason: "`unshare` (util-linux) is not installed")
        }
        var last = ""
        for flags in candidateFlags {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: unshare)
            p.arguments = flags + ["--", exe, "fixture-sandbox", bindsFile.path, "/bin/sh", "-c", "exit 0"]
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            p.standardInput = FileHandle.nullDevice
            do { try p.run() } catch { last = "\(error)"; continue }
            let message = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            if p.terminationStatus == 0 { return .namespaces(unshare: unshare, flags: flags) }
            last = String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return .environmentOnly(reason: "namespaces are not available here (\(last.isEmpty ? "unshare failed" : last))")
        #else
        return .environmentOnly(reason: "mount namespaces exist only on Linux")
        #endif
    }

    /// The shell command line of a check under `mode`.
    static func wrap(_ mode: Mode, executable: String?, bindsFile: URL, shell: String,
                     arguments: [String]) -> (executable: String, arguments: [String]) {
        guard case .namespaces(let unshare, let flags) = mode, let exe = executable else { return (shell, arguments) }
        // Without --fork, unshare execs in place: the check's pid and process group stay the ones
        // ShellProcess spawned and kills.
        return (unshare, flags + ["--", exe, "fixture-sandbox", bindsFile.path, shell] + arguments)
    }

    // MARK: Finding the real programs

    /// Folders searched for copies of recorded programs besides the caller's PATH.
    static func searchFolders(callerPath: String, home: String?) -> [String] {
        var folders = callerPath.split(separator: ":").map(String.init)
        folders += ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/snap/bin",
                    "/opt/homebrew/bin", "/usr/lib/postgresql"]
        if let home { folders += ["\(home)/bin", "\(home)/.local/bin", "\(home)/go/bin", "\(home)/.krew/bin"] }
        return folders.filter { $0.hasPrefix("/") }
    }

    /// Every copy of each recorded program in `folders`, symlinks resolved, as (stand-in, real) pairs.
    static func binds(programs: [String], folders: [String], standIns: URL) -> [(standIn: String, real: String)] {
        var seen: Set<String> = []
        var pairs: [(String, String)] = []
        for program in programs where !program.contains("/") {
            let standIn = standIns.appendingPathComponent(program).path
            for folder in folders {
                let candidate = "\(folder)/\(program)"
                guard FileManager.default.isExecutableFile(atPath: candidate),
                      let real = realPath(candidate), !real.hasPrefix(standIns.path + "/"),
                      seen.insert(real).inserted else { continue }
                pairs.append((standIn, real))
            }
        }
        return pairs
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `stand-in TAB real` per line, read by `fixture-sandbox`.
    static func writeBinds(_ pairs: [(standIn: String, real: String)], to url: URL) throws {
        let text = pairs.map { "\($0.standIn)\t\($0.real)\n" }.joined()
        try PlainFile.write(text, to: url, exclusive: true, mode: 0o600)
    }

    // MARK: Inside the namespace

    /// What `opsbook fixture-sandbox BINDS PROGRAM ARGS…` does, already inside fresh namespaces:
    /// mounts every stand-in over its real program, drops the capabilities the user namespace
    /// gave, and becomes the check's shell. Returns only on failure, with the reason.
    public static func enterSandbox(bindsFile: String, command: [String]) -> String {
        #if os(Linux)
        guard let text = try? String(contentsOfFile: bindsFile, encoding: .utf8) else { return "cannot read \(bindsFile)" }
        if let problem = mountCheckState(bindsFile: bindsFile) { return problem }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return "malformed line in \(bindsFile)" }
            if mount(parts[0], parts[1], nil, UInt(MS_BIND), nil) != 0 {
                return "cannot mount the stand-in over \(parts[1]): \(String(cString: strerror(errno)))"
            }
        }
        // PR_CAP_AMBIENT (47), PR_CAP_AMBIENT_CLEAR_ALL (4): the check runs without the
        // capabilities `--keep-caps` lent us for mounting.
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") {
            typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
            _ = unsafeBitCast(symbol, to: Prctl.self)(47, 4, 0, 0, 0)
        }
        guard let program = command.first else { return "no command to run" }
        let argv = command.map { strdup($0) } + [nil]
        execv(program, argv)
        return "cannot run \(program): \(String(cString: strerror(errno)))"
        #else
        return "fixture isolation needs Linux"
        #endif
    }

    /// The folder every stand-in falls back to when `env -i` took `OPSBOOK_REPLAY_STATE` away.
    /// Inside a check's namespace it is that check's state folder (mounted over it), so a call
    /// made under `env -i` is still counted and a missing recording still errors the check.
    static func currentCheckFolder(workspace base: URL) -> URL { base.appendingPathComponent("current-check") }

    #if os(Linux)
    private static func mountCheckState(bindsFile: String) -> String? {
        let env = ProcessInfo.processInfo.environment
        guard let state = env["OPSBOOK_REPLAY_STATE"] else { return nil }
        if let id = env["OPSBOOK_CHECK_ID"] {
            try? PlainFile.write(id, to: URL(fileURLWithPath: state).appendingPathComponent("check-id"))
        }
        let current = currentCheckFolder(workspace: URL(fileURLWithPath: bindsFile).deletingLastPathComponent()).path
        guard mount(state, current, nil, UInt(MS_BIND), nil) == 0 else {
            return "cannot mount the check's state folder: \(String(cString: strerror(errno)))"
        }
        return nil
    }
    #endif

    /// A stand-in: the replay's own paths are baked in as defaults, so `env -i` cannot make it
    /// lose track of the fixtures or of the check it belongs to.
    static func standInScript(executable: String, program: String, index: URL, workspace base: URL) -> String {
        let state = currentCheckFolder(workspace: base).path
        return "#!/bin/sh\n"
            + ": ${OPSBOOK_FIXTURE_INDEX:=\(Shell.quote(index.path))} ${OPSBOOK_REPLAY_STATE:=\(Shell.quote(state))}\n"
            + "export OPSBOOK_FIXTURE_INDEX OPSBOOK_REPLAY_STATE\n"
            + "exec \(Shell.quote(executable)) fixture-replay \(Shell.quote(program)) \"$@\"\n"
    }

    // MARK: The environment

    /// Variables removed from a fixture check's environment: credentials and connection settings
    /// a real program would follow (prefixes end in `_`).
    static let removedPrefixes = ["ETCDCTL_", "REDISCLI_", "HELM_", "AWS_", "K3S_", "KUBE", "AZURE_", "GOOGLE_",
                                  "CLOUDSDK_", "DOCKER_", "SSH_", "VAULT_", "GITHUB_TOKEN", "GITLAB_TOKEN", "CI_JOB_TOKEN"]
    static let removedNames: Set<String> = ["PGPASSWORD", "PGUSER", "PGDATABASE", "PGSERVICE", "PGSSLCERT", "PGSSLKEY",
                                            "NO_PROXY", "no_proxy", "CONTAINER_HOST"]

    /// Where a real program that slipped through would connect: port 9 (discard) on loopback,
    /// which refuses, and in a network namespace does not even exist.
    static let nowhere = "127.0.0.1:9"

    /// Points every connection setting of a fixture check at nowhere and `HOME` at an empty
    /// folder (no `~/.kube/config`, `~/.pgpass`, `~/.netrc`, `~/.docker/config.json`).
    static func poison(_ env: inout [String: String], home: URL) {
        for key in env.keys where removedNames.contains(key) || removedPrefixes.contains(where: key.hasPrefix) {
            env[key] = nil
        }
        let kubeconfig = home.appendingPathComponent(".kube/config")
        env["HOME"] = home.path
        env["XDG_CONFIG_HOME"] = home.appendingPathComponent(".config").path
        env["KUBECONFIG"] = kubeconfig.path
        env["ETCDCTL_ENDPOINTS"] = "http://\(nowhere)"
        env["PGHOST"] = "127.0.0.1"
        env["PGPORT"] = "9"
        env["PGPASSFILE"] = "/dev/null"
        env["PGSERVICEFILE"] = "/dev/null"
        env["DOCKER_HOST"] = "tcp://\(nowhere)"
        env["CURL_HOME"] = home.path
        for proxy in ["http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"] {
            env[proxy] = "http://\(nowhere)"
        }
    }

    /// The empty home of a fixture run, with a kubeconfig whose only cluster is nowhere.
    static func makeHome(at home: URL) throws {
        let kube = home.appendingPathComponent(".kube")
        try FileManager.default.createDirectory(at: kube, withIntermediateDirectories: true)
        let config = """
            apiVersion: v1
            kind: Config
            clusters: [{name: nowhere, cluster: {server: "https://\(nowhere)"}}]
            contexts: [{name: nowhere, context: {cluster: nowhere, user: nobody}}]
            users: [{name: nobody, user: {}}]
            current-context: nowhere

            """
        try PlainFile.write(config, to: kube.appendingPathComponent("config"), exclusive: true, mode: 0o600)
    }
}

/// The isolation of one fixture run: made once in the run's workspace, used by every check.
struct FixtureSandbox: Sendable {
    let mode: FixtureIsolation.Mode
    let executable: String?
    let bindsFile: URL
    let home: URL

    /// Finds the real programs, writes the bind list and the empty home, and probes namespaces.
    init(workspace base: URL, standIns: URL, target: RunTarget, executable: String?, callerPath: String,
         callerHome: String?, namespacesOff: Bool = false) throws {
        self.executable = executable
        bindsFile = base.appendingPathComponent("binds.tsv")
        home = base.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: FixtureIsolation.currentCheckFolder(workspace: base), withIntermediateDirectories: true)
        try FixtureIsolation.makeHome(at: home)
        let folders = FixtureIsolation.searchFolders(callerPath: callerPath, home: callerHome)
        try FixtureIsolation.writeBinds(FixtureIsolation.binds(programs: target.recorded, folders: folders, standIns: standIns),
                                        to: bindsFile)
        mode = namespacesOff ? .environmentOnly(reason: "OPSBOOK_NO_NAMESPACES=1 is set")
            : FixtureIsolation.probe(executable: executable, bindsFile: bindsFile, callerPath: callerPath)
    }

    /// Said once per run when namespaces could not be made: never a silent fallback.
    var warning: Diagnostic? {
        guard case .environmentOnly(let reason) = mode else { return nil }
        return .warning("fixtures.not-isolated",
                        "fixture checks run without namespace isolation: \(reason). A check that calls a recorded program by absolute path or after resetting PATH could reach the real program; its environment still points every connection at nothing",
                        at: nil)
    }

    /// Without namespaces, a check that would skip the stand-ins is not run: `errored`, never a
    /// call to the real program.
    func refusal(_ check: CheckBlock, recorded: [String]) -> String? {
        guard case .environmentOnly = mode,
              let hit = check.commands.bypasses(recorded: Set(recorded)).first else { return nil }
        return "not run: `\(hit.command)` \(hit.why), and fixture checks cannot be isolated on this machine (see warning fixtures.not-isolated)"
    }

    func wrap(shell: String, arguments: [String]) -> (executable: String, arguments: [String]) {
        FixtureIsolation.wrap(mode, executable: executable, bindsFile: bindsFile, shell: shell, arguments: arguments)
    }

    func poison(_ env: inout [String: String]) { FixtureIsolation.poison(&env, home: home) }
}
