import ArgumentParser
import Foundation
import OpsbookKit

/// Options shared by `check` and `build` for running checks.
struct RunOptions: ParsableArguments {
    @Option(name: .long, help: "Target from checks/targets.yaml (default: its `default`); several as a,b, or all.")
    var target: String?
    @Flag(name: .long, help: "Run checks marked `mutates` too.")
    var allowMutations = false
    /// `.unconditional`: `--jobs -1` reaches `validate` instead of "Missing value".
    @Option(name: .long, parsing: .unconditional, help: "Checks run at the same time (default: number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs \(jobs): give how many checks may run at once, 1 or more") }
    }

    var settings: RunSettings { RunSettings(allowMutations: allowMutations, jobs: jobs) }
}

/// The command line's side of the library's pipeline (`OpsbookKit/Pipeline`): the library
/// returns values and throws `PipelineError`; this turns them into output and exit statuses.
enum Stages {
    /// Calls the library; a `PipelineError` shows its diagnostics, then its message, and exits 2.
    static func library<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PipelineError {
            DiagnosticPrinter(format: .text).print(error.diagnostics)
            if error.isUsage { throw ExitStatus.usage(error.message) }
            throw error
        }
    }

    /// `library` for the async entry points (`check`, `record`, `build`): awaited, so the pipeline
    /// never blocks a thread of the cooperative pool.
    static func library<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PipelineError {
            DiagnosticPrinter(format: .text).print(error.diagnostics)
            if error.isUsage { throw ExitStatus.usage(error.message) }
            throw error
        }
    }

    /// The terminal summary, grouped by target when there are several.
    static func printSummaries(_ runs: [TargetRun], format: DiagnosticPrinter.Format, quiet: Bool = false) {
        for run in runs {
            if runs.count > 1 { FileHandle.standardOutput.write(Data("\n== target \(run.setup.target.name) ==\n".utf8)) }
            SummaryPrinter(format: format, quiet: quiet).print(run.results)
        }
        if runs.count > 1 {
            let failing = runs.filter { $0.results.anyFailure }.map(\.setup.target.name)
            let line = "\ntargets: \(runs.count - failing.count) of \(runs.count) passing" + (failing.isEmpty ? "" : "; failing: " + failing.joined(separator: ", "))
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}
