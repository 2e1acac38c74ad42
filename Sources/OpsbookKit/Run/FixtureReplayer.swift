import Foundation
import Yams

/// One recorded call of a recorded program (docs/fixtures.md).
public struct FixtureCall: Codable, Hashable, Sendable {
    /// Program and arguments, exactly.
    public var call: [String]
    public var check: String?
    public var stdin: String?
    public var exit: Int
    public var stdout: String
    public var stderr: String

    public init(call: [String], check: String? = nil, stdin: String? = nil, exit: Int = 0, stdout: String = "", stderr: String = "") {
        self.call = call
        self.check = check
        self.stdin = stdin
        self.exit = exit
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// The calls of a fixture target, folder by folder in priority order.
public struct FixtureSet: Codable, Sendable {
    public var folders: [[FixtureCall]]
    /// Where entries name a check (`check:`); not part of the index the stand-ins read.
    public var checkReferences: [CheckReference] = []

    public struct CheckReference: Sendable {
        public var id: String
        public var position: SourcePosition
    }

    private enum CodingKeys: String, CodingKey { case folders }

    public init(folders: [[FixtureCall]]) { self.folders = folders }

    /// Reads every `*.yaml` under each folder (in path order). A missing folder or a malformed
    /// entry is an error with its position: a fixture target must never replay by accident.
    /// `positions` (absolute folder → where targets.yaml names it) places folder errors.
    public static func load(folders: [String], root: URL,
                            positions: [String: SourcePosition] = [:]) -> (FixtureSet, [Diagnostic]) {
        var problems: [Diagnostic] = []
        var set = FixtureSet(folders: [])
        for folder in folders {
            let dir = URL(fileURLWithPath: folder, relativeTo: root).standardizedFileURL
            var isDir: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir)
            guard exists, isDir.boolValue else {
                let what = exists ? "is a file, not a folder" : "does not exist"
                problems.append(.error("fixtures.missing-folder", "fixture folder \(relativePath(dir, root: root)) \(what)",
                                       at: positions[dir.path] ?? positions[folder]))
                set.folders.append([])
                continue
            }
            var calls: [FixtureCall] = []
            for file in yamlFiles(in: dir) {
                let relative = relativePath(file, root: root)
                let text: String
                switch YAMLFile.readConfig(file, path: relative) {
                case .success(let t?): text = t
                case .success(nil): text = ""
                case .failure(let d):
                    problems.append(d)
                    continue
                }
                let (fileCalls, fileProblems, references) = parseWithReferences(text, path: relative)
                calls += fileCalls
                problems += fileProblems
                set.checkReferences += references
            }
            set.folders.append(calls)
        }
        return (set, problems)
    }

    static func yamlFiles(in dir: URL) -> [URL] {
        let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = e?.nextObject() as? URL {
            if url.pathExtension == "yaml" || url.pathExtension == "yml" { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }

    static func relativePath(_ url: URL, root: URL) -> String {
        let r = root.standardizedFileURL.path + "/"
        let p = url.standardizedFileURL.path
        return p.hasPrefix(r) ? String(p.dropFirst(r.count)) : p
    }

    static func parse(_ text: String, path: String) -> ([FixtureCall], [Diagnostic]) {
        let (calls, problems, _) = parseWithReferences(text, path: path)
        return (calls, problems)
    }

    /// Also where each entry's `check:` is, so an id no check block has can be warned about.
    static func parseWithReferences(_ text: String, path: String) -> ([FixtureCall], [Diagnostic], [CheckReference]) {
        let file = YAMLFile(path: path)
        let seq: [Node]
        switch file.list(text, code: "fixtures.shape", shape: "a fixture file is a list of calls (`- call: [...]`)") {
        case .failure(let d): return ([], [d], [])
        case .success(let items): seq = items
        }
        var calls: [FixtureCall] = []
        var problems: [Diagnostic] = []
        var references: [CheckReference] = []
        for item in seq {
            switch entry(item, file: file) {
            case .success(let c):
                calls.append(c)
                if let id = c.check, case .mapping(let map) = item,
                   let node = map.first(where: { $0.key.string == "check" })?.value {
                    references.append(CheckReference(id: id, position: file.position(node)))
                }
            case .failure(let d): problems.append(d)
            }
        }
        return (calls, problems, references)
    }

    /// Warnings for fixture entries scoped to a check id that no check block has: such an entry
    /// is never replayed, which is most likely a renamed check.
    public func unknownCheckWarnings(knownIDs: Set<String>) -> [Diagnostic] {
        checkReferences.filter { !knownIDs.contains($0.id) }.map {
            .warning("fixtures.unknown-check", "fixture entry for check `\($0.id)`, which no check block has; it is never replayed",
                     at: $0.position)
        }
    }

    private static func entry(_ node: Node, file: YAMLFile) -> Result<FixtureCall, Diagnostic> {
        guard case .mapping(let map) = node else {
            return .failure(.error("fixtures.shape", "each fixture entry is a mapping with `call:`", at: file.position(node)))
        }
        var call = FixtureCall(call: [])
        for (k, v) in map {
            let key = k.string ?? ""
            switch key {
            case "call":
                guard case .success(let words) = file.strings(v, key), !words.isEmpty else {
                    return .failure(.error("fixtures.call", "`call` must be a non-empty list: the program and its arguments", at: file.position(v)))
                }
                call.call = words
            case "check": call.check = v.string
            case "stdin": call.stdin = v.string
            case "stdout": call.stdout = v.string ?? ""
            case "stderr": call.stderr = v.string ?? ""
            case "exit":
                guard case .success(let n) = file.int(v, key) else { return .failure(file.typeError(v, key, "a whole number")) }
                call.exit = n
            default:
                return .failure(.error("fixtures.key", "unknown fixture key `\(key)`; known: call, check, stdin, exit, stdout, stderr", at: file.position(k)))
            }
        }
        if call.call.isEmpty {
            return .failure(.error("fixtures.call", "fixture entry has no `call:`", at: file.position(node)))
        }
        return .success(call)
    }
}

/// The stand-in side of replay: what `opsbook fixture-replay PROGRAM ARGS…` does when a check
/// calls a recorded program on a fixture target.
public enum FixtureReplayer {
    public struct Reply { public var stdout: String; public var stderr: String; public var exit: Int32 }

    /// Exit status of a call with no recording; the check is also marked errored through the
    /// state folder, so `kubectl … || echo ok` cannot turn a missing fixture into a pass.
    public static let missingStatus: Int32 = 97

    public static func reply(to argv: [String], stdin: String, check: String, fixtures: FixtureSet, state: URL) -> Reply {
        // Recordings hold redacted arguments and stdin: a live call matches its redacted form too.
        let redactor = Redactor()
        let hiddenArgv = redactor.redactArguments(argv), hiddenStdin = redactor.redact(stdin)
        for folder in fixtures.folders {
            let matching = folder.filter {
                ($0.call == argv && ($0.stdin ?? "") == stdin || $0.call == hiddenArgv && ($0.stdin ?? "") == hiddenStdin)
                    && ($0.check == nil || $0.check == check)
            }
            guard !matching.isEmpty else { continue }
            let scoped = matching.filter { $0.check != nil }
            let candidates = scoped.isEmpty ? matching : scoped
            let n = nextIndex(for: argv, stdin: stdin, state: state)
            let entry = candidates[min(n, candidates.count - 1)]
            return Reply(stdout: entry.stdout, stderr: entry.stderr, exit: Int32(truncatingIfNeeded: entry.exit))
        }
        let line = argv.map(displayWord).joined(separator: " ")
        appendLine(line, to: state.appendingPathComponent("missing"))
        return Reply(stdout: "", stderr: "opsbook: no fixture for: \(line)\n", exit: missingStatus)
    }

    /// Calls that had no recording during a check's run, in order.
    public static func missingCalls(in state: URL) -> [String]? {
        guard let text = try? String(contentsOf: state.appendingPathComponent("missing"), encoding: .utf8) else { return nil }
        return text.split(separator: "\n").map(String.init)
    }

    /// Why a fixture check must be `errored` whatever its exit status: calls with no recording,
    /// and a sandbox that could not be made. Nil when nothing went wrong.
    public static func errors(in state: URL) -> String? {
        var lines = (missingCalls(in: state) ?? []).map { "no fixture for: \($0)" }
        if let text = try? String(contentsOf: state.appendingPathComponent("problems"), encoding: .utf8) {
            lines += text.split(separator: "\n").map(String.init)
        }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    /// The check a state folder belongs to, for a stand-in called under `env -i`.
    public static func checkID(in state: String) -> String {
        (try? String(contentsOfFile: state + "/check-id", encoding: .utf8)) ?? ""
    }

    /// Notes a problem of the replay machinery itself (see `errors(in:)`).
    public static func noteProblem(_ line: String, state: String?) {
        guard let state else { return }
        appendLine(line, to: URL(fileURLWithPath: state).appendingPathComponent("problems"))
    }

    /// How many times this exact call was made before in this check's run (across retries).
    private static func nextIndex(for argv: [String], stdin: String, state: URL) -> Int {
        let key = fnv1a((argv + [stdin]).joined(separator: "\u{0}"))
        let file = state.appendingPathComponent("calls-\(key)")
        let n = (try? String(contentsOf: file, encoding: .utf8)).flatMap { Int($0) } ?? 0
        try? Data(String(n + 1).utf8).write(to: file, options: .atomic)
        return n
    }

    private static func appendLine(_ line: String, to url: URL) {
        if let handle = try? FileHandle(forWritingTo: url) {
            handle.seekToEndOfFile()
            handle.write(Data((line + "\n").utf8))
            try? handle.close()
        } else {
            try? Data((line + "\n").utf8).write(to: url)
        }
    }

    static func displayWord(_ w: String) -> String {
        w.isEmpty || w.contains(where: { " \t'\"$\\|&;<>()*?".contains($0) }) ? Shell.quote(w) : w
    }

    static func fnv1a(_ s: String) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        for b in s.utf8 { hash = (hash ^ UInt64(b)) &* 0x100000001b3 }
        return String(hash, radix: 16)
    }
}
