import Foundation

/// Contract §6: a check that changes state must say `mutates`; one that doesn't is not run.
/// A command built at run time cannot be judged: a warning that names its line.
struct UnmarkedMutation: LintRule {
    func check(_ handbook: Handbook) -> [Diagnostic] {
        handbook.checks.flatMap { block -> [Diagnostic] in
            let analysis = block.commands
            var out: [Diagnostic] = []
            if !block.attributes.isMutating, let hit = analysis.mutations.first {
                out.append(.error("check.unmarked-mutation", "`\(hit.command)` changes state, but this check is not marked `mutates`; it will not run",
                                  at: position(block, hit)))
            }
            if !block.attributes.isMutating {
                out += analysis.unknown.map {
                    .warning("check.command-built-at-run-time", "`\($0.command)`: the program is chosen at run time, so opsbook cannot tell whether it changes state; name the program, or mark the check `mutates`",
                             at: position(block, $0))
                }
            }
            out += analysis.bypasses.map {
                .warning("check.bypasses-fixtures", "`\($0.command)` \($0.why); on a fixture target it would skip the recorded answers: call the program by its name",
                         at: position(block, $0))
            }
            return out
        }
    }

    private func position(_ block: CheckBlock, _ hit: MutationDetector.Hit) -> SourcePosition {
        SourcePosition(path: block.page, line: block.firstBodyLine + hit.line, column: hit.column)
    }
}

/// Decides on shell words, not on spellings: each command of a block is split into words
/// (`ShellWords`), wrappers are seen through (`sudo`, `env`, `timeout`, `nice`, `xargs`,
/// `sh -c '…'`, `ssh host '…'`, `watch`, `command`, `exec`, `kubectl exec … --`), global flags
/// are skipped, and the program and its subcommand are compared with contract §6's list. It is
/// a safety net for honest mistakes, not a sandbox (docs/security.md).
public enum MutationDetector {
    public struct Hit: Hashable, Sendable {
        /// The command as it reads, up to the words that make it a mutation.
        public var command: String
        /// 0-based line in the block body, 1-based UTF-8 column.
        public var line: Int
        public var column: Int
        /// For a bypass: how the stand-ins are skipped.
        public var why = ""
    }

    public struct Analysis: Hashable, Sendable {
        /// Known state-changing commands, in order.
        public var mutations: [Hit] = []
        /// Commands whose program is only known at run time (`$k delete`, `$(…) x`, `eval "$x"`).
        public var unknown: [Hit] = []
        /// Calls that would skip fixture stand-ins on PATH: a recorded program by absolute path,
        /// after `PATH=` was changed, under `env -i`, or through `command -p`.
        public var bypasses: [Hit] = []
        /// Every call that would skip a stand-in if its program were recorded, whatever the
        /// recorded programs are: so a target that records other programs than the default
        /// (`bypasses(recorded:)`) needs no second analysis.
        public var pathSkips: [PathSkip] = []

        /// The bypasses for a target whose fixtures stand in for `recorded`.
        public func bypasses(recorded: Set<String>) -> [Hit] {
            pathSkips.filter { recorded.contains($0.program) }.map(\.hit)
        }
    }

    /// A call that skips whatever stands in for `program` on PATH.
    public struct PathSkip: Hashable, Sendable {
        public var program: String
        public var hit: Hit
    }

    /// Each check's analysis is made once, when the check is loaded (`CheckBlock.commands`).
    /// `recorded`: the programs fixtures stand in for (for `bypasses`).
    static func analyse(_ body: String, recorded: [String] = RunTarget.defaultRecorded) -> Analysis {
        var walker = CommandWalker(recorded: Set(recorded))
        for command in ShellWords.commands(in: scriptText(body)) { walker.visit(command.words, depth: 0) }
        return walker.analysis
    }

