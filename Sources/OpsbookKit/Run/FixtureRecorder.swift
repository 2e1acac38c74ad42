import Foundation

/// The recording side of fixtures: what `opsbook fixture-record PROGRAM ARGS…` does when a check
/// calls a recorded program during `opsbook record`, and how the calls become fixture files.
public enum FixtureRecorder {
    /// Runs the real program (found on `realPath`, never the stand-in), passes its output through
    /// and appends the call to `log` as one JSON line.
    /// The log line is redacted before it is written: an interrupted recording leaves no secret
    /// on disk.
    public static func record(argv: [String], stdin: Data, check: String, realPath: String, kubeContext: String?,
                              log: URL, redactor: Redactor) -> Int32 {
        guard let program = argv.first,
              let real = Shell.find(program, onPath: realPath) else {
            FileHandle.standardError.write(Data("opsbook: \(argv.first ?? "?"): not found on PATH\n".utf8))
            return 127
        }
        var args = Array(argv.dropFirst())
        if program == "kubectl", let kubeContext { args = ["--context", kubeContext] + args }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: real)
        p.arguments = args
        let input = Pipe(), out = Pipe(), err = Pipe()
        p.standardInput = input
        p.standardOutput = out
        p.standardError = err
        do { try p.run() } catch {
            FileHandle.standardError.write(Data("opsbook: cannot run \(real): \(error)\n".utf8))
            return 126
        }
        // Feed stdin and drain both pipes at once so neither side can block the other: stdin and
        // stderr on threads of their own, stdout here. This is the stand-in process's synchronous
        // `main`, no async code, so waiting for the two blocks here is fine.
        let group = DispatchGroup()
        let stderrBox = Captured()
        // A program that does not read its input closes the pipe: that is EPIPE, not a crash.
        signal(SIGPIPE, SIG_IGN)
        DispatchQueue.global().async(group: group) {
            try? input.fileHandleForWriting.write(contentsOf: stdin)
            try? input.fileHandleForWriting.close()
        }
        DispatchQueue.global().async(group: group) { stderrBox.set(err.fileHandleForReading.readDataToEndOfFile()) }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let stderr = stderrBox.data
        p.waitUntilExit()
        FileHandle.standardOutput.write(stdout)
        FileHandle.standardError.write(stderr)
        let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        let call = redacted(FixtureCall(call: argv, check: check, stdin: stdin.isEmpty ? nil : String(decoding: stdin, as: UTF8.self),
                                        exit: Int(status), stdout: String(decoding: stdout, as: UTF8.self),
                                        stderr: String(decoding: stderr, as: UTF8.self)), by: redactor)
        if var line = try? JSONEncoder().encode(call) {
            line.append(0x0A)
            append(line, to: log)
        }
        return status
    }

    /// The calls one check made, in order.
    public static func calls(in log: URL) -> [FixtureCall] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(FixtureCall.self, from: Data($0.utf8)) }
    }

    /// Writes one file per check that made recorded calls: `<into>/<check-id>.yaml`. Output is
    /// redacted first: a fixture must never hold a secret.
    public static func write(_ callsByCheck: [(id: String, calls: [FixtureCall])], into dir: URL, redactor: Redactor,
                             header: String) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (id, calls) in callsByCheck where !calls.isEmpty {
            let text = "# \(header)\n" + FixtureYAML.emit(calls.map { redacted($0, by: redactor) })
            try Data(text.utf8).write(to: dir.appendingPathComponent("\(id).yaml"))
        }
    }

    /// Arguments and stdin as well as output (contract §5).
    static func redacted(_ call: FixtureCall, by redactor: Redactor) -> FixtureCall {
        var c = call
        c.call = redactor.redactArguments(c.call)
        c.stdout = redactor.redact(c.stdout)
        c.stderr = redactor.redact(c.stderr)
        c.stdin = c.stdin.map { redactor.redact($0) }
        return c
    }

    /// The redactor of a recording stand-in: built-in kinds, `checks/redact.yaml` and the
    /// values of the target's `env` named in `OPSBOOK_SECRET_ENV`.
    public static func standInRedactor(environment env: [String: String]) -> Redactor {
        let base = env["OPSBOOK_ROOT"].map { ChecksFolder(root: URL(fileURLWithPath: $0)).loadRedactor().0 } ?? Redactor()
        let names = (env["OPSBOOK_SECRET_ENV"] ?? "").split(separator: ",").map(String.init)
        return base.hiding(secretsOf: env.filter { names.contains($0.key) })
    }

    private static func append(_ data: Data, to url: URL) {
        // O_APPEND keeps lines whole when several calls of one check write at once.
        let fd = open(url.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard fd >= 0 else { return }
        data.withUnsafeBytes { _ = Foundation.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}

/// Bytes one thread reads and another takes once it is done.
private final class Captured: Sendable {
    private let bytes = Locked(Data())
    func set(_ data: Data) { bytes.withLock { $0 = data } }
    var data: Data { bytes.withLock { $0 } }
}

/// Writes fixture calls as plain, hand-editable YAML: multi-line output as block literals.
enum FixtureYAML {
    static func emit(_ calls: [FixtureCall]) -> String {
        var out = ""
        for c in calls {
            out += "- call: [" + c.call.map(quoted).joined(separator: ", ") + "]\n"
            if let check = c.check { out += "  check: \(quoted(check))\n" }
            if let stdin = c.stdin { out += "  stdin: " + scalar(stdin) }
            if c.exit != 0 { out += "  exit: \(c.exit)\n" }
            out += "  stdout: " + scalar(c.stdout)
            if !c.stderr.isEmpty { out += "  stderr: " + scalar(c.stderr) }
        }
        return out
    }

    /// A block literal when the text reads well as one, else a double-quoted (JSON) string.
    static func scalar(_ text: String) -> String {
        let printable = !text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || $0.value == 0x7F || $0.value == 0xFEFF }
        guard !text.isEmpty, text.contains("\n"), printable, !text.hasPrefix(" "), !text.hasPrefix("\t"),
              !text.hasPrefix("\n") else { return quoted(text) + "\n" }
        let chomp = text.hasSuffix("\n\n") ? "+" : text.hasSuffix("\n") ? "" : "-"
        var body = text
        if body.hasSuffix("\n") { body.removeLast() }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "    " + $0 }
        return "|\(chomp)\n" + lines.joined(separator: "\n") + "\n"
    }

    static func quoted(_ s: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(s)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
