import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs one program in its own process group with stdout and stderr merged into one pipe and
/// stdin on /dev/null, and kills the whole group when it times out or when it is done.
///
/// Why not Foundation's `Process` or swift-subprocess: both read output until EOF, and a check
/// that leaves a background child (`sleep 600 &`) keeps the pipe open after the shell exits. We
/// need "the shell exited → kill its group → then finish reading", and a hard stop if a child
/// escaped the group. `posix_spawn` with `POSIX_SPAWN_SETPGROUP` gives that in a few lines, a
/// blocking `waitpid` on its own thread wakes the moment the shell ends (no 50 ms polling), and
/// the reader thread drains the pipe concurrently so a chatty child never blocks.
public struct ShellProcess: Sendable {
    public struct Outcome: Sendable {
        /// Exit status, or 128+signal when killed by a signal; nil when we killed it on timeout.
        public var exitStatus: Int32?
        public var timedOut: Bool
        public var output: Data
        /// True when output beyond `maxOutputBytes` was dropped (the tail is kept).
        public var outputTruncated: Bool
        public var durationMilliseconds: Int
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String
    public var timeoutMilliseconds: Int
    /// Output kept for matching; beyond it the oldest bytes are dropped.
    public var maxOutputBytes = 64 << 20

    public init(executable: String, arguments: [String], environment: [String: String], workingDirectory: String,
                timeoutMilliseconds: Int) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    public func run() throws -> Outcome {
        let start = DispatchTime.now()
        let (readEnd, writeEnd) = try Self.makePipe()
        let tag = ProcessTree.newTag()
        let pid: pid_t, since: UInt64
        do {
            (pid, since) = try LiveShells.spawn(tag: tag) { try spawn(output: writeEnd, tag: tag) }
        } catch {
            close(readEnd); close(writeEnd)
            throw error
        }
        close(writeEnd)

        let reader = PipeReader(fd: readEnd, limit: maxOutputBytes)
        reader.start()
        let waiter = ExitWaiter(pid: pid)
        waiter.start()

        let deadline = DispatchTime.now() + .milliseconds(timeoutMilliseconds)
        let timedOut = waiter.done.wait(timeout: deadline) == .timedOut
        // Kill the whole group: on timeout to stop the check, otherwise to end what it left behind.
        // The shell is not reaped yet (the waiter only waits), so its pid, which is the group's
        // id, cannot have been reused by someone else's process.
        kill(-pid, SIGKILL)
        if timedOut { waiter.done.wait() }
        let status = waiter.reap()
        LiveShells.finished(pid)
        // Then what left the group (setsid): by its tag, and orphans reparented to opsbook.
        ProcessTree.sweep(tag: tag, group: pid, since: since)
        // A descendant that escaped every net may still hold the pipe; stop reading after a grace.
        if reader.done.wait(timeout: .now() + .seconds(2)) == .timedOut {
            reader.stop()
            reader.done.wait()
        }
        close(readEnd)
        let elapsed = Int((DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000)
        return Outcome(exitStatus: timedOut ? nil : status, timedOut: timedOut, output: reader.data,
                       outputTruncated: reader.truncated, durationMilliseconds: elapsed)
    }

    /// A pipe whose ends are close-on-exec from the start (`pipe2`), so a shell started by
    /// another thread at the same moment never inherits them: an inherited write end would keep
    /// this check's output open until that other check ends.
    static func makePipe() throws -> (read: Int32, write: Int32) {
        guard let fds = CloseOnExecPipe.make() else {
            throw SpawnError(description: "pipe2() failed: \(String(cString: strerror(errno)))")
        }
        return fds
    }

    private func spawn(output: Int32, tag: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        guard let addchdir = Self.addchdir else {
            throw SpawnError(description: "this C library has no posix_spawn_file_actions_addchdir_np (glibc >= 2.29 needed)")
        }
        _ = addchdir(&actions, workingDirectory)
        // Belt and braces: no descriptor but 0, 1 and 2 reaches the shell, whoever opened it.
        if let closefrom = Self.addclosefrom { _ = closefrom(&actions, 3) }

        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // Own process group (pgid = pid) so a timeout can kill every descendant at once; default
        // signal dispositions and an empty mask, whatever the Swift runtime set for itself
        // (an ignored SIGPIPE would change how `yes | head` behaves in a check).
        var defaults = sigset_t(), empty = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        sigemptyset(&empty)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        var tagged = environment
        tagged[ProcessTree.tagVariable] = tag
        let envp = tagged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, executable, &actions, &attr, argv, envp)
        guard rc == 0 else { throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(rc)))") }
        return pid
    }
}

extension ShellProcess {
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// glibc has it since 2.29, but Swift's Glibc module does not import the `_np` declaration;
    /// look it up at run time instead of shelling out to `env -C`.
    static let addchdir: AddChdir? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    typealias AddClosefrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc >= 2.34; without it, `pipe2(O_CLOEXEC)` alone keeps opsbook's pipes out of checks.
    static let addclosefrom: AddClosefrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddClosefrom.self)
    }()
}

/// Reads a pipe to EOF on its own thread, keeping at most `limit` bytes (the newest). The bytes
/// live in the thread's own variables while it reads and are handed over once, under a lock,
/// when it ends (`done`).
private final class PipeReader: Sendable {
    let fd: Int32
    let limit: Int
    let done = DispatchSemaphore(value: 0)
    private let result = Locked<(data: Data, truncated: Bool)>((Data(), false))
    private let wake: (read: Int32, write: Int32)

    init(fd: Int32, limit: Int) {
        self.fd = fd
        self.limit = limit
        wake = CloseOnExecPipe.make() ?? (-1, -1)
    }

    deinit {
        close(wake.read); close(wake.write)
    }

    /// What was read; call after `done`.
    var data: Data { result.withLock { $0.data } }
    var truncated: Bool { result.withLock { $0.truncated } }

    func start() {
        Thread.detachNewThread { [self] in
            let read = loop()
            result.withLock { $0 = read }
            done.signal()
        }
    }

    /// Makes the reader give up even though the pipe is still open.
    func stop() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    private func loop() -> (data: Data, truncated: Bool) {
        var data = Data(), truncated = false
        var buffer = [UInt8](repeating: 0, count: 65536)
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&fds, 2, -1)
            if ready < 0 { if errno == EINTR { continue } else { break } }
            if fds[1].revents != 0 { break }
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            data.append(buffer, count: n)
            if data.count > limit {
                data.removeFirst(data.count - limit)
                truncated = true
            }
        }
        return (data, truncated)
    }
}

/// Waits on its own thread until the process has ended, without reaping it (`WNOWAIT`), and
/// signals; `reap` then collects the status. Until then the zombie keeps the pid (and so the
/// process group id) from being reused.
private final class ExitWaiter: Sendable {
    let pid: pid_t
    let done = DispatchSemaphore(value: 0)

    init(pid: pid_t) { self.pid = pid }

    func start() {
        Thread.detachNewThread { [self] in
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
            done.signal()
        }
    }

    /// Call after `done`: exit status, or 128 + signal.
    func reap() -> Int32 {
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS / WTERMSIG, spelled out: the C macros are not imported.
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }
}
