import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `pipe2(fds, O_CLOEXEC | extra)`: both ends close-on-exec from the moment they exist, so a
/// child started by another thread at the same moment cannot inherit them (`pipe` then
/// `fcntl(FD_CLOEXEC)` leaves a window). Swift's Glibc module hides `pipe2` behind
/// `_GNU_SOURCE`, so it is looked up at run time like `posix_spawn_file_actions_addchdir_np`.
enum CloseOnExecPipe {
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32

    static let pipe2: Pipe2? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else { return nil }
        return unsafeBitCast(symbol, to: Pipe2.self)
    }()

    /// Returns (read, write), or nil with `errno` set.
    static func make(flags: Int32 = 0) -> (read: Int32, write: Int32)? {
        var fds: [Int32] = [-1, -1]
        guard let pipe2, pipe2(&fds, O_CLOEXEC | flags) == 0 else { return nil }
        return (fds[0], fds[1])
    }
}
