import Foundation

/// Builds the site's offline search index with Pagefind (PyPI `pagefind_bin_extended`, which
/// segments Chinese). Reads the rendered site and nothing else; writes `pagefind/` into it.
public struct PagefindIndexer: Sendable {
    public var python: String
    public var timeoutMilliseconds = 300_000

    public init(python: String = "python3") { self.python = python }

    /// Returns a warning instead of failing when Pagefind is not installed: a site without search
    /// is still a good site.
    public func index(_ site: URL) -> [Diagnostic] {
        let process = ShellProcess(executable: python, arguments: ["-m", "pagefind_bin_extended", "--site", site.path],
                                   environment: ProcessInfo.processInfo.environment, workingDirectory: site.path,
                                   timeoutMilliseconds: timeoutMilliseconds)
        do {
            let outcome = try process.run()
            if outcome.exitStatus == 0 { return [] }
            let tail = String(decoding: outcome.output.suffix(400), as: UTF8.self)
            let hint = tail.contains("No module named") ? "install it with `pip install pagefind_bin_extended`" : tail
            return [.warning("search.not-built", "search index not built: \(hint)", at: nil)]
        } catch {
            return [.warning("search.not-built", "search index not built: \(error)", at: nil)]
        }
    }
}
