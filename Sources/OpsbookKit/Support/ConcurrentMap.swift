import Foundation

extension Array {
    /// `map` on every core: `transform` runs for the elements on several threads at once, and
    /// the results come back in the elements' order, whichever finished first. For independent
    /// work on a whole handbook: loading its pages, running its lint rules, checking its links.
    func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] where Element: Sendable {
        let done = Locked<[Int: T]>([:])
        DispatchQueue.concurrentPerform(iterations: count) { i in
            let value = transform(self[i])
            done.withLock { $0[i] = value }
        }
        let byIndex = done.withLock { $0 }
        return indices.map { byIndex[$0]! }
    }
}
