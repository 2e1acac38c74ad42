import ArgumentParser
import Foundation
import OpsbookKit

/// What a run keeps besides its verdicts: a history folder and a metrics file (contract §10).
struct FleetOptions: ParsableArguments {
    @Option(name: .long, help: "Keep every run's results in this folder (one file per run and target) and show history in the site.")
    var history: String?
    @Option(name: .long, help: "With --history: how many runs to keep per target (e.g. 200), or for how long (30d, 12h).")
    var keep: String?
    @Option(name: .long, help: "Write the run as Prometheus metrics (text exposition format) to this file.")
    var metrics: String?

    func validate() throws {
        if let keep, History.Keep(keep) == nil {
            throw ValidationError("--keep \(keep): give a count (200) or an age (30d, 12h, 90m)")
        }
        if keep != nil && history == nil { throw ValidationError("--keep needs --history") }
    }

    /// Plain values: a `ParsableArguments` made with `init()` traps when read, and `serve` builds
    /// without any of these options.
    var records: FleetRecords { FleetRecords(history: history, keep: keep, metrics: metrics) }
}

