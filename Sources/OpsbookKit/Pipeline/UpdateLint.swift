/// Lint for one of `serve`'s updates: what a full lint of the changed handbook finds that can
/// differ from the last one, without linting a thousand unchanged pages again.
///
/// The handbook before the update passed lint (the first build did not stop, and an update that
/// stops is read again by the next one), and a rule that looks at one page's check blocks finds
/// the same on an unchanged page. So: the rules that compare pages run on the whole handbook;
/// the per-block rules on the changed pages; links on every page when a file was added or removed
/// (a link elsewhere may break or mend), else on the changed pages. `IncrementalSiteTests` checks
/// that every rule of `Linter.defaultRules` is in one of these lists.
enum UpdateLint {
    static let acrossPages: [any LintRule] = [DuplicateCheckID(), UnknownCheckReference()]
    static let perBlock: [any LintRule] = [UnmarkedMutation(), TranscriptProblems(), CheckCannotFail(), SlowRegex()]
    static let links: [any LintRule] = [BrokenPageLink()]

    static func lint(_ handbook: Handbook, changed: Set<String>, filesAddedOrRemoved: Bool) -> [Diagnostic] {
        let pages = Handbook(root: handbook.root, pages: handbook.pages.filter { changed.contains($0.path) })
        return Linter(rules: acrossPages).lint(handbook) + Linter(rules: perBlock).lint(pages)
            + Linter(rules: links).lint(filesAddedOrRemoved ? handbook : pages)
    }
}
