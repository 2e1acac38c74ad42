import Foundation

/// Contract §6: a check that changes state must say `mutates`; one that doesn't is not run.
struct UnmarkedMutation: LintRule {
    func check(_ handbook: Handbook) -> [Diagnostic] {
        handbook.checks.compactMap { block in
            guard !block.attributes.isMutating, let hit = MutationDetector.firstMutation(in: block.body) else { return nil }
            let position = SourcePosition(path: block.page, line: block.firstBodyLine + hit.line, column: hit.column)
            return .error("check.unmarked-mutation", "`\(hit.command)` changes state, but this check is not marked `mutates`; it will not run", at: position)
        }
    }
}

/// Finds known state-changing commands in a block body. The list is contract §6's; it is a
/// safety net for honest mistakes, not a sandbox.
public enum MutationDetector {
    struct Hit { var command: String; var line: Int; var column: Int }

    nonisolated(unsafe) static let patterns: [(name: String, regex: Regex<AnyRegexOutput>)] = [
        ("kubectl", try! Regex(#"\bkubectl\b(?:\s+-{1,2}[\w-]+(?:[= ]\S+)?)*\s+(apply|create|delete|edit|patch|replace|scale|drain|cordon|uncordon|taint|label|annotate|set|rollout\s+(?:restart|undo))\b"#)),
        ("helm", try! Regex(#"\bhelm\b(?:\s+-{1,2}[\w-]+(?:[= ]\S+)?)*\s+(install|upgrade|uninstall|delete|rollback)\b"#)),
        ("etcdctl", try! Regex(#"\betcdctl\b(?:\s+-{1,2}[\w-]+(?:[= ]\S+)?)*\s+(put|del|defrag|snapshot\s+restore|member\s+(?:remove|add))\b"#)),
        ("shutdown", try! Regex(#"(?:^\s*|[;&|]\s*|\bsudo\s+)(shutdown|reboot|halt|poweroff)\b"#)),
        ("systemctl", try! Regex(#"\bsystemctl\s+(restart|stop|disable|kill)\b"#)),
        ("rm -rf", try! Regex(#"\brm\s+-(?:rf|fr|r\s+-f|f\s+-r)\b"#)),
        ("docker", try! Regex(#"\bdocker\s+system\s+prune\b"#)),
        ("redis-cli", try! Regex(#"\bredis-cli\b.*\b(flushall|flushdb|shutdown|(?i:sentinel\s+failover))\b"#)),
    ]

    /// In a transcript only `$ ` and `> ` lines are commands; expected output may say "deleted".
    static func firstMutation(in body: String) -> Hit? {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        let transcript = lines.contains { $0.hasPrefix("$ ") }
        for (index, line) in lines.enumerated() {
            var code = stripComment(line)
            if transcript {
                guard line.hasPrefix("$ ") || line.hasPrefix("> ") else { continue }
                code = stripComment(line.dropFirst(2))
            }
            for (_, regex) in patterns {
                if let m = code.firstMatch(of: regex) {
                    let column = line[..<m.range.lowerBound].utf8.count + 1
                    let text = String(code[m.range]).trimmingCharacters(in: CharacterSet(charactersIn: " ;&|"))
                    return Hit(command: text, line: index, column: column)
                }
            }
        }
        return nil
    }

    /// Drops a trailing `# comment` so documentation inside a comment is not flagged.
    private static func stripComment(_ line: Substring) -> Substring {
        let trimmed = line.drop { $0 == " " }
        if trimmed.hasPrefix("#") { return "" }
        if let r = line.range(of: " #") { return line[..<r.lowerBound] }
        return line
    }
}
