/// Turns a check block body into a `Transcript`: `$ ` starts a command, `> ` continues it, every
/// other line up to the next `$ ` is its expected output.
public struct TranscriptParser: Sendable {
    public struct Problem: Hashable, Sendable {
        public var line: Int
        public var column: Int
        public var message: String
    }

    public init() {}

    /// `firstLine` is the file line of the body's first line.
    public func parse(_ body: String, firstLine: Int) -> (Transcript, [Problem]) {
        var commands: [TranscriptCommand] = []
        var problems: [Problem] = []
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var continuing = false
        for (offset, raw) in lines.enumerated() {
            let line = firstLine + offset
            if raw.hasPrefix("$ ") {
                commands.append(TranscriptCommand(command: String(raw.dropFirst(2)), line: line, expected: [], expectedExit: nil))
                continuing = true
            } else if continuing, raw.hasPrefix("> ") || raw == ">" {
                commands[commands.count - 1].command += "\n" + raw.dropFirst(2)
            } else if commands.isEmpty {
                if !raw.trimmingCharacters(in: .whitespaces).isEmpty {
                    problems.append(Problem(line: line, column: 1, message: "output line before the first `$ ` command"))
                }
            } else {
                continuing = false
                append(raw, line: line, to: &commands[commands.count - 1], problems: &problems)
            }
        }
        return (Transcript(commands: commands), problems)
    }

    private func append(_ raw: String, line: Int, to command: inout TranscriptCommand, problems: inout [Problem]) {
        if let status = Self.exitStatus(raw) {
            if command.expectedExit != nil {
                problems.append(Problem(line: line, column: 1, message: "a second `[N]` exit status for the same command"))
            }
            command.expectedExit = status
            return
        }
        if command.expectedExit != nil {
            problems.append(Problem(line: line, column: 1, message: "output line after the `[N]` exit status; the status comes last"))
        }
        let rule: ExpectedLine.Rule
        if raw == "..." {
            rule = .anyLines
        } else if raw.hasSuffix(" (re)") {
            let pattern = String(raw.dropLast(5))
            rule = .regex(pattern)
            if (try? Regex(pattern)) == nil {
                problems.append(Problem(line: line, column: 1, message: "invalid regular expression `\(pattern)`"))
            }
        } else if raw.hasSuffix(" (glob)") {
            rule = .glob(String(raw.dropLast(7)))
        } else {
            rule = .literal(raw)
        }
        command.expected.append(ExpectedLine(rule: rule, text: raw, line: line))
    }

    /// `[N]` alone on a line, N a whole number.
    static func exitStatus(_ raw: String) -> Int? {
        guard raw.hasPrefix("["), raw.hasSuffix("]"), raw.count >= 3 else { return nil }
        return Int(raw.dropFirst().dropLast())
    }
}
