import Foundation

/// Reads a `check` fence's info string: `check [id] [timeout=30s] [retry=5x10s] [requires=a,b] [mutates] [shell=bash]`.
struct CheckInfoParser {
    struct Parsed {
        var id: String?
        var attributes = CheckAttributes()
        var problems: [(message: String, code: String, token: String)] = []
    }

    /// True for info strings whose first word is exactly `check` (`checkout` is not).
    static func isCheck(_ info: String) -> Bool {
        info.split(whereSeparator: \.isWhitespace).first == "check"
    }

    func parse(_ info: String) -> Parsed {
        var parsed = Parsed()
        for token in info.split(whereSeparator: \.isWhitespace).dropFirst().map(String.init) {
            if token == "mutates" {
                parsed.attributes.isMutating = true
            } else if let eq = token.firstIndex(of: "=") {
                let key = String(token[..<eq]), value = String(token[token.index(after: eq)...])
                if let problem = apply(key, value, to: &parsed.attributes) {
                    parsed.problems.append((problem.0, problem.1, token))
                }
            } else if parsed.id == nil {
                parsed.id = token
                if !CheckBlock.isValidID(token) {
                    parsed.problems.append(("check id `\(token)` is invalid: use lowercase ASCII letters, digits and hyphens, starting with a letter or digit", "check.invalid-id", token))
                }
            } else {
                parsed.problems.append(("unexpected word `\(token)` in check info string; attributes are written key=value", "check.bad-attribute", token))
            }
        }
        return parsed
    }

    private func apply(_ key: String, _ value: String, to a: inout CheckAttributes) -> (String, String)? {
        switch key {
        case "timeout":
            guard let ms = Self.milliseconds(value), ms > 0 else {
                return ("`timeout=\(value)` is not a duration; write e.g. 30s, 500ms, 2m", "check.bad-attribute")
            }
            a.timeoutMilliseconds = ms
        case "retry":
            let parts = value.split(separator: "x", maxSplits: 1).map(String.init)
            guard parts.count == 2, let n = Int(parts[0]), n >= 1, n <= 1000, let delay = Self.milliseconds(parts[1]) else {
                return ("`retry=\(value)` must be COUNTxDELAY, e.g. retry=5x10s", "check.bad-attribute")
            }
            a.retry = .init(attempts: n, delayMilliseconds: delay)
        case "requires":
            let names = value.split(separator: ",").map(String.init)
            guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && !$0.contains("/") }) else {
                return ("`requires=\(value)` must be a comma-separated list of program names", "check.bad-attribute")
            }
            a.requires = names
        case "shell":
            guard let shell = CheckAttributes.Shell(rawValue: value) else {
                return ("`shell=\(value)` is not supported; use bash or sh", "check.bad-attribute")
            }
            a.shell = shell
        default:
            return ("unknown check attribute `\(key)`; known: timeout, retry, requires, mutates, shell", "check.bad-attribute")
        }
        return nil
    }

    /// `500ms`, `30s`, `2m`, `1h`; a bare number is seconds.
    static func milliseconds(_ text: String) -> Int? {
        let units: [(String, Int)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if let n = Int(number), n >= 0, n <= 86_400_000 / factor { return n * factor }
            return nil
        }
        if let n = Int(text), n >= 0, n <= 86_400 { return n * 1000 }
        return nil
    }
}
