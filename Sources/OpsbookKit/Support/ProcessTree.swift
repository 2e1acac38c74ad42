import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Finds and ends what a check left running (contract §6: "after a check ends, no process it
/// started is left running"), and everything still running on an interrupt.
///
/// Three nets, because no single one catches everything:
/// 1. Each check's shell runs in its own process group; `ShellProcess` kills the group.
/// 2. Each check's environment carries `OPSBOOK_CHECK_TAG=<nonce>`, unique per shell. A
///    descendant that called `setsid` has left the group but still carries the tag (environments
///    are inherited), so after the check `killTagged` scans `/proc/*/environ` for it. The nonce is
///    per check, so with `--jobs` > 1 one check's sweep never touches another's processes.
/// 3. A descendant that left the group *and* cleared its environment (`setsid env -i …`) is
///    found because opsbook is a child subreaper (`PR_SET_CHILD_SUBREAPER`, Linux): orphans are
///    reparented to opsbook instead of init. Which check such an orphan came from is unknown, so
///    it is killed when no check is running (after the last running check, at the latest at the
///    end of the run). Zombies reparented to opsbook are reaped at the same points.
///    As a subreaper, net 2 needs no scan of every process either: whatever escaped the group
///    ends up as opsbook's child once its parents in the group are dead (`sweep`).
///
/// Net 3 is enabled only by `adoptOrphans()`, which the command line calls: it assumes every
/// child of the process is either a `ShellProcess` (registered in `LiveShells`) or an orphan.
/// A library user (or the test process) that starts children of its own gets nets 1 and 2 only.
public enum ProcessTree {
    public static let tagVariable = "OPSBOOK_CHECK_TAG"

    /// Set once by `adoptOrphans` (before any check runs), read by every check's sweep.
    private static let adopting = Atomic<Bool>(false)

    /// Makes this process a child subreaper so orphans of checks become its children. Linux only;
    /// elsewhere a no-op (nets 1 and 2 still apply). Call once, before any check runs.
    public static func adoptOrphans() {
        #if os(Linux)
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        // `prctl` is variadic in C and so not callable from Swift; its integer arguments are
        // passed the same way through a fixed prototype.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prctl") else { return }
        let prctl = unsafeBitCast(symbol, to: Prctl.self)
        let PR_SET_CHILD_SUBREAPER: Int32 = 36
        if prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 { adopting.store(true, ordering: .releasing) }
        #endif
    }

    /// A fresh nonce for one shell's environment.
    static func newTag() -> String { UUID().uuidString }

    /// SIGKILLs every process whose environment carries `tag`, until a scan finds none (a
    /// process may fork between a scan and the kill; a killed one cannot fork any more).
    /// Only processes started no earlier than the check's shell (`since`, in clock ticks since
    /// boot) can be its descendants, so only their environments are read.
    static func killTagged(_ tag: String, since: UInt64) {
        let needle = Data("\0\(tagVariable)=\(tag)\0".utf8)
        for _ in 0..<20 {
            let found = processes().filter {
                $0.state != UInt8(ascii: "Z") && $0.startTicks >= since && $0.pid != getpid() && environment(of: $0.pid, contains: needle)
            }
            if found.isEmpty { return }
            for p in found { kill(p.pid, SIGKILL) }
        }
    }

    /// When a process started, in clock ticks since boot (0 if it cannot be read).
    static func startTicks(of pid: pid_t) -> UInt64 {
        entry(of: pid)?.startTicks ?? 0
    }

    /// After a check's shell has ended and its group was killed: ends what it left.
    ///
    /// As a subreaper (`adoptOrphans`), whatever escaped the group is reparented to opsbook
    /// once its parents in the group have died, so only opsbook's own children need looking
    /// at (a few reads of `/proc/self/task/*/children`, instead of every process on the
    /// machine): tagged ones are this check's and are killed (group and process); untagged ones
    /// are killed when no check runs; zombies are reaped. This repeats until the group is empty
    /// and a pass finds nothing (bounded). Without subreaping, `/proc` is scanned for the tag.
    static func sweep(tag: String, group: pid_t, since: UInt64) {
        guard adopting.load(ordering: .acquiring) else {
            killTagged(tag, since: since)
            return
        }
        let needle = Data("\0\(tagVariable)=\(tag)\0".utf8)
        for _ in 0..<100 {
            let groupAlive = kill(-group, 0) == 0
            let acted = LiveShells.withOrphans(among: children()) { orphans, noneRunning in
                var acted = false
                for pid in orphans {
                    guard let entry = entry(of: pid) else { continue }
                    if entry.state == UInt8(ascii: "Z") {
                        var status: Int32 = 0
                        _ = waitpid(pid, &status, WNOHANG)
                        acted = true
                    } else if noneRunning || environment(of: pid, contains: needle) {
                        kill(-pid, SIGKILL)
                        kill(pid, SIGKILL)
                        acted = true
                    }
                }
                return acted
            }
            if !groupAlive && !acted { return }
            if !acted { usleep(1_000) }  // group members still dying; their orphans come next
        }
    }

    /// On interrupt, once every shell's group is killed: kill every remaining child until none
    /// is left (children of killed ones are reparented here in turn), reaping as it goes.
    static func killAllChildren() {
        guard adopting.load(ordering: .acquiring) else { return }
        for _ in 0..<100 {
            let mine = children()
            if mine.isEmpty { return }
            for pid in mine {
                if entry(of: pid)?.state == UInt8(ascii: "Z") {
                    var status: Int32 = 0
                    _ = waitpid(pid, &status, WNOHANG)
                } else {
                    kill(-pid, SIGKILL)
                    kill(pid, SIGKILL)
                }
            }
            usleep(1_000)
        }
    }

    /// This process's children, from every thread's `children` list (a child belongs to the
    /// thread that started it). Falls back to a full scan where the file is missing.
    static func children() -> [pid_t] {
        guard let dir = opendir("/proc/self/task") else { return [] }
        defer { closedir(dir) }
        var out: [pid_t] = []
        while let e = readdir(dir) {
            guard let tid = number(e.pointee.d_name) else { continue }
            guard let list = read("/proc/self/task/\(tid)/children", limit: 1 << 20) else {
                return processes().filter { $0.ppid == getpid() }.map(\.pid)
            }
            out += list.split(separator: 0x20).compactMap { pid_t(String(decoding: $0, as: UTF8.self)) }
        }
        return out
    }

    private static func entry(of pid: pid_t) -> Entry? {
        read("/proc/\(pid)/stat", limit: 1024).flatMap(parseStat)
    }

    /// A /proc directory entry's name as a number, or nil for names that are not.
    private static func number<T>(_ name: T) -> Int32? {
        withUnsafeBytes(of: name) { raw in
            let digits = raw.prefix { $0 != 0 }
            guard !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
            return digits.reduce(Int32(0)) { $0 &* 10 &+ Int32($1 &- 0x30) }
        }
    }

    struct Entry { var pid: pid_t; var ppid: pid_t; var state: UInt8; var startTicks: UInt64 }

    /// Every process in /proc with its parent, state and start time.
    static func processes() -> [Entry] {
        guard let dir = opendir("/proc") else { return [] }
        defer { closedir(dir) }
        var out: [Entry] = []
        while let e = readdir(dir) {
            guard let pid = number(e.pointee.d_name) else { continue }
            if let stat = read("/proc/\(pid)/stat", limit: 1024), let entry = parseStat(stat) { out.append(entry) }
        }
        return out
    }

    /// "pid (comm) S ppid pgrp … starttime …": comm may hold spaces and parentheses, so the
    /// fields are counted from the last ')'. State is field 3, ppid 4, starttime 22.
    static func parseStat(_ stat: [UInt8]) -> Entry? {
        stat.withUnsafeBufferPointer { b -> Entry? in
            guard let close = b.lastIndex(of: UInt8(ascii: ")")) else { return nil }
            var pid: Int64 = 0
            for c in b[..<close] { if c == 0x20 { break }; pid = pid &* 10 &+ Int64(c &- 0x30) }
            var field = 2, value: UInt64 = 0, state: UInt8 = 0, ppid: UInt64 = 0
            var i = close + 1
            while i < b.count {
                let c = b[i]
                if c == 0x20 {
                    if field == 4 { ppid = value }
                    if field == 22 { return Entry(pid: pid_t(pid), ppid: pid_t(ppid), state: state, startTicks: value) }
                    field += 1
                    value = 0
                } else if field == 3 {
                    state = c
                } else {
                    value = value &* 10 &+ UInt64(c &- 0x30)
                }
                i += 1
            }
            return nil
        }
    }

    /// True when `needle` ("\0NAME=value\0") is one whole entry of the process's initial
    /// environment.
    static func environment(of pid: pid_t, contains needle: Data) -> Bool {
        guard let env = read("/proc/\(pid)/environ", limit: 1 << 20) else { return false }
        var framed = Data([0])
        framed.append(contentsOf: env)
        framed.append(0)
        return framed.range(of: needle) != nil
    }

    /// True when a live process's command line contains `text` (tests look for markers).
    public static func anyCommandLine(containing text: String) -> [pid_t] {
        let needle = Array(text.utf8)
        return processes().filter { p in
            p.state != UInt8(ascii: "Z") && (read("/proc/\(p.pid)/cmdline", limit: 1 << 16).map { $0.contains(needle) } ?? false)
        }.map(\.pid)
    }

    private static func read(_ path: String, limit: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while out.count < limit {
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: buffer[0..<n])
        }
        return out
    }
}

