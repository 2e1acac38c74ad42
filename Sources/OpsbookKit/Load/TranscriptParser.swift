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
                if !raw.trimmingWhitespaces().isEmpty {
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
        var (body, isEscaped, noEOL) = Self.flags(raw)
        let rule: ExpectedLine.Rule
        if raw == "..." {
            rule = .anyLines
        } else if isEscaped {
            switch EscapedText.decode(body) {
            case .success(let text): rule = .escaped(text)
            case .failure(let bad):
                problems.append(Problem(line: line, column: bad.column, message: bad.message))
                rule = .escaped(body)
            }
        } else if body.hasSuffix(" (re)") {
            body.removeLast(5)
            rule = .regex(body)
        } else if body.hasSuffix(" (glob)") {
            rule = .glob(String(body.dropLast(7)))
        } else {
            rule = .literal(body)
        }
        let expected = ExpectedLine(rule: rule, text: raw, line: line, noEOL: noEOL)
        if case .regex(let pattern) = rule, expected.pattern == nil {
            problems.append(Problem(line: line, column: 1, message: "invalid regular expression `\(pattern)`"))
        }
        if let previous = command.expected.last, previous.noEOL, rule != .anyLines {
            problems.append(Problem(line: previous.line, column: 1,
                                    message: "a ` (no-eol)` line must be the last output of its command; it can never match here"))
        }
        command.expected.append(expected)
    }

    /// Takes ` (esc)` and ` (no-eol)` off the end, in either order: cram writes
    /// `… (no-eol) (esc)`, and `… (esc) (no-eol)` reads just as well.
    static func flags(_ raw: String) -> (body: String, isEscaped: Bool, noEOL: Bool) {
        var body = raw, isEscaped = false, noEOL = false
        for _ in 0..<2 {
            if !noEOL, body.hasSuffix(" (no-eol)") { body.removeLast(9); noEOL = true }
            if !isEscaped, body.hasSuffix(" (esc)") { body.removeLast(6); isEscaped = true }
        }
        return (body, isEscaped, noEOL)
    }

    /// `[N]` alone on a line, N a whole number.
    static func exitStatus(_ raw: String) -> Int? {
        guard raw.hasPrefix("["), raw.hasSuffix("]"), raw.count >= 3 else { return nil }
        return Int(raw.dropFirst().dropLast())
    }
}

/// The escapes of a ` (esc)` line, as in cram: `\t`, `\r`, `\xNN` (one byte), `\\`. Anything
/// else after a backslash is an error at its column, so a typo cannot quietly expect the
/// wrong bytes.
enum EscapedText {
    struct Bad: Error { var column: Int; var message: String }

    static func decode(_ text: String) -> Result<String, Bad> {
        let b = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < b.count {
            guard b[i] == UInt8(ascii: "\\") else { out.append(b[i]); i += 1; continue }
            let next = i + 1 < b.count ? b[i + 1] : 0
            switch next {
            case UInt8(ascii: "t"): out.append(0x09); i += 2
            case UInt8(ascii: "r"): out.append(0x0D); i += 2
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); i += 2
            case UInt8(ascii: "x"):
                guard i + 4 <= b.count, b[(i + 2)..<(i + 4)].allSatisfy(isHexDigit),
                      let byte = UInt8(String(decoding: b[(i + 2)..<(i + 4)], as: UTF8.self), radix: 16) else {
                    return .failure(Bad(column: i + 1, message: "`\\x` in an (esc) line needs two hex digits"))
                }
                out.append(byte); i += 4
            default:
                return .failure(Bad(column: i + 1, message: "unknown escape in an (esc) line; use \\t, \\r, \\xNN or \\\\"))
            }
        }
        return .success(String(decoding: out, as: UTF8.self))
    }

    /// The other way, for showing actual output: control bytes become escapes so the diff shows
    /// a line the author can paste back with ` (esc)`. Nil when the line needs none.
    static func encode(_ line: String) -> String? {
        guard line.unicodeScalars.contains(where: needsEscape) else { return nil }
        var out = ""
        for scalar in line.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where needsEscape(scalar): out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (0x30...0x39).contains(c) || (0x41...0x46).contains(c) || (0x61...0x66).contains(c)
    }

    private static func needsEscape(_ s: Unicode.Scalar) -> Bool { s.value < 0x20 || s.value == 0x7F }
}
