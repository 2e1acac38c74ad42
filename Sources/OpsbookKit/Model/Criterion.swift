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

    /// The element id of the criterion in its page, made from its text like a heading's anchor
    /// (contract §7), unique in the page among headings and criteria: a link to it survives
    /// edits elsewhere on the page. Set by the loader; written to the results file as `anchor`.
    public var anchor: String = ""
}

public struct CheckReference: Hashable, Sendable {
    public var id: String
    public var position: SourcePosition
}
