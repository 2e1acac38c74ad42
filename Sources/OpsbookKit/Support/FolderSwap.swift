import Foundation

/// Builds a folder beside its destination, then swaps it in, so a failed or interrupted build
/// never leaves half a folder and the previous one stays until the new one is complete.
///
/// Every name it creates is fresh (`mkdtemp`): it never removes or reuses a file that happens to
/// have the name it would pick. Staging folders are registered with `TemporaryFolders` so an
/// interrupt removes them.
public enum FolderSwap {
    /// A new empty folder `.<name>.<purpose>-XXXXXX` beside `destination`.
    public static func makeStaging(beside destination: URL, purpose: String) throws -> URL {
        let parent = destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging: URL
        do {
            staging = try makeTemporaryFolder(in: parent, prefix: ".\(destination.lastPathComponent).\(purpose)")
        } catch let refused as OutputPath.Refused {
            throw OutputPath.Refused(option: "cannot write", path: destination.path, reason: refused.reason)
        }
        TemporaryFolders.register(staging)
        return staging
    }

    /// Removes a staging folder that will not be swapped in.
    public static func discard(_ staging: URL) {
        try? FileManager.default.removeItem(at: staging)
        TemporaryFolders.unregister(staging)
    }

    /// Replaces `destination` (if any) with `staging`. The old folder is first moved into a fresh
    /// folder of its own (a rename onto an existing empty folder would succeed silently), then
    /// removed once the new one is in place.
    public static func swapIn(_ staging: URL, at destination: URL) throws {
        try Interrupts.critical { try swap(staging, at: destination) }
    }

    private static func swap(_ staging: URL, at destination: URL) throws {
        let fm = FileManager.default
        var old: URL? = nil
        if fm.fileExists(atPath: destination.path) {
            let holder = try makeTemporaryFolder(in: destination.deletingLastPathComponent(),
                                                 prefix: ".\(destination.lastPathComponent).old")
            TemporaryFolders.register(holder)
            old = holder
            try rename(destination, to: holder.appendingPathComponent("previous"))
        }
        do {
            try rename(staging, to: destination)
        } catch {
            if let old { try? rename(old.appendingPathComponent("previous"), to: destination) }
            throw error
        }
        TemporaryFolders.unregister(staging)
        if let old {
            try? fm.removeItem(at: old)
            TemporaryFolders.unregister(old)
        }
    }

    /// `mkdtemp` in `folder`: a name nobody else has, created atomically.
    public static func makeTemporaryFolder(in folder: URL, prefix: String) throws -> URL {
        var template = Array((folder.path + "/\(prefix)-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw OutputPath.Refused(option: "cannot write in", path: folder.path,
                                     reason: "cannot create a folder in \(folder.path): \(String(cString: strerror(errno)))")
        }
        return URL(fileURLWithPath: String(cString: made))
    }

    private static func rename(_ from: URL, to: URL) throws {
        guard Foundation.rename(from.path, to.path) == 0 else {
            throw OutputPath.Refused(option: "cannot write", path: to.path,
                                     reason: "cannot move \(from.path) there: \(String(cString: strerror(errno)))")
        }
    }
}

/// Temporary and staging folders opsbook has made and not yet removed. An interrupt removes
/// them all (`Interrupts`); normal code unregisters a folder once it is removed or swapped in.
public enum TemporaryFolders {
    private struct Registry {
        var paths: Set<String> = []
        /// An interrupt's cleanup has started.
        var closed = false
    }
    private static let registry = Locked(Registry())

    /// After an interrupt's cleanup has started, a new folder is removed at once and the
    /// calling thread parked (see `Interrupts.checkpoint`).
    public static func register(_ url: URL) {
        let open = registry.withLock { r -> Bool in
            if r.closed { return false }
            r.paths.insert(url.path)
            return true
        }
        if !open {
            try? FileManager.default.removeItem(at: url)
            Interrupts.checkpoint()
        }
    }
    public static func unregister(_ url: URL) { registry.withLock { _ = $0.paths.remove(url.path) } }

    /// Removes every registered folder; with `closing`, later ones too (on interrupt).
    public static func removeAll(closing: Bool = false) {
        let all = registry.withLock { r -> Set<String> in
            let p = r.paths
            r.paths = []
            if closing { r.closed = true }
            return p
        }
        // A worker thread may still be removing its own files inside: retry until gone.
        for path in all {
            for _ in 0..<20 where FileManager.default.fileExists(atPath: path) {
                if (try? FileManager.default.removeItem(atPath: path)) == nil { usleep(5_000) }
            }
        }
    }
}
