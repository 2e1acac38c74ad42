import Foundation
import Mustache

/// The templates and assets the site is made with: the ones built into opsbook (embedded at build
/// time from `Render/Templates` and `Render/Assets`), each of which a handbook's `theme/` folder
/// may replace file by file: `theme/page.mustache` replaces the page template, any other file
/// `theme/x` replaces or adds `assets/x`.
public struct Theme: Sendable {
    private var library: MustacheLibrary
    private var assets: [String: Asset]
    /// No `theme/page.mustache`: pages are rendered by `BuiltInPage`, byte for byte the same.
    private var pageIsBuiltIn = true

    /// An asset's bytes: built in, or a file of the handbook's theme read when the site is written.
    enum Asset: Sendable {
        case embedded(Data)
        case file(URL)
    }

    public struct ThemeError: Error, CustomStringConvertible {
        public var description: String
    }

    /// `override` is the handbook's `theme/` folder, if it has one.
    public init(override: URL?) throws {
        var templates: [String: (text: String, origin: String)] = [:]
        for (name, data) in EmbeddedFile.files(under: "Render/Templates") where name.hasSuffix(".mustache") {
            templates[name] = (String(decoding: data, as: UTF8.self), "built-in \(name)")
        }
        assets = EmbeddedFile.files(under: "Render/Assets").mapValues(Asset.embedded)
        if let override {
            for (name, url) in Self.files(in: override) {
                if name.hasSuffix(".mustache") {
                    templates[name] = (try String(contentsOf: url, encoding: .utf8), url.path)
                    if name == "page.mustache" { pageIsBuiltIn = false }
                } else {
                    assets[name] = .file(url)
                }
            }
        }
        library = MustacheLibrary()
        _ = Self.escaping
        for (name, template) in templates {
            do {
                // Parsed as written first, so an error's line and column are the file's own.
                _ = try MustacheTemplate(string: template.text)
                try library.register(Self.escapingPragma + template.text, named: String(name.dropLast(".mustache".count)))
            } catch {
                throw ThemeError(description: "\(template.origin): template error: \(error)")
            }
        }
    }

    /// `{{name}}` escapes with opsbook's `HTML.escape`, not Mustache's own, which goes one
    /// Character at a time through a dictionary (a fifth of the templates' time on a 1000-page
    /// site) and leaves a `"` or `<` that a combining mark follows unescaped, since the two are
    /// one Character. Same five entities. The pragma stands alone on a line before the template,
    /// so Mustache drops that line and the template's own first line keeps its standalone tags.
    static let escapingPragma = "{{% CONTENT_TYPE: OPSBOOK_HTML }}\n"

    private static let escaping: Void = MustacheContentTypes.register(EscapedHTML(), named: "OPSBOOK_HTML")

    struct EscapedHTML: MustacheContentType {
        func escapeText(_ text: String) -> String { HTML.escape(text) }
    }

    /// The names of the assets the site gets (`style.css`, …), sorted.
    public var assetNames: [String] { assets.keys.sorted() }

    /// A page of the site: the built-in template in Swift, or the theme's own through Mustache.
    func render(page view: PageView) throws -> String {
        pageIsBuiltIn ? BuiltInPage.render(view) : try render("page", view)
    }

    func render(_ name: String, _ view: Any) throws -> String {
        let boxed: Any = (view as? any MustacheParent).map(ViewBox.init) ?? view
        guard let html = library.render(boxed, withTemplate: name) else {
            throw ThemeError(description: "no template named \(name).mustache")
        }
        return html
    }

    func copyAssets(to dir: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, asset) in assets {
            let destination = dir.appendingPathComponent(name)
            try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            switch asset {
            case .embedded(let data): try PlainFile.write(data, to: destination)
            case .file(let url): try fm.copyItem(at: url, to: destination)
            }
        }
    }

    /// Mustache casts the object it renders to `MustacheParent` again for every field it looks
    /// up; a view struct is copied into a new existential box each time, with a retain per field
    /// (`PageView` has twenty). A class is cast by pointer.
    private final class ViewBox: MustacheParent {
        let view: any MustacheParent
        init(_ view: any MustacheParent) { self.view = view }
        func child(named name: String) -> Any? { view.child(named: name) }
    }

    /// Files below `dir` by their path relative to it, leaving out hidden ones.
    private static func files(in dir: URL) -> [String: URL] {
        let base = dir.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey],
                                                          options: [.skipsHiddenFiles]) else { return [:] }
        var out: [String: URL] = [:]
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(base + "/") else { continue }
            out[String(path.dropFirst(base.count + 1))] = url
        }
        return out
    }
}
