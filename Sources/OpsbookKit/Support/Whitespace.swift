extension StringProtocol {
    /// What Foundation's `trimmingCharacters(in: .whitespaces)` returns: spaces (Unicode category
    /// Zs, and U+200B), tabs taken off both ends, nothing else (not `\r`, not `\n`). Foundation goes through
    /// NSString and UTF-16 for it; on a 1000-page build that trip was a twentieth of the CPU time.
    /// `WhitespaceTests` compares the two.
    func trimmingWhitespaces() -> String {
        let scalars = unicodeScalars
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, isWhitespace(scalars[start]) { start = scalars.index(after: start) }
        while end > start {
            let last = scalars.index(before: end)
            guard isWhitespace(scalars[last]) else { break }
            end = last
        }
        return String(self[start..<end])
    }
}

/// A member of Foundation's `CharacterSet.whitespaces` on Linux: U+0009, category Zs, and the
/// zero-width space U+200B (category Cf, but in swift-corelibs-foundation's set; `WhitespaceTests`
/// checks every scalar).
@inline(__always)
func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.value < 0x80 { return scalar == " " || scalar == "\t" }
    return scalar.value == 0x200B || scalar.properties.generalCategory == .spaceSeparator
}
