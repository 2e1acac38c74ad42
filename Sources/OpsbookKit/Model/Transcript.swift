/// One expected-output line of a transcript, as the author wrote it (contract §3).
public struct ExpectedLine: Hashable, Sendable {
    public enum Rule: Hashable, Sendable {
        /// Must equal the actual line, trailing spaces ignored.
        case literal(String)
        /// ` (re)`: a regular expression for the whole line.
        case regex(String)
        /// ` (glob)`: `*` and `?`, with `\*`, `\?`, `\\` standing for themselves.
        case glob(String)
        /// ` (esc)`: written with `\t`, `\r`, `\xNN`, `\\`; holds the decoded text, which must
        /// equal the actual line exactly (trailing blanks included: they may be the point).
        case escaped(String)
        /// `...`: any number of lines, including none.
        case anyLines
    }

    /// Fixed at `init`: `pattern` is compiled from it.
    public let rule: Rule
    /// A `(re)` rule's pattern, compiled once (ICU) when the line is made; nil when it does not
    /// compile (lint's `transcript.syntax`) or the rule is not `(re)`.
    public let pattern: CompiledPattern?
    /// ` (no-eol)`: must be the last output line, and that line has no newline.
    public var noEOL = false
    /// The line exactly as written; an actual line equal to it always matches (as in cram).
    public var text: String
    /// File line.
    public var line: Int

    public init(rule: Rule, text: String, line: Int, noEOL: Bool = false) {
        self.rule = rule
        if case .regex(let source) = rule { pattern = (try? BoundedRegex(source)).map(CompiledPattern.init) } else { pattern = nil }
        self.text = text
        self.line = line
        self.noEOL = noEOL
    }
}

/// A compiled `(re)` pattern, equal to another when their source text is: it is made from the
/// rule it sits beside, so comparing the rules already compares the patterns.
public struct CompiledPattern: Hashable, Sendable {
    public let regex: BoundedRegex

    public static func == (a: CompiledPattern, b: CompiledPattern) -> Bool { a.regex.pattern == b.regex.pattern }
    public func hash(into hasher: inout Hasher) { hasher.combine(regex.pattern) }
}

/// One `$ ` command of a transcript, its continuation lines joined with newlines.
public struct TranscriptCommand: Hashable, Sendable {
    public var command: String
    public var line: Int
    public var expected: [ExpectedLine]
    /// `[N]`; nil means 0.
    public var expectedExit: Int?
    /// True when the author wrote no output lines: then only the exit status is judged.
    public var judgesExitOnly: Bool { expected.isEmpty }
}

public struct Transcript: Hashable, Sendable {
    public var commands: [TranscriptCommand]
}
