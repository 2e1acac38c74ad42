import Foundation

public enum CheckStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case passed, failed, timedOut = "timed-out", errored, skipped

    /// Failed, errored and timed-out checks all make their criterion fail.
    public var isFailure: Bool { self == .failed || self == .timedOut || self == .errored }
}

/// What happened when one check block ran (or why it did not).
public struct CheckResult: Hashable, Sendable {
    public var id: String
    public var page: String
    public var line: Int
    public var status: CheckStatus
    /// Exit status of the command that decided the verdict (contract §9): the first transcript
    /// command whose status or output did not match, else the last; a script's own status. Of
    /// the last attempt; nil when it never ran, was killed, or the shell ended before it.
    public var exit: Int?
    /// Run time of every attempt added up (the waits between retries are not counted).
    public var durationMilliseconds: Int
    public var attempts: Int
    /// Why it was skipped or errored, or what failed in words.
    public var reason: String?
    /// Redacted; at most `Output.keptBytes`, the tail kept.
    public var output: String
    public var outputTruncated: Bool
    /// Unified-style diff of expected vs actual, redacted; nil when nothing to show.
    public var diff: String?
    public var startedAt: Date?

    public init(id: String, page: String, line: Int, status: CheckStatus, exit: Int? = nil,
                durationMilliseconds: Int = 0, attempts: Int = 0, reason: String? = nil, output: String = "",
                outputTruncated: Bool = false, diff: String? = nil, startedAt: Date? = nil) {
        self.id = id
        self.page = page
        self.line = line
        self.status = status
        self.exit = exit
        self.durationMilliseconds = durationMilliseconds
        self.attempts = attempts
        self.reason = reason
        self.output = output
        self.outputTruncated = outputTruncated
        self.diff = diff
        self.startedAt = startedAt
    }
}
