import Foundation

/// Runs all commands of a transcript in one shell, so `cd` and variables carry over, and still
/// gets each command's own output and exit status back.
///
/// After each command the script prints a marker line carrying a random nonce, the command's
/// index and its status. The nonce is made fresh for every run and never appears in the
/// environment, so a command cannot print a marker by accident; markers must also arrive in order
/// (index 1, 2, …), and anything else is treated as command output. The price, as in scrut: an
/// `exit` in one command ends the shell, and the commands after it count as not run.
struct TranscriptScript {
    var transcript: Transcript
    let nonce = (0..<4).map { _ in String(UInt32.random(in: .min ... .max), radix: 16) }.joined()

    var marker: String { "OPSBOOK-MARK-\(nonce)" }

    var text: String {
        var script = ""
        for (index, command) in transcript.commands.enumerated() {
            script += command.command + "\n"
            // The leading \n ends a last line that lacked one; `split` takes exactly one back off.
            script += "__opsbook_status=$?; printf '\\n%s %d %d\\n' '\(marker)' \(index + 1) \"$__opsbook_status\"\n"
        }
        return script
    }

    struct CommandOutput {
        var output: String
        /// nil when the shell ended before this command finished.
        var status: Int?
    }

    /// Cuts the merged output at the marker lines. Output after the last marker goes to the first
    /// command without a marker: that command ended the shell (`exit 3`), so the shell's status is
    /// its status; the commands after it never ran.
    func split(_ output: String, shellStatus: Int?) -> [CommandOutput] {
        var results: [CommandOutput] = []
        var current: [Substring] = []
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines {
            if let status = markerStatus(line, expecting: results.count + 1) {
                // Drop the newline the marker printed before itself.
                results.append(CommandOutput(output: current.joined(separator: "\n"), status: status))
                current = []
            } else {
                current.append(line)
            }
        }
        if results.count < transcript.commands.count {
            results.append(CommandOutput(output: current.joined(separator: "\n"), status: shellStatus))
        }
        while results.count < transcript.commands.count { results.append(CommandOutput(output: "", status: nil)) }
        return results
    }

    private func markerStatus(_ line: Substring, expecting index: Int) -> Int? {
        let parts = line.split(separator: " ")
        guard parts.count == 3, parts[0] == marker, Int(parts[1]) == index else { return nil }
        return Int(parts[2])
    }
}
