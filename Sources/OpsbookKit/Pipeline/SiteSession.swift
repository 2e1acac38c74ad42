import Foundation

/// What one `SiteSession.update` did.
public struct SiteUpdate: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Only the changed pages and what depends on them were written, file by file.
        case pages
        /// A change the session does not follow page by page (checks/, theme/, a folder): the
        /// whole site was built again and swapped in.
        case full
        /// The handbook has errors (or warnings with `strict`): nothing was written, the site
        /// stays as it was, and the next update reads these changes again.
        case stopped
    }

    public var kind: Kind
    /// The changed files, relative to the handbook root, as given (and left over from a stop).
    public var changes: [String]
    /// Site files written or removed, relative to the site folder, sorted; empty for `.full`.
    public var written: [String]
    /// Pages in the site after a full build.
    public var pages: Int
    /// The changed pages' problems; when stopped, also every problem that stopped it.
    public var diagnostics: [Diagnostic]
}

extension Pipeline {
    /// `serve`'s site between rebuilds: the last handbook, its verdicts and what was written, so
    /// that a change to one page re-reads and re-renders only that page and what depends on it,
    /// and the site ends up as a full build of the changed handbook would write it
    /// (docs/design.md, "Incremental serve"). Changes to `checks/`, `theme/` or anything outside
    /// `content/` rebuild everything, as before.
    public struct SiteSession: Sendable {
        public let root: URL
        public let site: URL
        private let out: String
        private let options: BuildOptions
        private var kept: KeptVerdicts
        private var state: RenderedSite
        /// Changes read by an update that stopped, read again by the next one.
        private var pending: Set<String> = []
        /// An update failed while writing: the next one builds everything.
        private var unsure = false
        /// Several targets or a history make fleet pages, which only a full build writes.
        private let fleet: Bool

        /// After `first`, a build of `root` into `out` with `options` that did not stop.
        public init(root: URL, out: String, after first: BuildOutcome, options: BuildOptions) throws {
            guard !first.stopped, let results = first.verdicts.first, let theme = first.theme, let vendor = first.vendor else {
                throw PipelineError.usage("serve needs a site to start from; the first build stopped")
            }
            self.root = Pipeline.folder(root)
            self.site = first.site
            self.out = out
            self.options = options
            fleet = first.runs.count > 1 || options.fleet.history != nil
            kept = KeptVerdicts(results, of: first.handbook)
            state = try RenderedSite(handbook: first.handbook, results: results, theme: theme, vendor: vendor, site: first.site,
                                     search: options.search)
        }

        /// Brings the site up to date with `changes` (paths relative to the root).
        public mutating func update(_ changes: Set<String>) throws -> SiteUpdate {
            let all = changes.union(pending)
            guard !unsure, !fleet, state.today == Day.today(), let plan = ChangePlan(all, handbook: state.handbook, root: root, site: site) else {
                return try rebuildAll(all)
            }
            return try updatePages(plan, changes: all)
        }

        /// Follows `watcher` for good: each burst of changes is one update, reported with the
        /// time it took (`serve`'s loop; the command line only prints).
        public mutating func follow(_ watcher: HandbookWatcher,
                                    report: (Result<SiteUpdate, any Error>, Duration) -> Void) -> Never {
            let clock = ContinuousClock()
            while true {
                let changes = watcher.next()
                let start = clock.now
                let result: Result<SiteUpdate, any Error>
                do { result = .success(try update(changes)) } catch { result = .failure(error) }
                report(result, clock.now - start)
            }
        }

        // MARK: Page by page

        private mutating func updatePages(_ plan: ChangePlan, changes: Set<String>) throws -> SiteUpdate {
            // git runs as a process of its own while the page is read, linted and judged.
            let revision = Locked<HandbookRevision?>(nil)
            let reading = DispatchGroup()
            DispatchQueue.global().async(group: reading) { [root] in
                let read = HandbookRevision.read(root: root)
                revision.withLock { $0 = read }
            }
            let (handbook, loadProblems, addedOrRemoved) = reload(plan.pages)
            let (attestations, attestationProblems) = ChecksFolder(root: root).loadAttestations(for: handbook)
            let lint = UpdateLint.lint(handbook, changed: plan.pages, filesAddedOrRemoved: addedOrRemoved || !plan.files.isEmpty)
            let diagnostics = loadProblems + lint + attestationProblems
            if Pipeline.stops(diagnostics, strict: options.strict) {
                reading.wait()
                pending = changes
                let stopping = diagnostics.filter { $0.severity == .error || (options.strict && $0.severity == .warning) }
                return SiteUpdate(kind: .stopped, changes: changes.sorted(), written: [], pages: state.handbook.pages.count,
                                  diagnostics: Self.unique(Self.about(plan.pages, diagnostics) + stopping))
            }
            var results = kept.results(for: handbook, attestations: attestations, today: state.today)
            reading.wait()
            results.handbookRevision = revision.withLock { $0 }
            var next = state.replacing(handbook, results: results, reloaded: plan.pages)
            let written: [String]
            do {
                written = try next.write(changedFrom: state, reloaded: plan.pages, files: plan.files, root: root,
                                         into: LiveSiteFolder(root: site))
            } catch {
                // Part of the site may be new: only a full build knows what it holds now.
                pending = changes
                unsure = true
                throw error
            }
            state = next
            pending = []
            return SiteUpdate(kind: .pages, changes: changes.sorted(), written: written, pages: handbook.pages.count,
                              diagnostics: Self.about(plan.pages, diagnostics))
        }

