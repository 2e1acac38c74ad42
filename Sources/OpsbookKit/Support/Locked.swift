import Foundation
import Synchronization

/// A value threads share, behind a lock: what opsbook uses instead of the standard library's
/// `Mutex` on its own.
///
/// The value lives in a `Mutex`, so the compiler checks that it is only reached inside
/// `withLock` and that nothing non-`Sendable` escapes it. The `NSLock` around it is for
/// ThreadSanitizer: on Linux a contended `Mutex` waits in a futex inside the Synchronization
/// library, which is not built for TSan, so TSan cannot see that the lock orders the accesses
/// and reports every contended `Mutex` as a race (four threads updating one `Mutex<[Int: Int]>`
/// reproduce it). TSan does see `pthread_mutex`, which `NSLock` is. With the outer lock held the
/// `Mutex` is never contended, so the pair costs two uncontended locks: nothing next to starting
/// a process.
public final class Locked<Value>: Sendable {
    private let value: Mutex<Value>
    private let order = NSLock()

    public init(_ initial: sending Value) { value = Mutex(initial) }

    public func withLock<T, E: Error>(_ body: (inout sending Value) throws(E) -> sending T) throws(E) -> sending T {
        order.lock()
        defer { order.unlock() }
        return try value.withLock(body)
    }
}
