import ArgumentParser
import Foundation
import OpsbookKit

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changed between two runs: new failures first, then fixes, then changes of evidence.",
        discussion: """
        Exit status: 0 nothing regressed, 1 something that passed now fails, 2 a file cannot be read.

        Examples:
          opsbook diff yesterday.json today.json
          opsbook diff --history h/ --target prod            # the last two runs of prod
          opsbook diff --history h/ --target prod --since 24h --format markdown
        """
    )

    @Argument(help: "OLD.json NEW.json (results files); leave out with --history.")
    var files: [String] = []
    @Option(name: .long, help: "Compare runs kept in this history folder instead of two files.")
    var history: String?
    @Option(name: .long, help: "With --history: the target whose runs to compare (needed when the folder holds several).")
    var target: String?
    @Option(name: .long, help: "With --history: compare the newest run with the oldest one at most this old (24h, 7d); default: the run before it.")
    var since: String?
    @Option(name: .long, help: "text, or markdown (for a merge-request comment).")
    var format: String = "text"

    func validate() throws {
        guard ["text", "markdown"].contains(format) else { throw ValidationError("--format \(format): use text or markdown") }
        if history == nil && files.count != 2 { throw ValidationError("give OLD.json and NEW.json, or --history DIR") }
        if history != nil && !files.isEmpty { throw ValidationError("give either two files or --history, not both") }
        if let since, History.Keep(since).map({ if case .age = $0 { true } else { false } }) != true {
            throw ValidationError("--since \(since): give an age such as 24h or 7d")
        }
    }

    func run() throws {
        let (old, new, oldName, newName) = try history.map(fromHistory) ?? fromFiles()
        let diff = RunDiff(old: old, new: new)
        print(diff.render(markdown: format == "markdown", oldName: oldName, newName: newName), terminator: "")
        if diff.regressed { throw ExitCode(1) }
    }

    private func fromFiles() throws -> (RunRecord, RunRecord, String, String) {
        (try read(files[0]), try read(files[1]), files[0], files[1])
    }

    private func read(_ path: String) throws -> RunRecord {
        do {
            return try RunRecord.read(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ExitStatus.usage("\(path): \((error as? RunRecord.ReadError)?.description ?? error.localizedDescription)")
        }
    }

    private func fromHistory(_ folder: String) throws -> (RunRecord, RunRecord, String, String) {
        let runs: [String: [RunRecord]]
        do { runs = try History(folder: URL(fileURLWithPath: folder)).runs() } catch { throw ExitStatus.usage("\(error)") }
        guard let name = target ?? (runs.count == 1 ? runs.keys.first : nil) else {
            throw ExitStatus.usage("--history \(folder) holds runs of \(runs.keys.sorted().joined(separator: ", ")); name one with --target")
        }
        guard let mine = runs[name], mine.count >= 2 else {
            throw ExitStatus.usage("--history \(folder): fewer than two runs of target `\(name)`")
        }
        let new = mine[mine.count - 1]
        var old = mine[mine.count - 2]
        if let since, case .age(let seconds)? = History.Keep(since), let newest = new.time {
            old = mine.dropLast().first { ($0.time ?? .distantPast) >= newest.addingTimeInterval(-Double(seconds)) } ?? old
        }
        func label(_ r: RunRecord) -> String { "\(name) \(r.time.map(ResultsFile.timestamp) ?? "?")" }
        return (old, new, label(old), label(new))
    }
}