/// The shells `ShellProcess` has started and not yet reaped, with their tags. Spawning and
/// reaping orphans happen under one lock, so an orphan sweep never reaps a shell whose
/// `waitpid` belongs to `ShellProcess`.
public enum LiveShells {
    private static let shells = Locked<[pid_t: (tag: String, since: UInt64)]>([:])

    /// Starts a shell under the lock and notes its tag and start time (read before anything
    /// can reap it, so even a shell that exits at once still has its /proc entry).
    static func spawn(tag: String, _ start: () throws -> pid_t) throws -> (pid: pid_t, since: UInt64) {
        Interrupts.checkpoint()  // no new check once an interrupt is handled
        return try shells.withLock { shells in
            let pid = try start()
            let since = ProcessTree.startTicks(of: pid)
            shells[pid] = (tag, since)
            return (pid, since)
        }
    }

    static func finished(_ pid: pid_t) { shells.withLock { _ = $0.removeValue(forKey: pid) } }

    static func withOrphans(among children: [pid_t], _ body: (Set<pid_t>, Bool) -> Bool) -> Bool {
        shells.withLock { shells in body(Set(children.filter { shells[$0] == nil }), shells.isEmpty) }
    }

    /// On interrupt: kill every running shell's group and tagged descendants, then every orphan.
    public static func killAll() {
        let running = shells.withLock { $0 }
        for (pid, shell) in running {
            kill(-pid, SIGKILL)
            ProcessTree.killTagged(shell.tag, since: shell.since)
        }
        shells.withLock { $0 = [:] }
        ProcessTree.killAllChildren()
    }
}
