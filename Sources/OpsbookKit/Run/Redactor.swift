import Foundation

/// Removes secrets from text before it reaches the terminal, the JSON results, JUnit, fixtures or
/// the site (contract §6). Matching runs on the raw output; only what is shown is redacted.
public struct Redactor: Sendable {
    public struct Rule: Sendable {
        public var name: String
        public var regex: Regex<AnyRegexOutput> {
            get { compiled.regex }
            set { compiled = SharedRegex(newValue) }
        }
        private var compiled: SharedRegex
        /// `$1`-style groups are kept from the match; the rest becomes the mask.
        public var keepGroups: [Int]
        public var mask: String
        /// A `redact.yaml` pattern: matched with a time budget (BoundedRegex.swift).
        public var bounded: BoundedRegex? = nil
        /// Built-in rules only run where one of these (lower-case) appears: most output holds
        /// no secret, and each regular expression pass over 128 KiB costs real time.
        public var needles: [String] = []
        /// The rule never spans lines: it runs only on the lines that hold a needle.
        public var lineByLine = false

        public init(name: String, regex: Regex<AnyRegexOutput>, keepGroups: [Int], mask: String, bounded: BoundedRegex? = nil,
                    needles: [String] = [], lineByLine: Bool = false) {
            self.name = name
            compiled = SharedRegex(regex)
            self.keepGroups = keepGroups
            self.mask = mask
            self.bounded = bounded
            self.needles = needles
            self.lineByLine = lineByLine
        }
    }

    public var rules: [Rule]
    /// Exact values to hide wherever they appear: the secret-looking values of the target's `env`.
    public var literals: [String] = []

    public init(extra: [Rule] = []) {
        rules = Self.builtIn + extra
    }

    public static let mask = "[REDACTED]"

    /// Compiles the built-in rules now rather than at their first use (Swift's regex parser
    /// takes a few milliseconds): `build` does it while the pages load.
    static func compileBuiltInRules() { _ = builtIn }

