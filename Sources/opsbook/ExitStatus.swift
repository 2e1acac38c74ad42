import ArgumentParser
import OpsbookKit

/// The one place the exit status is decided (contract §8): 2 when the handbook or command line is
/// wrong, 1 when a check or criterion failed, 0 otherwise.
enum ExitStatus {
    static func code(diagnostics: [Diagnostic], strict: Bool, anyFailure: Bool = false) -> ExitCode {
        let errors = diagnostics.contains { $0.severity == .error || (strict && $0.severity == .warning) }
        if errors { return ExitCode(2) }
        return anyFailure ? ExitCode(1) : .success
    }

    /// A problem with the command line or setup that has no place in the handbook.
    static func usage(_ message: String) -> ExitCode {
        DiagnosticPrinter(format: .text).print(.error("usage", message, at: nil))
        return ExitCode(2)
    }
}
