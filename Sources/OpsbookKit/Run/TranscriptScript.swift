import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
        var output: ActualOutput
        /// nil when the shell ended before this command finished.
        var status: Int?
    }

    /// Cuts the merged output at the marker lines. Output after the last marker goes to the first
    /// command without a marker: that command ended the shell (`exit 3`), so the shell's status is
    /// its status; the commands after it never ran.
    ///
    /// Works on bytes and splits on `\n` only: a bare `\r` at the end of a command's output must
    /// not glue the marker to it. Escape sequences are removed per command, after the split, so
    /// one a command left unterminated cannot swallow the marker.
    func split(_ output: [UInt8], shellStatus: Int?) -> [CommandOutput] {
        var results: [CommandOutput] = []
        var start = 0
        func piece(_ end: Int) -> ActualOutput {
            ActualOutput(bytes: TerminalEscapes.strip(Array(output[start..<end])))
        }
        // Every marker follows a newline the script printed itself: search for "\n" + marker.
        let needle = Array(("\n" + marker + " ").utf8)
        var from = 0
        while results.count < transcript.commands.count, let hit = Self.find(needle, in: output, from: from) {
            let lineStart = hit + 1
            let lineEnd = output[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? output.count
            from = lineEnd
            guard let status = markerStatus(output[lineStart..<lineEnd], expecting: results.count + 1) else { continue }
            // The newline the script printed before the marker is not output: the piece ends before it.
            results.append(CommandOutput(output: piece(hit), status: status))
            start = min(lineEnd + 1, output.count)
        }
        if results.count < transcript.commands.count {
            results.append(CommandOutput(output: piece(output.count), status: shellStatus))
        }
        while results.count < transcript.commands.count { results.append(CommandOutput(output: ActualOutput(""), status: nil)) }
        return results
    }

    /// First occurrence at or after `from` of `needle`, which starts with a newline: `memchr`
    /// for each newline, then `memcmp` (outputs run to megabytes; glibc's `memmem` is not
    /// visible to Swift).
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBufferPointer { n in
                guard let base = h.baseAddress, let first = n.first else { return nil }
                var at = from
                while at + n.count <= h.count {
                    guard let hit = memchr(base + at, Int32(first), h.count - at) else { return nil }
                    let index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if index + n.count > h.count { return nil }
                    if memcmp(base + index, n.baseAddress!, n.count) == 0 { return index }
                    at = index + 1
                }
                return nil
            }
        }
    }

    /// Everything but the marker lines, for a run that timed out before it was split.
    func withoutMarkers(_ output: [UInt8]) -> [UInt8] {
        let prefix = Array(marker.utf8)
        let kept = output.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).filter { !$0.starts(with: prefix) }
        return Array(kept.joined(separator: [UInt8(ascii: "\n")]))
    }

    private func markerStatus(_ line: ArraySlice<UInt8>, expecting index: Int) -> Int? {
        let parts = String(decoding: line, as: UTF8.self).split(separator: " ")
        guard parts.count == 3, parts[0] == marker, Int(parts[1]) == index else { return nil }
        return Int(parts[2])
    }
}
