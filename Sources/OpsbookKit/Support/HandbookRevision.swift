import Foundation

/// Which version of the handbook a run judged: the git commit of its root, and whether the
/// checkout had uncommitted changes. Nil when the root is not a git checkout or git is missing.
public struct HandbookRevision: Hashable, Sendable {
    public var commit: String
    /// Uncommitted changes (or untracked files) under the handbook root.
    public var dirty: Bool

    public var shortCommit: String { String(commit.prefix(12)) }

    public init(commit: String, dirty: Bool) {
        self.commit = commit
        self.dirty = dirty
    }

    /// `git rev-parse HEAD` and `git status --porcelain` in `root`.
    public static func read(root: URL) -> HandbookRevision? {
        guard let head = git(["rev-parse", "--verify", "HEAD"], in: root), head.status == 0 else { return nil }
        let commit = head.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !commit.isEmpty else { return nil }
        // Only what the site is made from counts: content, checks and theme (not, say, the code beside them).
        let status = git(["status", "--porcelain", "--", "content", "checks", "theme"], in: root)
        return HandbookRevision(commit: commit, dirty: status.map { $0.status != 0 || !$0.output.isEmpty } ?? true)
    }

    private static func git(_ args: [String], in root: URL) -> (status: Int32, output: String)? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", root.path] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