        /// The handbook with `paths` read again (or removed when gone), in navigation order; the
        /// problems found reading them; whether a page was added or removed.
        private func reload(_ paths: Set<String>) -> (Handbook, [Diagnostic], Bool) {
            var changed: [String: Page] = [:]
            var problems: [Diagnostic] = []
            let loader = HandbookLoader(root: root)
            let content = root.appendingPathComponent("content")
            for path in paths.sorted() where FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) {
                let (page, pageProblems) = loader.loadPage(String(path.dropFirst("content/".count)), in: content)
                changed[path] = page
                problems += pageProblems
            }
            let old = state.handbook.pages
            // The usual edit: the same pages, none with a new `order:`. The navigation order
            // depends on nothing else, so each page keeps its place; no sort.
            let samePlaces = paths.allSatisfy { path in
                guard let new = changed[path] else { return false }
                return old.first { $0.path == path }.map { $0.frontMatter.order == new.frontMatter.order } ?? false
            }
            if samePlaces {
                return (Handbook(root: state.handbook.root, pages: old.map { changed[$0.path] ?? $0 }), problems, false)
            }
            var pages = Dictionary(old.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            for path in paths { pages[path] = changed[path] }
            // The loader lists files sorted by path before ordering them: the same input order.
            let ordered = NavigationOrder.sort(pages.values.sorted { $0.path < $1.path })
            return (Handbook(root: state.handbook.root, pages: ordered), problems, pages.count != old.count || paths.contains { changed[$0] == nil })
        }

        private static func about(_ paths: Set<String>, _ diagnostics: [Diagnostic]) -> [Diagnostic] {
            diagnostics.filter { paths.contains($0.position?.path ?? "") }
        }

        private static func unique(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
            var seen = Set<Diagnostic>()
            return diagnostics.filter { seen.insert($0).inserted }
        }

        // MARK: Everything

        /// A full build, given the kept verdicts that still belong to the handbook's checks.
        private mutating func rebuildAll(_ changes: Set<String>) throws -> SiteUpdate {
            var given = kept.source(for: state.handbook)
            var outcome = try Pipeline.build(root: root, out: out, verdicts: given, options: options)
            // The build read the handbook afresh: if a check changed meanwhile, build once more
            // with only the verdicts of that handbook, so no stale verdict is shown.
            if !outcome.stopped, kept.valid(for: outcome.handbook) != kept.valid(for: state.handbook) {
                given = kept.source(for: outcome.handbook)
                outcome = try Pipeline.build(root: root, out: out, verdicts: given, options: options)
            }
            // A build that did not stop wrote the site with a theme and libraries.
            guard !outcome.stopped, let theme = outcome.theme, let vendor = outcome.vendor else {
                pending = changes
                return SiteUpdate(kind: .stopped, changes: changes.sorted(), written: [], pages: outcome.pages,
                                  diagnostics: outcome.diagnostics)
            }
            state = try RenderedSite(handbook: outcome.handbook, results: outcome.verdicts[0], theme: theme, vendor: vendor, site: site,
                                     search: options.search)
            pending = []
            unsure = false
            return SiteUpdate(kind: .full, changes: changes.sorted(), written: [], pages: outcome.pages,
                              diagnostics: outcome.diagnostics + outcome.siteDiagnostics)
        }
    }
}

extension Pipeline.VerdictSource {
    /// Where `serve`'s first build takes its verdicts: one run with `checks`, else the results
    /// the last build left in `site/results.json` (read before the build replaces it), else none.
    public static func serving(_ site: URL, runChecks: Bool, targets: String?) -> Pipeline.VerdictSource {
        if runChecks { return .run(targets: targets) }
        if let data = try? Data(contentsOf: site.appendingPathComponent("results.json")),
           let earlier = try? ResultsFile.read(data), !earlier.checks.isEmpty {
            return .given(earlier.checks, target: earlier.target, started: earlier.started, finished: earlier.finished)
        }
        return .none
    }
}

/// Which changes a session follows page by page: Markdown pages and other files under
/// `content/`. Anything else (checks/, theme/, a folder made or removed) is nil: a full build.
struct ChangePlan {
    /// `content/….md` paths to read again or drop.
    var pages: Set<String> = []
    /// Other files under `content/`, copied into the site as they are (or removed).
    var files: Set<String> = []

    init?(_ changes: Set<String>, handbook: Handbook, root: URL, site: URL) {
        let fm = FileManager.default
        for path in changes {
            guard path.hasPrefix("content/") else { return nil }
            var isDir: ObjCBool = false
            let exists = fm.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDir)
            if isDir.boolValue { return nil }
            let relative = String(path.dropFirst("content/".count))
            if !exists {
                // A removed folder: its pages and files go with it.
                if handbook.pages.contains(where: { $0.path.hasPrefix(path + "/") }) { return nil }
                var siteDir: ObjCBool = false
                if fm.fileExists(atPath: site.appendingPathComponent(relative).path, isDirectory: &siteDir), siteDir.boolValue {
                    return nil
                }
            }
            if path.hasSuffix(".md") {
                // The loader skips hidden files and folders; the site has no copy of a .md file.
                if !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { pages.insert(path) }
            } else {
                files.insert(relative)
            }
        }
    }
}
