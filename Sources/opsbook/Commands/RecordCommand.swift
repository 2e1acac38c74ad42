import ArgumentParser
import Foundation
import OpsbookKit

struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Run the checks against a real target and write what the recorded programs answered as fixtures.",
        discussion: "Writes checks/fixtures/<into>/<check-id>.yaml, replacing that folder's previous recording. Output is redacted before it is written.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var run: RunOptions
    @Option(name: .long, help: "Fixture folder name under checks/fixtures/ to write.")
    var into: String

    func run() async throws {
        guard into.wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9._-]*/) != nil else {
            throw ExitStatus.usage("--into \(into): use a plain folder name such as demo or lab")
        }
        let (handbook, setup, diagnostics) = try Stages.prepareRun(common, targetName: run.target)
        if setup.target.isReplay {
            throw ExitStatus.usage("target `\(setup.target.name)` replays fixtures; record from a real target")
        }
        var runner = CheckRunner(target: setup.target, root: common.rootURL, jobs: run.jobs, allowMutations: run.allowMutations,
                                 redactor: setup.redactor, executable: Stages.executablePath())
        runner.mode = .record
        let reporter = ProgressReporter()
        reporter.start(total: handbook.checks.count, target: setup.target.name)
        let folder = common.rootURL.appendingPathComponent("checks/fixtures").appendingPathComponent(into).standardizedFileURL
        let started = Date()
        let checkResults = try runner.run(handbook.checks, progress: { r, d, t in reporter.finished(r, done: d, total: t) }) { calls in
            Interrupts.checkpoint()  // an interrupted recording writes nothing
            try Self.replace(folder) { staging in
                let header = "recorded by `opsbook record --target \(setup.target.name)` on \(ResultsFile.timestamp(Date())); edit freely"
                try FixtureRecorder.write(calls, into: staging, redactor: setup.redactor, header: header)
            }
        }
        reporter.end()
        let results = Results(handbook: handbook, checks: checkResults, attestations: setup.attestations,
                              target: setup.target.name, started: started, finished: Date(), today: Day.today())
        SummaryPrinter(format: common.format).print(results)
        let count = checkResults.count
        print("opsbook: recorded \(count) \(count == 1 ? "check" : "checks") into \(folder.path)")
        throw ExitStatus.code(diagnostics: diagnostics, strict: common.strict, anyFailure: results.anyFailure)
    }

    /// Writes into a staging folder and swaps it in, so a failed recording leaves the old one.
    static func replace(_ folder: URL, write: (URL) throws -> Void) throws {
        let staging = try FolderSwap.makeStaging(beside: folder, purpose: "recording")
        do {
            try write(staging)
            try FolderSwap.swapIn(staging, at: folder)
        } catch {
            FolderSwap.discard(staging)
            throw error
        }
    }
}

/// What the stand-ins call while recording. Not for people.
struct FixtureRecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fixture-record", shouldDisplay: false)

    @Argument(parsing: .captureForPassthrough) var argv: [String] = []

    func run() throws {
        let env = ProcessInfo.processInfo.environment
        guard let log = env["OPSBOOK_RECORD_LOG"], let realPath = env["OPSBOOK_REAL_PATH"] else {
            FileHandle.standardError.write(Data("opsbook fixture-record: run only by opsbook's stand-ins during a recording\n".utf8))
            throw ExitCode(2)
        }
        let stdin = isatty(0) != 0 ? Data() : FileHandle.standardInput.readDataToEndOfFile()
        let status = FixtureRecorder.record(argv: argv, stdin: stdin, check: env["OPSBOOK_CHECK_ID"] ?? "", realPath: realPath,
                                            kubeContext: env["OPSBOOK_KUBE_CONTEXT"], log: URL(fileURLWithPath: log),
                                            redactor: FixtureRecorder.standInRedactor(environment: env))
        throw ExitCode(status)
    }
}
