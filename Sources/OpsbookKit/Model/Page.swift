public struct Heading: Hashable, Sendable {
    public var level: Int
    public var text: String
    /// Stable across builds: ASCII lowercased and hyphenated, CJK kept, duplicates suffixed.
    public var anchor: String
    public var line: Int
}

/// A relative link found in a page, kept so lint can tell whether its target exists.
public struct PageLink: Hashable, Sendable {
    public var url: String
    public var position: SourcePosition
}

/// One Markdown file under `content/`.
public struct Page: Hashable, Sendable {
    /// Relative to the handbook root: `content/phases/phase-1.md`.
    public var path: String
    /// Relative to `content/`, without `.md`: `phases/phase-1`.
    public var slugPath: String
    public var frontMatter: FrontMatter
    public var title: String
    public var document: MarkdownNode
    public var headings: [Heading]
    public var criteria: [Criterion]
    public var checks: [CheckBlock]
    public var links: [PageLink]
    /// Mermaid blocks on the page. The site carries the Mermaid library only when a page draws
    /// one; finding it costs a Python start (`VendorAssets`), a fifth of a 1000-page build.
    public var diagrams: Int = 0

    public var kind: PageKind { frontMatter.kind }
    public var isIndex: Bool { slugPath == "index" || slugPath.hasSuffix("/index") }

    /// Where the page is written in the site, relative to its root.
    public var outputPath: String { slugPath + ".html" }

    /// The page's slug for generated check ids: `phases/phase-1` → `phases-phase-1`.
    public var idSlug: String { CheckBlock.slug(slugPath) }
}
