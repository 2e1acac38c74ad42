import Foundation

/// Removes secrets from text before it reaches the terminal, the JSON results, JUnit, fixtures or
/// the site (contract §6). Matching runs on the raw output; only what is shown is redacted.
public struct Redactor: Sendable {
    public struct Rule: Sendable {
        public var name: String
        nonisolated(unsafe) public var regex: Regex<AnyRegexOutput>
        /// `$1`-style groups are kept from the match; the rest becomes the mask.
        public var keepGroups: [Int]
        public var mask: String
        /// A `redact.yaml` pattern: matched with a time budget (BoundedRegex.swift).
        public var bounded: BoundedRegex? = nil
    }

    public var rules: [Rule]

    public init(extra: [Rule] = []) {
        rules = Self.builtIn + extra
    }

    public static let mask = "[REDACTED]"

    nonisolated(unsafe) static let builtIn: [Rule] = [
        rule("private key", #"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)"#, mask: "[REDACTED PRIVATE KEY]"),
        rule("JWT", #"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+"#, mask: "[REDACTED JWT]"),
        rule("bearer token", #"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}"#, keep: [1]),
        rule("URL password", #"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/:@]+:)[^\s/@]+(@)"#, keep: [1, 2]),
        rule("password setting", #"(?i)(\b(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)\b["']?\s*[:=]\s*["']?)[^\s"',}]{3,}"#, keep: [1]),
    ]

    static func rule(_ name: String, _ pattern: String, keep: [Int] = [], mask: String = Redactor.mask) -> Rule {
        Rule(name: name, regex: try! Regex(pattern), keepGroups: keep, mask: mask)
    }

    public func redact(_ text: String) -> String {
        var out = SecretData.redact(text)
        for rule in rules {
            if let bounded = rule.bounded {
                out = bounded.replacingMatches(in: out, with: rule.mask, budget: MatchBudget(milliseconds: 2_000))
                continue
            }
            out = out.replacing(rule.regex) { match in
                var kept = ""
                for (i, g) in rule.keepGroups.enumerated() {
                    if let r = match.output[g].range { kept += String(out[r]) }
                    if i == 0 { kept += rule.mask }
                }
                return rule.keepGroups.isEmpty ? rule.mask : kept
            }
        }
        return out
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

    nonisolated(unsafe) private static let jsonBlock = try! Regex(#""(data|stringData|binaryData)"\s*:\s*\{[^{}]*\}"#)
    nonisolated(unsafe) private static let jsonValue = try! Regex(#"("[^"\\]*"\s*:\s*)"(?:[^"\\]|\\.)*""#)

    private static func redactJSON(_ text: String) -> String {
        text.replacing(jsonBlock) { match in
            String(text[match.range]).replacing(jsonValue) { m in
                (m.output[1].substring.map(String.init) ?? "") + "\"\(Redactor.mask)\""
            }
        }
    }
}
