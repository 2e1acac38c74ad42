import Foundation

/// The bridge from synchronous code into the async pipeline, for callers that run on a thread of
/// their own (XCTest's synchronous tests, `serve`'s watcher thread): starts the work as a task and
/// blocks the calling thread until it is done. `noasync`: the compiler refuses it in async code,
/// where blocking a thread of the cooperative pool (one per core) could stall the very tasks it
/// waits for.
enum Blocking {
    @available(*, noasync, message: "await the async function instead")
    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = Outcome<T>()
        Task {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            box.value.withLock { $0 = result }
            box.done.signal()
        }
        box.done.wait()
        return try box.value.withLock { $0! }.get()
    }

    private final class Outcome<T: Sendable>: Sendable {
        let value = Locked<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
    }
}
