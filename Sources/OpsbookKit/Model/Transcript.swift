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

    public var rule: Rule
    /// ` (no-eol)`: must be the last output line, and that line has no newline.
    public var noEOL = false
    /// The line exactly as written; an actual line equal to it always matches (as in cram).
    public var text: String
    /// File line.
    public var line: Int

    public init(rule: Rule, text: String, line: Int, noEOL: Bool = false) {
        self.rule = rule
        self.text = text
        self.line = line
        self.noEOL = noEOL
    }
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
