import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tells `serve` which files of the handbook changed: inotify watches on `content/`, `checks/`,
/// `theme/` and every folder below them (added as folders appear), and on the root for those
/// three folders appearing. Nothing polls: `next` blocks in `poll(2)` until the kernel reports
/// a change.
///
/// An editor's save is a burst (write a temporary file, rename the old one away, rename the
/// new one in): changes are collected until `debounce` passes with none, then returned at once.
public final class HandbookWatcher: Sendable {
    public static let folders = ["content", "checks", "theme"]
    /// Reported when the kernel's queue overflowed and changes were lost: not a handbook path,
    /// so the session builds everything.
    public static let lostChanges = "."

    private let root: URL
    private let fd: Int32
    /// Watched folder by watch descriptor, relative to the root ("" for the root). Only the
    /// thread in `next` touches it; the lock makes the watcher safe to hand to that thread.
    private let folders = Locked<[Int32: String]>([:])
    private static let fileEvents = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE)
    private static let folderEvents = UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

    public init(root: URL) throws {
        self.root = root.standardizedFileURL
        fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw PipelineError("cannot watch the handbook: inotify_init1: \(String(cString: strerror(errno)))", isUsage: false) }
        watch("")
        for folder in Self.folders { watchTree(folder) }
    }

    deinit { close(fd) }

    /// Blocks until something changes; returns the changed paths, relative to the root.
    public func next(debounce: Duration = .milliseconds(25)) -> Set<String> {
        var changes: Set<String> = []
        while changes.isEmpty { changes.formUnion(read(timeout: -1)) }
        let quiet = Int32(debounce.components.seconds * 1000 + debounce.components.attoseconds / 1_000_000_000_000_000)
        while true {
            let more = read(timeout: quiet)
            if more.isEmpty { return changes }
            changes.formUnion(more)
        }
    }

    /// One batch of events, or none when `timeout` (ms, -1 for none) passes first.
    private func read(timeout: Int32) -> Set<String> {
        var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let n = poll(&ready, 1, timeout)
        guard n > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let count = Glibc.read(fd, &buffer, buffer.count)
        guard count > 0 else { return [] }
        return events(buffer[0..<count])
    }

    /// Parses `struct inotify_event` records: wd, mask, cookie, len, then `len` name bytes.
    private func events(_ bytes: ArraySlice<UInt8>) -> Set<String> {
        var changes: Set<String> = []
        var offset = bytes.startIndex
        while offset + 16 <= bytes.endIndex {
            func word(_ at: Int) -> UInt32 {
                bytes[at..<at + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) }  // little-endian
            }
            let wd = Int32(bitPattern: word(offset))
            let mask = word(offset + 4)
            let length = Int(word(offset + 12))
            let nameBytes = bytes[(offset + 16)..<min(offset + 16 + length, bytes.endIndex)].prefix { $0 != 0 }
            offset += 16 + length
            if mask & UInt32(IN_Q_OVERFLOW) != 0 { changes.insert(Self.lostChanges); continue }
            if mask & UInt32(IN_IGNORED) != 0 { folders.withLock { $0[wd] = nil }; continue }
            guard let folder = folders.withLock({ $0[wd] }) else { continue }
            if mask & (UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)) != 0 {
                if !folder.isEmpty { changes.insert(folder) }
                continue
            }
            let name = String(decoding: nameBytes, as: UTF8.self)
            guard !name.isEmpty else { continue }
            let path = folder.isEmpty ? name : folder + "/" + name
            // At the root only the three folders count.
            if folder.isEmpty && !Self.folders.contains(name) { continue }
            if mask & UInt32(IN_ISDIR) != 0 && mask & (UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)) != 0 { watchTree(path) }
            changes.insert(path)
        }
        return changes
    }

    /// Watches `relative` and every folder below it (symbolic links are not followed, as the
    /// loader reads a linked folder once).
    private func watchTree(_ relative: String) {
        guard watch(relative) else { return }
        let url = root.appendingPathComponent(relative)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return }
        for name in names {
            var info = stat()
            if lstat(url.appendingPathComponent(name).path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                watchTree(relative + "/" + name)
            }
        }
    }

    @discardableResult
    private func watch(_ relative: String) -> Bool {
        let path = relative.isEmpty ? root.path : root.appendingPathComponent(relative).path
        let mask = relative.isEmpty ? UInt32(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ONLYDIR)
                                    : Self.fileEvents | Self.folderEvents
        let wd = inotify_add_watch(fd, path, mask)
        guard wd >= 0 else { return false }
        folders.withLock { $0[wd] = relative }
        return true
    }
}
