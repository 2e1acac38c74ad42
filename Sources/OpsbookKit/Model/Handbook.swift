/// Everything loaded from a handbook root: the pages in navigation order.
public struct Handbook: Hashable, Sendable {
    /// Absolute path of the folder holding `content/` and `checks/`.
    public var root: String
    public var pages: [Page]

    public init(root: String, pages: [Page]) {
        self.root = root
        self.pages = pages
    }

    /// Every check block, in handbook order (navigation order, then position in the page).
    public var checks: [CheckBlock] { pages.flatMap(\.checks) }
    /// Some page has a Mermaid diagram: the site needs the Mermaid library.
    public var drawsDiagrams: Bool { pages.contains { $0.diagrams > 0 } }
    public var criteria: [Criterion] { pages.flatMap(\.criteria) }

    public func page(at path: String) -> Page? { pages.first { $0.path == path } }
}
