import Foundation

/// A problem that stops the pipeline before or while it works, with no place in the handbook:
/// an unknown target, a refused `--out`, an unreadable results file. The library never prints
/// or exits; the command line shows `diagnostics` first (they often explain the problem, e.g. a
/// broken targets.yaml behind an unknown target), then `message`, and decides the exit status.
public struct PipelineError: Error, CustomStringConvertible, Sendable {
    public var message: String
    /// The command line or setup is wrong (exit 2), as opposed to the work itself failing.
    public var isUsage: Bool
    /// Problems found on the way that explain this one; shown before the message.
    public var diagnostics: [Diagnostic]

    public init(_ message: String, isUsage: Bool = true, diagnostics: [Diagnostic] = []) {
        self.message = message
        self.isUsage = isUsage
        self.diagnostics = diagnostics
    }

    public static func usage(_ message: String, diagnostics: [Diagnostic] = []) -> PipelineError {
        PipelineError(message, isUsage: true, diagnostics: diagnostics)
    }

    public var description: String { message }
}
