import ArgumentParser
import Foundation
import OpsbookKit

struct LintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lint", abstract: "Parse everything, report every problem, run nothing (--prove: run every check in made-up worlds, isolated, to show it can fail).")

    @OptionGroup var common: CommonOptions
    @Flag(name: .long, help: "Also run every check in made-up worlds (empty answers, errors, an empty cluster) and warn about checks that pass in one.")
    var prove = false
    @Option(name: .long, help: "With --prove: checks run at the same time (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() async throws {
        let (handbook, pageProblems) = try Stages.loadAndLint(common)
        var diagnostics = pageProblems + ChecksFolder(root: common.rootURL).lint(for: handbook)
        if prove {
            // A check the static rules already call vacuous (`|| true`) is not reported twice.
            let found = diagnostics
            diagnostics += try Stages.prove(handbook, root: common.rootURL, jobs: jobs)
                .filter { p in !found.contains { $0.code == p.code && $0.position == p.position } }
        }
        DiagnosticPrinter(format: common.format).print(diagnostics)
        throw ExitStatus.code(diagnostics: diagnostics, strict: common.strict)
    }
}

/// The stages every command starts with.
enum Stages {
    /// `lint --prove`, with the default target's `env` and recorded programs (docs/authoring.md).
    static func prove(_ handbook: Handbook, root: URL, jobs: Int) throws -> [Diagnostic] {
        let (targets, _) = ChecksFolder(root: root).loadTargets()
        let target = targets.defaultName.flatMap { targets.targets[$0] }
        let prover = Prover(root: root, executable: executablePath(), jobs: max(1, jobs),
                            recorded: target?.recorded ?? RunTarget.defaultRecorded, env: target?.env ?? [:])
        return try prover.prove(handbook.checks)
    }

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
