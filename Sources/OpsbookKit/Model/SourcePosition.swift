/// A place in a handbook file. Lines are 1-based and count from the top of the file, front matter
/// included; columns are 1-based UTF-8 bytes, the way cmark-gfm counts them.
public struct SourcePosition: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// Relative to the handbook root, e.g. `content/phases/phase-2.md`.
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int, column: Int = 1) {
        self.path = path
        self.line = line
        self.column = column
    }

    public var description: String { "\(path):\(line):\(column)" }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }
}