    /// In a transcript only `$ ` and `> ` lines are commands; expected output may say "deleted".
    /// Other lines become empty so line numbers stay those of the body.
    static func scriptText(_ body: String) -> String {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.contains(where: { $0.hasPrefix("$ ") }) else { return body }
        return lines.map { line in
            line.hasPrefix("$ ") || line.hasPrefix("> ") ? "  " + line.dropFirst(2) : ""
        }.joined(separator: "\n")
    }
}

/// Walks the simple commands of a block, resolving wrappers and variables, and collects hits.
struct CommandWalker {
    let recorded: Set<String>
    var analysis = MutationDetector.Analysis()
    /// `name=literal` assignments seen so far, to see through `k=kubectl; $k delete …`.
    var variables: [String: String] = [:]
    var pathWasReset = false

    init(recorded: Set<String>) { self.recorded = recorded }

    /// Words that start a compound command rather than name a program.
    static let keywords: Set<String> = ["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}",
                                        "time", "esac", "in"]
    /// Commands whose words are not run (`for x in a b`, `case x in`), or that only set variables.
    static let declarations: Set<String> = ["export", "local", "readonly", "declare", "typeset"]

    mutating func visit(_ input: [ShellWord], depth: Int) {
        guard depth < ShellWords.maxDepth else { return }
        var words = input[...]
        while let w = words.first, Self.keywords.contains(w.text), !w.isDynamic { words = words.dropFirst() }
        guard let head = words.first, !["for", "case", "select", "function"].contains(head.text) else { return }
        if Self.declarations.contains(head.text) { words = words.dropFirst(); remember(Array(words), alone: true); return }
        // Leading assignments: remembered when they stand alone (`k=kubectl`), `PATH=` noted either way.
        let assignments = words.prefix { assignment($0) != nil }
        remember(Array(assignments), alone: assignments.count == words.count)
        words = words.dropFirst(assignments.count)
        guard let first = words.first else { return }
        var resolved = Array(words)
        if let name = first.variable, let value = variables[name] {
            resolved = value.split(separator: " ").map { ShellWord(text: String($0), line: first.line, column: first.column) }
                + words.dropFirst()
            guard !resolved.isEmpty else { return }
        } else if first.isDynamic {
            record(\.unknown, resolved, upTo: min(resolved.count, 3))
            return
        }
        visitProgram(resolved, depth: depth)
    }

    private mutating func remember(_ words: [ShellWord], alone: Bool) {
        for w in words {
            guard let (name, value) = assignment(w) else { continue }
            if name == "PATH" { pathWasReset = true }
            if alone { variables[name] = w.isDynamic ? nil : value }
        }
    }

    /// Looks at the program word and either sees through a wrapper or judges the command.
    private mutating func visitProgram(_ words: [ShellWord], depth: Int) {
        let program = Self.basename(words[0].text)
        if words[0].text.contains("/") {
            bypass(words, program: program, "calls \(program) by its absolute path")
        } else if pathWasReset {
            bypass(words, program: program, "runs after PATH was changed")
        }
        let args = Array(words.dropFirst())
        if let inner = Wrappers.unwrap(program, args) {
            switch inner {
            case .command(let rest, let resetsPath):
                if resetsPath, let inner = rest.first {
                    bypass(rest, program: Self.basename(inner.text), "runs with a reset environment or PATH (\(program))")
                }
                if !rest.isEmpty { visit(rest, depth: depth + 1) }
            case .script(let text, let at):
                var nested = self
                nested.pathWasReset = pathWasReset
                for c in ShellWords.commands(in: text, anchor: (at.line, at.column), depth: depth + 1) {
                    nested.visit(c.words, depth: depth + 1)
                }
                analysis = nested.analysis
            case .runtime:
                record(\.unknown, words, upTo: min(words.count, 3))
            case .none:
                break
            }
            return
        }
        if let length = MutatingCommands.match(program, args.map(\.text)) {
            record(\.mutations, words, upTo: length + 1)
        }
    }

    private mutating func record(_ list: WritableKeyPath<MutationDetector.Analysis, [MutationDetector.Hit]>,
                                 _ words: [ShellWord], upTo n: Int) {
        analysis[keyPath: list].append(Self.hit(words, upTo: n))
    }

