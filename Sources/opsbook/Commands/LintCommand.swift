import ArgumentParser
import Foundation
import OpsbookKit

struct LintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lint", abstract: "Parse everything, report every problem, run nothing.")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let (handbook, pageProblems) = try Stages.loadAndLint(common)
        let diagnostics = pageProblems + ChecksFolder(root: common.rootURL).lint(for: handbook)
        DiagnosticPrinter(format: common.format).print(diagnostics)
        throw ExitStatus.code(diagnostics: diagnostics, strict: common.strict)
    }
}

/// The stages every command starts with.
enum Stages {
    static func loadAndLint(_ common: CommonOptions) throws -> (Handbook, [Diagnostic]) {
        do {
            let (handbook, loadProblems) = try HandbookLoader(root: common.rootURL).load()
            return (handbook, loadProblems + Linter().lint(handbook))
        } catch let error as HandbookLoader.LoadError {
            throw ExitStatus.usage(error.description)
        }
    }
}

extension Stages {
    static func themeFolder(_ root: URL) -> URL? {
        let theme = root.appendingPathComponent("theme")
        return FileManager.default.fileExists(atPath: theme.path) ? theme : nil
    }
}

extension Stages {
    /// Runs a path check; a refused path is a command-line error (exit 2) naming path and reason.
    static func guarded<T>(_ check: () throws -> T) throws -> T {
        do {
            return try check()
        } catch let refused as OutputPath.Refused {
            throw ExitStatus.usage(refused.description)
        }
    }
}
