/// One problem found in the handbook or on the command line: lint, YAML, a bad regex, mojibake.
/// Stages return these as values; only the command prints them.
public struct Diagnostic: Hashable, Sendable {
    public enum Severity: String, Sendable, Comparable {
        case note, warning, error
        private var rank: Int { self == .note ? 0 : self == .warning ? 1 : 2 }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var severity: Severity
    public var position: SourcePosition?
    /// A stable id for docs and `--format github`, e.g. `check.unmarked-mutation`.
    public var code: String
    public var message: String

    public init(_ severity: Severity, _ code: String, _ message: String, at position: SourcePosition?) {
        self.severity = severity
        self.code = code
        self.message = message
        self.position = position
    }

    public static func error(_ code: String, _ message: String, at position: SourcePosition?) -> Diagnostic {
        Diagnostic(.error, code, message, at: position)
    }

    public static func warning(_ code: String, _ message: String, at position: SourcePosition?) -> Diagnostic {
        Diagnostic(.warning, code, message, at: position)
    }

    /// The shape compilers print, so editors and CI can jump to the line.
    public var gccStyle: String {
        let place = position.map { "\($0.path):\($0.line):\($0.column): " } ?? "opsbook: "
        return place + "\(severity.rawValue): \(message) [\(code)]"
    }

    /// A GitHub Actions workflow command. GitHub's escaping: `%`, CR and LF in the message;
    /// those and also `:` and `,` in property values (a file name with a comma would otherwise
    /// end the property list).
    public var githubAnnotation: String {
        let level = severity == .error ? "error" : severity == .warning ? "warning" : "notice"
        var props: [String] = []
        if let p = position {
            props = ["file=\(Self.githubProperty(p.path))", "line=\(p.line)", "col=\(p.column)"]
        }
        props.append("title=\(Self.githubProperty(code))")
        return "::\(level) \(props.joined(separator: ","))::\(Self.githubData(message))"
    }

    static func githubData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    static func githubProperty(_ s: String) -> String {
        githubData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Stable order for output and goldens: by file, line, column, then message.
    public func sortedForOutput() -> [Diagnostic] {
        sorted {
            let a = $0.position ?? SourcePosition(path: "", line: 0)
            let b = $1.position ?? SourcePosition(path: "", line: 0)
            return a == b ? $0.message < $1.message : a < b
        }
    }
}
extension Diagnostic: Error {}