    /// Noted for every program (`pathSkips`); a bypass when `program` is one of `recorded`.
    private mutating func bypass(_ words: [ShellWord], program: String, _ why: String) {
        let hit = Self.hit(words, upTo: min(words.count, 3), why: why)
        analysis.pathSkips.append(MutationDetector.PathSkip(program: program, hit: hit))
        if recorded.contains(program) { analysis.bypasses.append(hit) }
    }

    private static func hit(_ words: [ShellWord], upTo n: Int, why: String = "") -> MutationDetector.Hit {
        let text = words.prefix(n).map { display($0.text) }.joined(separator: " ")
        return MutationDetector.Hit(command: text, line: words[0].line, column: words[0].column, why: why)
    }

    private func assignment(_ word: ShellWord) -> (String, String)? {
        guard let eq = word.text.firstIndex(of: "=") else { return nil }
        let name = word.text[..<eq]
        guard let head = name.first, head.isLetter || head == "_",
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return (String(name), String(word.text[word.text.index(after: eq)...]))
    }

    static func basename(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func display(_ word: String) -> String {
        word.isEmpty || word.contains(where: { " \t'\"".contains($0) }) ? Shell.quote(word) : word
    }
}

/// Commands that run another command: how to find it.
enum Wrappers {
    enum Inner {
        /// The wrapped command's words; `resetsPath` when it runs with a cleared environment or
        /// the default PATH (`env -i`, `env PATH=…`, `command -p`, `sudo` with secure_path).
        case command([ShellWord], resetsPath: Bool)
        /// Shell text run by a shell (`sh -c`, `ssh host …`, `watch '…'`, `env -S`).
        case script(String, at: ShellWord)
        /// The command is only known at run time (`eval "$x"`, `xargs` with `sh -c "$0"`…).
        case runtime
        /// A wrapper that does not run anything here (`command -v`).
        case none
    }

