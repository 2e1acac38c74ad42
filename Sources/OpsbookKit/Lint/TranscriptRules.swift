/// Transcript syntax: invalid regexes, output before the first command, a misplaced `[N]`.
struct TranscriptProblems: LintRule {
    func check(_ handbook: Handbook) -> [Diagnostic] {
        handbook.checks.flatMap { block in
            block.transcriptProblems.map {
                .error("transcript.syntax", $0.message, at: SourcePosition(path: block.page, line: $0.line, column: $0.column))
            }
        }
    }
}

/// A check that cannot fail is a false pass waiting to happen: an empty body, a script that ends
/// in `true`/`exit 0`/`|| true`, or a transcript with no expected output whose commands all end
/// in `|| true`.
struct CheckCannotFail: LintRule {
    func check(_ handbook: Handbook) -> [Diagnostic] {
        handbook.checks.compactMap { block in
            guard let reason = reason(block) else { return nil }
            return .warning("check.cannot-fail", "this check cannot fail: \(reason)", at: block.position)
        }
    }

    private func reason(_ block: CheckBlock) -> String? {
        let lines = block.body.split(separator: "\n").map { $0.trimmingWhitespaces() }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard let last = lines.last else { return "its body is empty" }
        if let transcript = block.transcript {
            let allForced = transcript.commands.allSatisfy {
                $0.judgesExitOnly && $0.expectedExit == nil && Self.endsInTrue($0.command)
            }
            return allForced ? "every command ends in `|| true` and no output is expected" : nil
        }
        if last == "true" || last == ":" || last == "exit 0" || Self.endsInTrue(last) {
            return "the script ends in `\(last)`, so it always exits 0"
        }
        return nil
    }

    static func endsInTrue(_ command: String) -> Bool {
        let t = command.trimmingWhitespaces()
        return t.hasSuffix("|| true") || t.hasSuffix("|| :") || t.hasSuffix("||true")
    }
}

import Foundation

/// A `(re)` line whose pattern can backtrack for minutes (`(a+)+$`): the match budget stops it
/// at the check's timeout and the check errors, but the author should hear it before that.
struct SlowRegex: LintRule {
    func check(_ handbook: Handbook) -> [Diagnostic] {
        handbook.checks.flatMap { block in
            (block.transcript?.commands ?? []).flatMap(\.expected).compactMap { line in
                guard case .regex(let pattern) = line.rule, let found = RegexShape.nestedQuantifier(pattern) else { return nil }
                return .warning("regex.nested-quantifier",
                                "`\(found.group)` repeats something that itself repeats; a backtracking engine can take exponential time on a line that almost matches. Write it without the nesting (e.g. `a+` for `(a+)+`)",
                                at: SourcePosition(path: block.page, line: line.line, column: found.offset + 1))
            }
        }
    }
}
