import Foundation

/// `OPSBOOK_PHASES=1 opsbook build …` prints, on stderr, the wall time since loading began at
/// the end of each phase of a build (loaded, linted, …, swapped). It is how the figures in
/// docs/performance.md's phase table were taken; unset, each mark costs one branch.
enum PhaseClock {
    static let on = ProcessInfo.processInfo.environment["OPSBOOK_PHASES"] != nil
    private static let start = DispatchTime.now().uptimeNanoseconds

    static func mark(_ phase: String) {
        guard on else { return }
        // `start` first: it is set on the first mark, which must not come out negative.
        let start = start
        let ms = (DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
        FileHandle.standardError.write(Data("phase \(phase): \(ms) ms\n".utf8))
    }
}