    /// Options that take a value, per wrapper (the next word is the value unless attached).
    static let valued: [String: Set<String>] = [
        "sudo": ["-u", "-g", "-C", "-h", "-p", "-r", "-t", "-U", "-D", "-R", "-T", "--user", "--group", "--host", "--prompt", "--chdir", "--role", "--type", "--other-user", "--close-from", "--command-timeout"],
        "doas": ["-u", "-C"],
        "env": ["-u", "-C", "--unset", "--chdir"],
        "timeout": ["-s", "-k", "--signal", "--kill-after"],
        "nice": ["-n", "--adjustment"],
        "ionice": ["-c", "-n", "-p", "-P", "-u", "--class", "--classdata"],
        "stdbuf": ["-i", "-o", "-e", "--input", "--output", "--error"],
        "xargs": ["-a", "-d", "-E", "-e", "-I", "-L", "-l", "-n", "-P", "-s", "--arg-file", "--delimiter", "--max-args", "--max-procs", "--max-lines", "--max-chars", "--replace", "--process-slot-var"],
        "watch": ["-n", "-d", "-q", "--interval", "--differences", "--chgexit"],
        "exec": ["-a"],
        "nohup": [], "time": [], "setsid": [], "command": [], "builtin": [], "busybox": [], "unbuffer": [],
        "flock": ["-w", "-E", "--timeout", "--conflict-exit-code"],
        "chroot": ["--userspec", "--groups"],
        "ssh": ["-b", "-B", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o", "-p", "-Q", "-R", "-S", "-W", "-w"],
    ]

    static let shells: Set<String> = ["sh", "bash", "dash", "zsh", "ksh", "ash", "mksh"]

    static func unwrap(_ program: String, _ args: [ShellWord]) -> Inner? {
        if shells.contains(program) { return shell(args) }
        switch program {
        case "eval":
            if args.contains(where: \.isDynamic) { return .runtime }
            guard let first = args.first else { return Inner.none }
            return .script(args.map(\.text).joined(separator: " "), at: first)
        case "kubectl":
            // `kubectl exec POD -- cmd…` and `kubectl debug … -- cmd…` run cmd in the cluster.
            guard let sub = KubectlWords.subcommand(args.map(\.text)), sub.name == "exec" || sub.name == "debug",
                  let dash = args.firstIndex(where: { $0.text == "--" }) else { return nil }
            return .command(Array(args[(dash + 1)...]), resetsPath: false)
        case "k3s":
            guard let tool = args.first, ["kubectl", "crictl", "ctr"].contains(tool.text) else { return nil }
            return .command(Array(args), resetsPath: false)
        default:
            break
        }
        guard let valuedOptions = valued[program] else { return nil }
        var rest = args[...]
        var resetsPath = false
        var flags: [String] = []
        while let w = rest.first {
            let t = w.text
            if t == "--" { rest = rest.dropFirst(); break }
            if program == "env", let eq = t.firstIndex(of: "="), !t.hasPrefix("-") {
                if t[..<eq] == "PATH" { resetsPath = true }
                rest = rest.dropFirst(); continue
            }
            guard t.hasPrefix("-"), t.count > 1 else { break }
            flags.append(t)
            rest = rest.dropFirst()
            if program == "env" && (t == "-S" || t == "--split-string"), let s = rest.first {
                return .script(s.text, at: s)
            }
            if t.hasPrefix("-S") && program == "env" && t.count > 2 { return .script(String(t.dropFirst(2)), at: w) }
            let name = t.split(separator: "=").first.map(String.init) ?? t
            if valuedOptions.contains(name) && !t.contains("=") { rest = rest.dropFirst() }
        }
        switch program {
        case "env":
            resetsPath = resetsPath || flags.contains { $0 == "-i" || $0 == "--ignore-environment" || $0 == "-" }
        case "command", "builtin":
            if flags.contains(where: { $0.contains("v") || $0.contains("V") }) { return Inner.none }
            resetsPath = flags.contains { $0.contains("p") }
        case "sudo":
            resetsPath = true   // sudo runs with its own secure_path
        case "timeout":
            rest = rest.dropFirst()   // the duration
        case "chroot", "flock":
            rest = rest.dropFirst()   // the new root / the lock file
            if program == "flock", flags.contains(where: { $0 == "-c" || $0 == "--command" }) {
                guard let s = rest.first else { return Inner.none }
                return .script(s.text, at: s)
            }
        case "ssh":
            guard let host = rest.first else { return Inner.none }
            rest = rest.dropFirst()
            return rest.isEmpty ? Inner.none : .script(rest.map(\.text).joined(separator: " "), at: host)
        case "watch":
            if flags.contains(where: { $0 == "-x" || $0 == "--exec" }) { break }
            guard let first = rest.first else { return Inner.none }
            return .script(rest.map(\.text).joined(separator: " "), at: first)
        case "xargs":
            if rest.isEmpty { return Inner.none }   // xargs alone runs echo
        default:
            break
        }
        return .command(Array(rest), resetsPath: resetsPath)
    }

    /// `sh -c 'text'`, `bash -ec 'text'`, `bash -c "$x"`; `sh file` runs a file we cannot see.
    private static func shell(_ args: [ShellWord]) -> Inner? {
        var rest = args[...]
        while let w = rest.first, w.text.hasPrefix("-") || w.text.hasPrefix("+") {
            rest = rest.dropFirst()
            if w.text == "-o" || w.text == "+o" { rest = rest.dropFirst(); continue }
            if !w.text.hasPrefix("--") && w.text.contains("c"), let script = rest.first {
                return script.isDynamic && script.variable != nil ? .runtime : .script(script.text, at: script)
            }
        }
        return Inner.none
    }
}

/// Contract §6's list of state-changing commands, decided on the program and its words.
enum MutatingCommands {
    /// How many argument words make the match (for the message), or nil.
    static func match(_ program: String, _ args: [String]) -> Int? {
        switch program {
        case "kubectl": return kubectl(args)
        case "helm": return helm(args)
        case "etcdctl": return etcdctl(args)
        case "shutdown", "reboot", "halt", "poweroff": return 0
        case "init", "telinit": return args.first.map { ["0", "6"].contains($0) } == true ? 1 : nil
        case "systemctl": return systemctl(args)
        case "rm": return rm(args)
        case "docker", "podman": return docker(args)
        case "redis-cli": return redis(args)
        case "k3s-uninstall.sh", "k3s-killall.sh", "k3s-agent-uninstall.sh": return 0
        default: return nil
        }
    }

