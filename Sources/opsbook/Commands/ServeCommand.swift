import ArgumentParser
import Foundation
import OpsbookKit

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Build, serve the site on 127.0.0.1, rebuild on change.",
        discussion: HelpExamples.discussion("serve", "Watches content/, checks/ and theme/. Checks run once at start with --checks; otherwise the verdicts of site/results.json are reused, and every rebuild keeps the verdicts it started with."))

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
        let first = try build.build(initialSource(build)).verdicts[0]
        let verdicts = Pipeline.VerdictSource.given(first.checks ?? [], target: first.target, started: first.started,
                                                    finished: first.finished)
        let keep = first.checks == nil ? Pipeline.VerdictSource.none : verdicts
        let state = ServeState()
        let watcher = Watcher(root: common.rootURL)
        Thread.detachNewThread {
            watcher.loop {
                do {
                    _ = try build.build(keep)
                    state.bump()
                } catch {
                    FileHandle.standardError.write(Data("opsbook: rebuild failed; serving the previous site\n".utf8))
                }
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

    private func initialSource(_ build: SiteBuild) -> Pipeline.VerdictSource {
        if checks { return .run(targets: run.target) }
        let last = build.outURL.appendingPathComponent("results.json")
        // Read into memory before the build replaces the file.
        if let data = try? Data(contentsOf: last), let earlier = try? ResultsFile.read(data), !earlier.checks.isEmpty {
            return .given(earlier.checks, target: earlier.target, started: earlier.started, finished: earlier.finished)
        }
        return .none
    }
}

/// A counter the pages poll to know when to reload.
final class ServeState: @unchecked Sendable {
    private var generation = 0
    private let lock = NSLock()
    func bump() { lock.lock(); generation += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return generation }
}

/// Notices changes under content/, checks/ and theme/ by comparing file sizes and modification
/// times twice a second: cheap for a handbook, and the same on every file system.
struct Watcher: Sendable {
    var root: URL

    func loop(onChange: () -> Void) {
        var last = fingerprint()
        while true {
            Thread.sleep(forTimeInterval: 0.5)
            let now = fingerprint()
            if now != last {
                last = now
                onChange()
            }
        }
    }

    func fingerprint() -> [String: String] {
        var out: [String: String] = [:]
        for folder in ["content", "checks", "theme"] {
            let dir = root.appendingPathComponent(folder)
            guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.contentModificationDateKey, .fileSizeKey]) else { continue }
            while let url = e.nextObject() as? URL {
                let v = try? url.resourceValues(forKeys: [.contentModificationDateKey, .fileSizeKey])
                out[url.path] = "\(v?.contentModificationDate?.timeIntervalSince1970 ?? 0):\(v?.fileSize ?? 0)"
            }
        }
        return out
    }
}
