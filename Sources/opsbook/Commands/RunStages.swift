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
}

/// Everything a run needs from `checks/`, read and validated before anything runs.
struct RunSetup {
    var target: RunTarget
    var fixtures: FixtureSet?
    var attestations: [Attestation]
    var redactor: Redactor
    var diagnostics: [Diagnostic]
}

extension Stages {
    /// Load, lint and read `checks/`; print every problem; stop with exit 2 if any is an error.
    static func prepareRun(_ common: CommonOptions, targetName: String?) throws -> (Handbook, RunSetup, [Diagnostic]) {
        let (handbook, lint) = try loadAndLint(common)
        let setup = try setUpRun(handbook, root: common.rootURL, targetName: targetName)
        let diagnostics = lint + setup.diagnostics
        DiagnosticPrinter(format: common.format).print(diagnostics)
        let status = ExitStatus.code(diagnostics: diagnostics, strict: common.strict)
        if status != .success { throw status }
        return (handbook, setup, diagnostics)
    }

    static func setUpRun(_ handbook: Handbook, root: URL, targetName: String?) throws -> RunSetup {
        let folder = ChecksFolder(root: root)
        let (targets, targetProblems) = folder.loadTargets()
        let (attestations, attestationProblems) = folder.loadAttestations(for: handbook)
        let (redactor, redactProblems) = folder.loadRedactor()
        var diagnostics = targetProblems + attestationProblems + redactProblems
        // A broken targets.yaml explains a missing target: show its problems before saying so.
        func stop(_ message: String) -> ExitCode {
            DiagnosticPrinter(format: .text).print(diagnostics)
            return ExitStatus.usage(message)
        }
        guard let name = targetName ?? targets.defaultName else {
            throw stop("no --target given and checks/targets.yaml names no default")
        }
        guard let target = targets.targets[name] else {
            let known = targets.names.isEmpty ? "none defined" : targets.names.joined(separator: ", ")
            throw stop("unknown target `\(name)`; known targets: \(known)")
        }
        var fixtures: FixtureSet? = nil
        if target.isReplay {
            let (set, problems) = FixtureSet.load(folders: target.fixtures, root: root, positions: target.fixturePositions)
            fixtures = set
            diagnostics += problems + set.unknownCheckWarnings(knownIDs: Set(handbook.checks.map(\.id)))
        }
        return RunSetup(target: target, fixtures: fixtures, attestations: attestations,
                        redactor: redactor.hiding(secretsOf: target.env), diagnostics: diagnostics)
    }

    static func runChecks(_ checks: [CheckBlock], setup: RunSetup, root: URL, options: RunOptions,
                          reporter: ProgressReporter) throws -> [CheckResult] {
        var runner = CheckRunner(target: setup.target, root: root, jobs: options.jobs, allowMutations: options.allowMutations,
                                 redactor: setup.redactor, executable: executablePath())
        runner.fixtures = setup.fixtures
        reporter.start(total: checks.count, target: setup.target.name)
        let results = try runner.run(checks) { result, done, total in reporter.finished(result, done: done, total: total) }
        Interrupts.checkpoint()  // checks killed by an interrupt are not results
        reporter.end()
        return results
    }

    /// The running opsbook binary, for the fixture stand-ins to call back into.
    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}