    static let kubectlVerbs: Set<String> = ["apply", "create", "delete", "edit", "patch", "replace", "scale", "drain", "cordon",
                                            "uncordon", "taint", "label", "annotate", "set", "run", "expose", "autoscale"]
    static let kubectlRollout: Set<String> = ["restart", "undo", "pause", "resume"]

    private static func kubectl(_ args: [String]) -> Int? {
        guard let sub = KubectlWords.subcommand(args) else { return nil }
        // A dry run changes nothing.
        if args.contains(where: { $0 == "--dry-run" || ($0.hasPrefix("--dry-run=") && $0 != "--dry-run=none") }) { return nil }
        if kubectlVerbs.contains(sub.name) { return sub.index + 1 }
        if sub.name == "rollout", let next = KubectlWords.nextWord(args, after: sub.index), kubectlRollout.contains(next.name) {
            return next.index + 1
        }
        if sub.name == "certificate", let next = KubectlWords.nextWord(args, after: sub.index), ["approve", "deny"].contains(next.name) {
            return next.index + 1
        }
        return nil
    }

    static let helmValued: Set<String> = ["-n", "--namespace", "--kube-context", "--kubeconfig", "--kube-apiserver", "--kube-token",
                                          "--kube-as-user", "--kube-as-group", "--kube-ca-file", "--registry-config",
                                          "--repository-config", "--repository-cache", "--burst-limit", "--qps"]

    private static func helm(_ args: [String]) -> Int? {
        guard let sub = firstWord(args, valued: helmValued) else { return nil }
        if args.contains(where: { $0 == "--dry-run" || $0.hasPrefix("--dry-run=") }) { return nil }
        return ["install", "upgrade", "uninstall", "delete", "del", "un", "rollback"].contains(sub.name) ? sub.index + 1 : nil
    }

    static let etcdctlValued: Set<String> = ["--endpoints", "--cacert", "--cert", "--key", "--user", "--password", "--dial-timeout",
                                             "--command-timeout", "--keepalive-time", "--keepalive-timeout", "-w", "--write-out",
                                             "--discovery-srv", "--discovery-srv-name"]

    private static func etcdctl(_ args: [String]) -> Int? {
        guard let sub = firstWord(args, valued: etcdctlValued) else { return nil }
        if ["put", "del", "defrag", "compaction", "txn", "move-leader", "elect", "lock"].contains(sub.name) { return sub.index + 1 }
        let pairs: [String: Set<String>] = ["snapshot": ["restore"], "member": ["add", "remove", "update", "promote"],
                                            "alarm": ["disarm"], "lease": ["revoke", "grant"], "auth": ["enable", "disable"],
                                            "user": ["add", "delete", "passwd", "grant-role", "revoke-role"],
                                            "role": ["add", "delete", "grant-permission", "revoke-permission"],
                                            "downgrade": ["enable", "cancel"]]
        if let second = pairs[sub.name], let next = firstWord(Array(args[(sub.index + 1)...]), valued: etcdctlValued),
           second.contains(next.name) {
            return sub.index + next.index + 2
        }
        return nil
    }

    static let systemctlValued: Set<String> = ["-H", "--host", "-M", "--machine", "-t", "--type", "-p", "--property", "-s",
                                               "--signal", "--state", "-n", "--lines", "-o", "--output", "--root", "--kill-whom",
                                               "--job-mode", "--when", "--what", "--timestamp", "--boot-loader-entry"]