    /// Contract §6's kinds. Each rule keeps what names the secret (`Authorization: Bearer `,
    /// `DB_PASSWORD=`, the user of a URL) and masks only the secret itself.
    static let builtIn: [Rule] = [
        // PEM, OpenSSH and PGP (`… PRIVATE KEY BLOCK-----`) private keys, also cut off at the end.
        rule("private key", #"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\z)"#,
             mask: "[REDACTED PRIVATE KEY]", needles: ["private key"]),
        rule("JWT", #"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+"#, mask: "[REDACTED JWT]", needles: ["eyj"]),
        rule("AWS access key", #"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"#, needles: ["akia", "asia", "abia", "acca"]),
        rule("GitHub token", #"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})"#, needles: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]),
        rule("GitLab token", #"\bgl(?:pat|dt|rt|ptt|cbt|oas|soat|ft|imt|agent)-[A-Za-z0-9_-]{20,}"#, needles: ["gl"]),
        rule("Slack token", #"\bxox[abposr]-[A-Za-z0-9-]{10,}"#, needles: ["xox"]),
        rule("bearer token", #"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}"#, keep: [1], needles: ["bearer"]),
        rule("basic credentials", #"(?i)(\bauthorization["']?\s*[:=]\s*["']?basic\s+)[A-Za-z0-9+/=._-]{4,}"#, keep: [1], needles: ["basic"]),
        // scheme://user:pw@host and scheme://:pw@host (redis://:pw@host)
        rule("URL password", #"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/:@]*:)[^\s/@]+(@)"#, keep: [1, 2], needles: ["://"]),
        // curl -u user:pw, --user=user:pw
        rule("user:password option", #"((?:^|[\s"'])(?:-u|--user|--proxy-user)[\s=]+["']?[^\s:"']+:)[^\s"']+"#, keep: [1], needles: ["-u", "--user", "--proxy-user"], lineByLine: true),
        // mysql -pSECRET (the password glued to -p)
        rule("mysql password", #"(\b(?:mysql|mysqldump|mysqladmin|mariadb)\b[^\n|;&]*?\s-p)[^\s-][^\s]*"#, keep: [1], needles: ["mysql", "mariadb"], lineByLine: true),
        // redis-cli -a SECRET, --pass SECRET
        rule("redis password", #"(\bredis-cli\b[^\n|;&]*?\s(?:-a|--pass|--askpass)\s+)[^\s-][^\s]*"#, keep: [1], needles: ["redis-cli"], lineByLine: true),
        // AUTH [user] password, on its own line (redis stdin, MONITOR output)
        rule("redis AUTH", #"(?im)(^[-+~ ]?\s*"?auth"?\s+)\S.*$"#, keep: [1], needles: ["auth"]),
        // docker config.json: "auth": "base64(user:pw)"
        rule("docker auth", #"("auth"\s*:\s*")[^"]+(")"#, keep: [1, 2], needles: ["\"auth\""]),
        // NAME=value where NAME contains PASSWORD, PASSWD, SECRET, TOKEN or KEY (DB_PASSWORD=,
        // API_TOKEN=, AWS_SECRET_ACCESS_KEY=, --password=, ?access_token=). A value that is a path
        // or a variable (`--key=/etc/tls.key`, `PGPASSWORD=$PW`) shows no secret and stays.
        rule("secret setting", #"(?i)(\b[A-Za-z0-9_.-]*(?:password|passwd|secret|token|key)[A-Za-z0-9_]*["']?\s*=\s*["']?)(?![/$~]|\.\/)[^\s"',;&|)}]{3,}"#, keep: [1], needles: ["pass", "secret", "token", "key"], lineByLine: true),
        // "password": "x", client_secret: x, accessToken: x — whole word before the colon, so
        // `secretName: chat-tls` and label `key: app` are not secrets.
        rule("secret field", #"(?i)(["']?\b[A-Za-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key)["']?\s*:\s*["']?)(?![/$~])[^\s"',}]{3,}"#, keep: [1], needles: ["pass", "secret", "token", "key"], lineByLine: true),
    ]

    static func rule(_ name: String, _ pattern: String, keep: [Int] = [], mask: String = Redactor.mask,
                     needles: [String] = [], lineByLine: Bool = false) -> Rule {
        Rule(name: name, regex: try! Regex(pattern), keepGroups: keep, mask: mask, needles: needles, lineByLine: lineByLine)
    }

    /// A redactor that also hides the values of `env` that look like secrets (contract §6:
    /// "every value of the target's `env` that looks like a secret").
    public func hiding(secretsOf env: [String: String]) -> Redactor {
        var copy = self
        let found = env.compactMap { Self.looksSecret(name: $0.key, value: $0.value) ? $0.value : nil }
        copy.literals = Array(Set(literals + found)).sorted { $0.count > $1.count }
        return copy
    }

    /// By its name (PASS, PW, TOKEN, SECRET, KEY, AUTH, CRED; not PWD) or, whatever the name, by its shape:
    /// 16+ characters without spaces mixing at least three of lower, upper, digits and symbols,
    /// and not a URL, path or list of addresses.
    static func looksSecret(name: String, value: String) -> Bool {
        guard value.count >= 4, !value.contains(where: \.isWhitespace) || value.count >= 32 else { return false }
        let upper = name.uppercased()
        if upper != "PWD" && upper != "OLDPWD",
           ["PASS", "PW", "TOKEN", "SECRET", "KEY", "AUTH", "CRED", "PRIVATE"].contains(where: upper.contains) { return true }
        guard value.count >= 16, !value.contains("://"), !value.hasPrefix("/"), !value.contains(",") else { return false }
        let classes = [value.contains(where: \.isLowercase), value.contains(where: \.isUppercase),
                       value.contains(where: \.isNumber), value.contains { !$0.isLetter && !$0.isNumber }]
        return classes.filter { $0 }.count >= 3
    }

    public func redact(_ text: String) -> String {
        var out = SecretData.redact(text)
        let lower = text.lowercased()
        for literal in literals where out.contains(literal) {
            out = out.replacingOccurrences(of: literal, with: Redactor.mask)
        }
        for rule in rules {
            if let bounded = rule.bounded {
                out = bounded.replacingMatches(in: out, with: rule.mask, budget: MatchBudget(milliseconds: 2_000))
                continue
            }
            if !rule.needles.isEmpty {
                // Masks add no needle, so the input's lower case answers for every rule.
                guard rule.needles.contains(where: lower.contains) else { continue }
                if rule.lineByLine {
                    out = out.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                        let l = line.lowercased()
                        return rule.needles.contains(where: l.contains) ? Self.apply(rule, to: String(line)) : String(line)
                    }.joined(separator: "\n")
                    continue
                }
            }
            out = Self.apply(rule, to: out)
        }
        return out
    }

    private static func apply(_ rule: Rule, to text: String) -> String {
        text.replacing(rule.regex) { match in
            var kept = ""
            for (i, g) in rule.keepGroups.enumerated() {
                if let r = match.output[g].range { kept += String(text[r]) }
                if i == 0 { kept += rule.mask }
            }
            return rule.keepGroups.isEmpty ? rule.mask : kept
        }
    }

    /// A recorded call's words: each word redacted as text, and the word after an option that
    /// takes a secret (`-a`, `--password`, `--token`…, `-u user:pw`) masked whole.
    public func redactArguments(_ arguments: [String]) -> [String] {
        var out: [String] = []
        for (i, word) in arguments.enumerated() {
            let previous = i > 0 ? arguments[i - 1] : ""
            let program = arguments.first.map { ($0 as NSString).lastPathComponent } ?? ""
            if Self.secretOptions.contains(previous) || (previous == "-a" && program == "redis-cli") {
                out.append(Redactor.mask)
            } else if ["-u", "--user", "--proxy-user"].contains(previous), let colon = word.firstIndex(of: ":") {
                out.append(String(word[...colon]) + Redactor.mask)
            } else if ["mysql", "mysqldump", "mysqladmin", "mariadb"].contains(program), word.hasPrefix("-p"), word.count > 2 {
                out.append("-p" + Redactor.mask)
            } else if program == "redis-cli", i > 0, previous.uppercased() == "AUTH" {
                out.append(Redactor.mask)
            } else {
                out.append(redact(word))
            }
        }
        return out
    }

    static let secretOptions: Set<String> = ["--password", "--pass", "--token", "--bearer-token", "--client-secret",
                                              "--kube-token", "--secret", "--api-key", "--access-key", "--secret-key",
                                              "--auth", "--oauth2-bearer", "--askpass"]

    /// A diff, redacted line by line; a removed and an added line that become the same once
    /// redacted (`-password=[REDACTED]` / `+password=[REDACTED]`) turn into one line saying the
    /// secret changed, rather than two identical lines that look like no difference.
    public func redactDiff(_ diff: String) -> String {
        let lines = diff.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [String] = []
        var i = 0
        while i < lines.count {
            // a run of removed lines followed by as many added lines
            var j = i
            while j < lines.count, lines[j].hasPrefix("-") { j += 1 }
            let removed = j - i
            guard removed > 0, j + removed <= lines.count, (j..<j + removed).allSatisfy({ lines[$0].hasPrefix("+") }) else {
                out.append(lines[i]); i += 1; continue
            }
            for k in 0..<removed {
                let minus = lines[i + k].dropFirst(), plus = lines[j + k].dropFirst()
                let hidden = redact(String(minus))
                if minus != plus, hidden == redact(String(plus)), hidden.contains(Redactor.mask) {
                    out.append("~" + hidden + "   (a redacted secret differs here)")
                } else {
                    out.append(lines[i + k]); out.append(lines[j + k])
                }
            }
            i = j + removed
        }
        // The whole text once more: a private key block spans lines.
        return redact(out.joined(separator: "\n"))
    }
}

/// Kubernetes Secret `data:` / `stringData:` values, in YAML (`kubectl get secret -o yaml`) and
/// JSON (`-o json`) output: keys stay, values go.
enum SecretData {
    static func redact(_ text: String) -> String {
        guard text.contains("data") || text.contains("Data") else { return text }
        return redactJSON(redactYAML(text))
    }

    private static func redactYAML(_ text: String) -> String {
        var out: [Substring] = []
        var blockIndent: Int? = nil
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let indent = line.prefix { $0 == " " }.count
            let body = line.dropFirst(indent)
            if let block = blockIndent {
                if body.isEmpty { out.append(line); continue }
                if indent > block, let colon = body.firstIndex(of: ":") {
                    out.append(line.prefix(indent) + body[...colon] + " " + Substring(Redactor.mask))
                    continue
                }
                if indent > block { out.append(Substring(String(line.prefix(indent)) + Redactor.mask)); continue }
                blockIndent = nil
            }
            if body == "data:" || body == "stringData:" || body == "binaryData:" { blockIndent = indent }
            out.append(line)
        }
        return out.joined(separator: "\n")
    }

    private static let jsonBlock = SharedRegex(try! Regex(#""(data|stringData|binaryData)"\s*:\s*\{[^{}]*\}"#))
    private static let jsonValue = SharedRegex(try! Regex(#"("[^"\\]*"\s*:\s*)"(?:[^"\\]|\\.)*""#))

    private static func redactJSON(_ text: String) -> String {
        text.replacing(jsonBlock.regex) { match in
            String(text[match.range]).replacing(jsonValue.regex) { m in
                (m.output[1].substring.map(String.init) ?? "") + "\"\(Redactor.mask)\""
            }
        }
    }
}

/// A compiled `Regex` read by checks running side by side: the one `@unchecked Sendable` of the
/// redaction rules, and why it is safe.
///
/// `Regex` is not `Sendable` in Swift 6.x (its output type need not be), yet a compiled
/// `Regex<AnyRegexOutput>` is a value whose only shared part is its program (a final class in
/// the standard library's `_StringProcessing`): the parsed tree is immutable, and the one part
/// built lazily, the program lowered for the matching engine, is published with an atomic
/// compare-and-swap. Even that first lowering is done here, on the thread that compiles the
/// rule, before the value can be shared: `init` matches once. A match keeps all its state in
/// its own processor, so reading one `Regex` from many threads only ever reads.
/// Compiling per use instead would parse and lower every built-in rule again for each output.
/// ThreadSanitizer runs of `check --jobs 2` over the handbook report nothing (docs/design.md,
/// "Concurrency the compiler checks").
public struct SharedRegex: @unchecked Sendable {
    public let regex: Regex<AnyRegexOutput>

    public init(_ regex: Regex<AnyRegexOutput>) {
        self.regex = regex
        _ = try? regex.firstMatch(in: "")  // lowers the program now, before any other thread sees it
    }
}
