import ArgumentParser
import Foundation
import OpsbookKit

/// Prints diagnostics to stderr, as `path:line:col: severity: message` or GitHub annotations.
struct DiagnosticPrinter {
    enum Format: String, ExpressibleByArgument { case text, github }

    var format: Format
    var useColor: Bool = Terminal.stderrIsColorTTY

    func print(_ diagnostics: [Diagnostic]) {
        for d in diagnostics.sortedForOutput() { print(d) }
    }

    func print(_ d: Diagnostic) {
        var d = d
        d.message = ConsoleText.neutralise(d.message)  // messages quote pages and output
        let line: String
        switch format {
        case .github: line = d.githubAnnotation
        case .text: line = useColor ? colored(d) : d.gccStyle
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    private func colored(_ d: Diagnostic) -> String {
        let code = d.severity == .error ? "31" : d.severity == .warning ? "33" : "36"
        return d.gccStyle.replacingOccurrences(of: " \(d.severity.rawValue): ",
                                               with: " \u{1B}[1;\(code)m\(d.severity.rawValue)\u{1B}[0m: ")
    }
}

enum Terminal {
    static var colorAllowed: Bool { ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true }
    static var stderrIsColorTTY: Bool { isatty(2) != 0 && colorAllowed }
    static var stdoutIsColorTTY: Bool { isatty(1) != 0 && colorAllowed }
}
