import Foundation

/// Reads `content/` into a `Handbook`. Bad content never throws: it becomes diagnostics, and the
/// page is still loaded as well as it can be, so lint can report every problem at once.
public struct HandbookLoader: Sendable {
    public var root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public func load() throws -> (Handbook, [Diagnostic]) {
        let content = root.appendingPathComponent("content")
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: content.path, isDirectory: &isDir), isDir.boolValue else {
            throw LoadError(description: "no content/ folder in \(root.path); run opsbook from the handbook's root or pass --root")
        }
        var problems: [Diagnostic] = []
        let files = MarkdownFiles(content: content).list(problems: &problems)
        var pages: [Page] = []
        for (page, pageProblems) in loadPages(files, in: content) {
            pages.append(page)
            problems += pageProblems
        }
        return (Handbook(root: root.path, pages: NavigationOrder.sort(pages)), problems)
    }

    /// Pages are independent, so they are read, scanned, split and extracted on every core;
    /// only cmark's own parse takes turns (`CMark` says why). Results keep the file order, so
    /// the handbook and its diagnostics are the same whichever thread finished first.
    func loadPages(_ files: [String], in content: URL) -> [(Page, [Diagnostic])] {
        files.concurrentMap { loadPage($0, in: content) }
    }

    /// `relative` is inside `content/`, e.g. `phases/phase-1.md`.
    func loadPage(_ relative: String, in content: URL) -> (Page, [Diagnostic]) {
        let path = "content/" + relative
        guard let data = FileManager.default.contents(atPath: content.path + "/" + relative) else {
            let d = Diagnostic.error("page.unreadable", "cannot read this file", at: SourcePosition(path: path, line: 1))
            return (PageBuilder.build(path: path, relative: relative, text: ""), [d])
        }
        return PageBuilder.build(path: path, relative: relative, data: data)
    }
}

/// Turns one file's bytes into a `Page` and the problems found on the way.
enum PageBuilder {
    static func build(path: String, relative: String, data: Data) -> (Page, [Diagnostic]) {
        let source = SourceFile(data: data, path: path)
        let decoder = FrontMatterDecoder(path: path)
        let (split, splitProblem) = decoder.split(source.lines)
        var problems = source.problems + (splitProblem.map { [$0] } ?? [])
        var frontMatter = FrontMatter()
        if let yaml = split.yaml {
            let (fm, fmProblems) = decoder.decode(yaml, firstLine: split.yamlFirstLine)
            frontMatter = fm
            problems += fmProblems
        }
        var (page, parseProblems) = parse(path: path, relative: relative, text: split.body)
        problems += parseProblems
        page.frontMatter = frontMatter
        page.title = title(frontMatter: frontMatter, document: page.document, relative: relative)
        problems += extractionProblems(&page, lines: split.bodyLines(source.lines))
        return (page, problems)
    }

    /// Parses the Markdown body (front matter already blanked out) into a page.
    static func build(path: String, relative: String, text: String) -> Page {
        parse(path: path, relative: relative, text: text).0
    }

    /// The page and cmark's problems with it (nesting cut at `CMark.maxDepth`).
    private static func parse(path: String, relative: String, text: String) -> (Page, [Diagnostic]) {
        let (document, problems) = CMark.parseReporting(text, path: path)
        let slugPath = String(relative.dropLast(relative.hasSuffix(".md") ? 3 : 0))
        return (Page(path: path, slugPath: slugPath, frontMatter: FrontMatter(), title: slugPath,
                     document: document, headings: [], criteria: [], checks: [], links: []), problems)
    }

    /// `lines` are the body's (blank where the front matter was), from the page's line index.
    private static func extractionProblems(_ page: inout Page, lines: [Substring]) -> [Diagnostic] {
        let out = PageExtractor(path: page.path, idSlug: page.idSlug, lines: lines).extract(&page.document)
        page.headings = out.headings
        page.criteria = out.criteria
        page.checks = out.checks
        page.links = out.links
        page.diagrams = out.diagrams
        return out.problems
    }

    private static func title(frontMatter: FrontMatter, document: MarkdownNode, relative: String) -> String {
        if let t = frontMatter.title, !t.isEmpty { return t }
        for node in document.children {
            if case .heading(1) = node.kind {
                let text = node.plainText.trimmingWhitespaces()
                if !text.isEmpty { return text }
            }
        }
        let name = (relative as NSString).lastPathComponent
        return String(name.dropLast(name.hasSuffix(".md") ? 3 : 0))
    }
}

/// Lists `*.md` under `content/`, relative to it, following no symlink twice (a symlink loop
/// must not hang the build).
struct MarkdownFiles {
    var content: URL

    func list(problems: inout [Diagnostic]) -> [String] {
        var seen: Set<String> = []
        var out: [String] = []
        walk(content, relative: "", seen: &seen, into: &out, problems: &problems)
        return out.sorted()
    }

    private func walk(_ dir: URL, relative: String, seen: inout Set<String>, into out: inout [String],
                      problems: inout [Diagnostic]) {
        let real = dir.resolvingSymlinksInPath().path
        guard seen.insert(real).inserted else {
            problems.append(.warning("content.symlink-loop", "folder is reached twice through symlinks; read once",
                                     at: SourcePosition(path: "content/" + relative, line: 1)))
            return
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        } catch {
            // A folder that vanished from the site in silence would look like pages removed on purpose.
            let reason = String(cString: strerror(access(dir.path, R_OK | X_OK) == 0 ? EIO : errno))
            problems.append(.error("content.unreadable", "cannot read this folder: \(reason)",
                                   at: SourcePosition(path: "content/" + relative, line: 1)))
            return
        }
        for name in names.sorted() where !name.hasPrefix(".") {
            let url = dir.appendingPathComponent(name)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { continue }
            if isDir.boolValue {
                walk(url, relative: relative + name + "/", seen: &seen, into: &out, problems: &problems)
            } else if name.hasSuffix(".md") {
                out.append(relative + name)
            }
        }
    }
}

/// Navigation order: a folder's `index.md` first, then siblings by front matter `order:`
/// (pages without one after those with one), then by file name; folders sort by their own
/// index page's `order:`.
enum NavigationOrder {
    static func sort(_ pages: [Page]) -> [Page] {
        var orderOfFolder: [String: Int] = [:]
        for page in pages where page.isIndex {
            let folder = page.slugPath.parentFolder
            if let o = page.frontMatter.order { orderOfFolder[folder] = o }
        }
        func key(_ page: Page) -> [SortKey] {
            let parts = page.slugPath.split(separator: "/").map(String.init)
            var keys: [SortKey] = []
            for depth in 0..<parts.count {
                let isLast = depth == parts.count - 1
                let name = parts[depth]
                if isLast {
                    keys.append(SortKey(isIndex: name == "index", order: page.frontMatter.order, name: name))
                } else {
                    let folder = parts[0...depth].joined(separator: "/")
                    keys.append(SortKey(isIndex: false, order: orderOfFolder[folder], name: name))
                }
            }
            return keys
        }
        return pages.sorted { key($0).lexicographicallyPrecedes(key($1)) }
    }

    struct SortKey: Comparable {
        var isIndex: Bool
        var order: Int?
        var name: String

        static func < (a: SortKey, b: SortKey) -> Bool {
            if a.isIndex != b.isIndex { return a.isIndex }
            switch (a.order, b.order) {
            case let (x?, y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.name < b.name
            }
        }
    }
}
