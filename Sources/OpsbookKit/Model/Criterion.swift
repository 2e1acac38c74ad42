/// An acceptance criterion: one GitHub task-list item (contract §2).
public struct Criterion: Hashable, Sendable {
    /// Relative to the handbook root.
    public var page: String
    public var position: SourcePosition
    /// The item's own text (nested lists and code blocks left out).
    public var text: String
    /// The author's box: `[x]` is a claim, not a verdict.
    public var claimedDone: Bool
    /// Checks that decide it: blocks nested in the item first, then `check:ID` references, in order.
    public var checkIDs: [String]
    /// The `check:ID` spans of the item, where they stand, for lint.
    public var references: [CheckReference]

    /// A stable anchor for links from the site and the dashboard.
    public var anchor: String { "criterion-\(position.line)" }
}

public struct CheckReference: Hashable, Sendable {
    public var id: String
    public var position: SourcePosition
}
