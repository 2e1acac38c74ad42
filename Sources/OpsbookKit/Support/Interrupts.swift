import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C, SIGTERM and SIGHUP (contract §6): kill every running check with all its
/// descendants, remove every temporary and staging folder, leave the previous site as it was,
/// exit 128 + signal (130 / 143 / 129).
///
/// The signal handler only writes the signal number to a pipe (the one async-signal-safe thing
/// it needs); a thread of its own reads the pipe and does the cleanup with ordinary code.
/// Swapping a new site in is a critical section (`critical`): the cleanup waits for a swap in
/// progress, so an interrupt never lands between moving the old site away and moving the new
/// one in.
public enum Interrupts {
    nonisolated(unsafe) private static var writeEnd: Int32 = -1
    private static let swapLock = NSLock()
    private static let installLock = NSLock()
    nonisolated(unsafe) private static var installed = false

    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private static let stoppingLock = NSLock()
    nonisolated(unsafe) private static var stoppingNow = false
    /// True once an interrupt is being handled: checks killed by it are not reported as failed.
    public static var isStopping: Bool { stoppingLock.withLock { stoppingNow } }

    /// Installs the handlers once. Call before anything runs or is written.
    public static func install() {
        installLock.lock(); defer { installLock.unlock() }
        guard !installed else { return }
        installed = true
        guard let pair = CloseOnExecPipe.make(flags: O_NONBLOCK) else { return }
        let fds = [pair.read, pair.write]
        // The read end blocks; only the handler's write must never block.
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) & ~O_NONBLOCK)
        writeEnd = fds[1]
        let readEnd = fds[0]
        Thread.detachNewThread { waitAndCleanUp(readEnd) }
        for s in signals {
            signal(s) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(Interrupts.writeEnd, &byte, 1)
            }
        }
    }

    /// Parks the calling thread for good once an interrupt is being handled: the handler ends
    /// the process, and nothing may be started, written or printed meanwhile (a check killed
    /// by the interrupt must not be reported, nor a recording written).
    public static func checkpoint() {
        guard isStopping else { return }
        while true { pause() }
    }

    /// Runs `body` with interrupts' cleanup held off until it returns.
    public static func critical<T>(_ body: () throws -> T) rethrows -> T {
        swapLock.lock(); defer { swapLock.unlock() }
        return try body()
    }

    private static func waitAndCleanUp(_ fd: Int32) {
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n == 1 { break }
            if n < 0 && errno == EINTR { continue }
            return
        }
        let number = Int32(byte)
        stoppingLock.withLock { stoppingNow = true }
        swapLock.lock()  // never released: the process ends below
        LiveShells.killAll()
        TemporaryFolders.removeAll(closing: true)
        let name = number == SIGINT ? "interrupted" : number == SIGTERM ? "terminated" : "hung up"
        let message = "\nopsbook: \(name); stopped every running check and removed temporary folders\n"
        fflush(nil)
        _ = message.withCString { write(2, $0, strlen($0)) }
        _exit(128 + number)
    }
}