    private static func systemctl(_ args: [String]) -> Int? {
        guard let sub = firstWord(args, valued: systemctlValued) else { return nil }
        let verbs: Set<String> = ["start", "stop", "restart", "try-restart", "reload", "reload-or-restart", "try-reload-or-restart",
                                  "kill", "disable", "enable", "reenable", "mask", "unmask", "isolate", "reboot", "poweroff",
                                  "halt", "kexec", "rescue", "emergency", "daemon-reload", "set-property", "edit", "revert",
                                  "freeze", "clean", "suspend", "hibernate"]
        return verbs.contains(sub.name) ? sub.index + 1 : nil
    }

    /// `rm` recursive *and* forced, however spelled: `-rf`, `-fr`, `-Rf`, `-r -f`,
    /// `--recursive --force`. A plain `rm file` (a check tidying its own working folder) is not.
    private static func rm(_ args: [String]) -> Int? {
        var recursive = false, force = false
        for a in args {
            if a == "--" { break }
            if a == "--recursive" { recursive = true } else if a == "--force" { force = true } else if a.hasPrefix("-") && !a.hasPrefix("--") {
                if a.contains("r") || a.contains("R") { recursive = true }
                if a.contains("f") { force = true }
            }
        }
        return recursive && force ? args.count : nil
    }

    private static func docker(_ args: [String]) -> Int? {
        guard let sub = firstWord(args, valued: ["-H", "--host", "-c", "--context", "--config", "-l", "--log-level"]) else { return nil }
        if ["rm", "rmi", "kill", "stop", "restart", "pause"].contains(sub.name) { return sub.index + 1 }
        if ["system", "container", "image", "volume", "network", "builder", "buildx"].contains(sub.name),
           let next = firstWord(Array(args[(sub.index + 1)...]), valued: []),
           ["prune", "rm", "remove", "kill", "stop"].contains(next.name) {
            return sub.index + next.index + 2
        }
        return nil
    }

    private static func redis(_ args: [String]) -> Int? {
        let lower = args.map { $0.lowercased() }
        for (i, a) in lower.enumerated() {
            if ["flushall", "flushdb", "shutdown"].contains(a) { return i + 1 }
            if a == "sentinel", i + 1 < lower.count, lower[i + 1] == "failover" { return i + 2 }
        }
        return nil
    }

    /// The first word that is not an option (nor an option's value), and where it is.
    static func firstWord(_ args: [String], valued: Set<String>) -> (name: String, index: Int)? {
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--" { return i + 1 < args.count ? (args[i + 1], i + 1) : nil }
            if a.hasPrefix("-") && a.count > 1 {
                i += valued.contains(a) ? 2 : 1
                continue
            }
            return (a, i)
        }
        return nil
    }
}

/// kubectl's words: global flags (`--context x`, `-n y`, `--kubeconfig=…`) come before or
/// after the subcommand.
enum KubectlWords {
    static let valued: Set<String> = ["-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server",
                                      "--token", "--as", "--as-group", "--as-uid", "--request-timeout", "--certificate-authority",
                                      "--client-certificate", "--client-key", "--cache-dir", "-v", "--v", "--tls-server-name",
                                      "--profile", "--profile-output", "--username", "--password", "-l", "--selector", "-o",
                                      "--output", "-f", "--filename", "-c", "--container", "--field-selector", "-L",
                                      "--label-columns", "--sort-by", "--template", "-p", "--pod-running-timeout", "--image",
                                      "--target", "-k", "--kustomize", "--log-file", "--vmodule"]

    static func subcommand(_ args: [String]) -> (name: String, index: Int)? {
        MutatingCommands.firstWord(args, valued: valued)
    }

    static func nextWord(_ args: [String], after index: Int) -> (name: String, index: Int)? {
        guard index + 1 < args.count,
              let next = MutatingCommands.firstWord(Array(args[(index + 1)...]), valued: valued) else { return nil }
        return (next.name, index + 1 + next.index)
    }
}
