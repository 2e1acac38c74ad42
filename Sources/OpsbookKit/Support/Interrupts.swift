import Foundation
import Synchronization
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
    /// The pipe's write end, read by the signal handler. An `Atomic` because the handler may only
    /// do async-signal-safe things: a lock-free load is one (a `Mutex` is not: a handler that
    /// interrupted the lock's holder on the same thread would wait forever). It is stored before
    /// the handlers are installed, so the handler never sees the global being initialised.
    private static let writeEnd = Atomic<Int32>(-1)
    private static let swapLock = NSLock()
    private static let installed = Atomic<Bool>(false)

    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    private static let stoppingNow = Atomic<Bool>(false)
    /// True once an interrupt is being handled: checks killed by it are not reported as failed.
    public static var isStopping: Bool { stoppingNow.load(ordering: .acquiring) }

    /// Installs the handlers once. Call before anything runs or is written.
    public static func install() {
        guard installed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        guard let pair = CloseOnExecPipe.make(flags: O_NONBLOCK) else { return }
        // The read end blocks; only the handler's write must never block.
        _ = fcntl(pair.read, F_SETFL, fcntl(pair.read, F_GETFL) & ~O_NONBLOCK)
        writeEnd.store(pair.write, ordering: .releasing)
        let readEnd = pair.read
        Thread.detachNewThread { waitAndCleanUp(readEnd) }
        for s in signals {
            signal(s) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(Interrupts.writeEnd.load(ordering: .acquiring), &byte, 1)
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
        stoppingNow.store(true, ordering: .releasing)
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
