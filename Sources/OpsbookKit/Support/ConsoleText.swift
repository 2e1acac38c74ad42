/// Text from checks and pages on its way to a terminal or a CI log.
///
/// Command output is untrusted: an escape sequence in it can rewrite the terminal (retitle it,
/// move the cursor, hide lines), and in GitHub Actions a line that starts with `::` is a
/// workflow command (`::add-mask::`, `::error …`, `::stop-commands::`), even after leading
/// spaces. `neutralise` makes both inert while keeping the text readable.
public enum ConsoleText {
    /// Zero-width space: put between the two colons, the line reads the same to a person but no
    /// longer starts with `::` for the runner (which trims only whitespace).
    static let breaker: Character = "\u{200B}"

    public static func neutralise(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { breakWorkflowCommand(showControls(String($0))) }
            .joined(separator: "\n")
    }

    /// C0 controls but tab, DEL and C1 controls as visible text: ESC as `^[`, DEL as `^?`,
    /// C1 (e.g. the 8-bit CSI U+009B) as `<U+009B>`.
    static func showControls(_ line: String) -> String {
        guard line.unicodeScalars.contains(where: isControl) else { return line }
        var out = ""
        for u in line.unicodeScalars {
            if !isControl(u) { out.unicodeScalars.append(u); continue }
            switch u.value {
            case 0x7F: out += "^?"
            case 0x80...0x9F: out += "<U+\(String(u.value, radix: 16, uppercase: true).leftPadded(4))>"
            default: out += "^" + String(UnicodeScalar(u.value + 0x40)!)
            }
        }
        return out
    }

    private static func isControl(_ u: Unicode.Scalar) -> Bool {
        (u.value < 0x20 && u != "\t") || (0x7F...0x9F).contains(u.value)
    }

    static func breakWorkflowCommand(_ line: String) -> String {
        let body = line.drop { $0.isWhitespace }
        guard body.hasPrefix("::") else { return line }
        let indent = line.prefix(line.count - body.count)
        return indent + ":" + String(breaker) + body.dropFirst()
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
