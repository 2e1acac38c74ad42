import ArgumentParser
import Foundation
import OpsbookKit
import Synchronization

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Build, serve the site on 127.0.0.1, rebuild on change.",
        discussion: HelpExamples.discussion("serve", "Watches content/, checks/ and theme/. Checks run once at start with --checks; otherwise the verdicts of site/results.json are reused, and every rebuild keeps the verdicts it started with, except those of checks whose body changed since (they show not-run). A change to one page rewrites that page and what shows it; a change under checks/ or theme/ rebuilds everything."))

    @OptionGroup var common: CommonOptions
    @OptionGroup var run: RunOptions
    @Option(name: .long, help: "Port on 127.0.0.1.")
    var port: Int = 8000
    @Flag(name: .long, help: "Run the checks once before serving (otherwise reuse the last results).")
    var checks = false
    @Option(name: .long, help: "Where the site is written.")
    var out: String = "site"

    func run() async throws {
        guard (1...65535).contains(port) else { throw ExitStatus.usage("--port \(port) is not a port number") }
        let build = SiteBuild(common: common, out: out, search: true, run: run.settings)
        let first = try await build.build(.serving(build.outURL, runChecks: checks, targets: run.target))
        let options = Pipeline.BuildOptions(run: run.settings, strict: common.strict, search: true)
        let root = common.rootURL
        let session = try Stages.library { try Pipeline.SiteSession(root: root, out: out, after: first, options: options) }
        // Watching starts before the address is printed: an edit made after it is never missed.
        let watcher = try Stages.library { try HandbookWatcher(root: root) }
        let state = ServeState()
        let report = RebuildReport(format: common.format, quiet: common.quiet)
        Thread.detachNewThread {
            var session = session
            session.follow(watcher) { result, time in
                if report.print(result, time) { state.bump() }
            }
        }
        let server = SiteServer(root: build.outURL, state: state)
        let listener: Int32
        do {
            listener = try server.listen(port: port)
        } catch {
            throw ExitStatus.usage("--port \(port): \(error)")
        }
        print("opsbook: serving \(build.outURL.path) at http://127.0.0.1:\(port)/ (Ctrl-C to stop)")
        server.serve(listener)
    }
}

/// One line on stderr per rebuild, and the problems found.
struct RebuildReport: Sendable {
    var format: DiagnosticPrinter.Format
    var quiet: Bool

    /// Prints the outcome; true when the site changed (the pages should reload).
    func print(_ result: Result<SiteUpdate, any Error>, _ time: Duration) -> Bool {
        let ms = time.components.seconds * 1000 + time.components.attoseconds / 1_000_000_000_000_000
        switch result {
        case .failure(let error):
            line("opsbook: rebuild failed (\(error)); serving the previous site")
            return false
        case .success(let update):
            DiagnosticPrinter(format: format).print(update.diagnostics)
            let what = Self.names(update.changes)
            switch update.kind {
            case .stopped:
                line("opsbook: not rebuilt after \(what): the handbook has errors; serving the previous site")
                return false
            case .full:
                if !quiet { line("opsbook: rebuilt everything after \(what) (\(update.pages) pages) in \(ms) ms") }
            case .pages:
                let files = update.written.count
                if !quiet { line("opsbook: rebuilt \(what) (\(files) \(files == 1 ? "file" : "files")) in \(ms) ms") }
            }
            return true
        }
    }

    private static func names(_ changes: [String]) -> String {
        let shown = changes.prefix(3).map { $0 == HandbookWatcher.lostChanges ? "(changes the system lost count of)" : $0 }
        return shown.joined(separator: ", ") + (changes.count > 3 ? " and \(changes.count - 3) more" : "")
    }

    private func line(_ text: String) {
        FileHandle.standardError.write(Data((ConsoleText.neutralise(text) + "\n").utf8))
    }
}

/// A counter the pages poll to know when to reload.
final class ServeState: Sendable {
    private let generation = Atomic<Int>(0)
    func bump() { generation.add(1, ordering: .releasing) }
    var value: Int { generation.load(ordering: .acquiring) }
}
