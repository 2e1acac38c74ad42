import Foundation

/// What the pipeline tells its caller while it works. The command line prints from these; a test
/// or another program may ignore them (every method has a do-nothing default). Called from worker
/// threads while checks run, so conformers must be `Sendable`.
public protocol PipelineProgress: Sendable {
    /// Everything is read and checked and nothing has run or been written yet. `diagnostics` are
    /// all the problems found so far (the outcome carries them too). Throwing stops the pipeline
    /// with that error, before anything runs.
    func ready(targets: [String], diagnostics: [Diagnostic]) throws
    func started(total: Int, target: String)
    func finished(_ result: CheckResult, done: Int, total: Int)
    func ended(target: String)
    /// Every target has run and been judged; nothing has been kept or written yet.
    func ran(_ runs: [TargetRun])
}

extension PipelineProgress {
    public func ready(targets: [String], diagnostics: [Diagnostic]) throws {}
    public func started(total: Int, target: String) {}
    public func finished(_ result: CheckResult, done: Int, total: Int) {}
    public func ended(target: String) {}
    public func ran(_ runs: [TargetRun]) {}
}

/// Progress nobody watches.
public struct SilentProgress: PipelineProgress {
    public init() {}
}
