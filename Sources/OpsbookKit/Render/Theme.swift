import Foundation
import Mustache

/// The templates and assets the site is made with: the package's own (SwiftPM resources), each of
/// which a handbook's `theme/` folder may replace file by file.
public struct Theme: Sendable {
    private var library: MustacheLibrary
    private var assets: [String: URL]

    public struct ThemeError: Error, CustomStringConvertible {
        public var description: String
    }

    /// `override` is the handbook's `theme/` folder, if it has one.
    public init(override: URL?) throws {
        guard let builtIn = Bundle.module.url(forResource: "Templates", withExtension: nil),
              let builtInAssets = Bundle.module.url(forResource: "Assets", withExtension: nil) else {
            throw ThemeError(description: "opsbook's templates are missing from its resource bundle")
        }
        var templates: [String: URL] = Self.files(in: builtIn, ext: "mustache")
        assets = Self.files(in: builtInAssets, ext: nil)
        if let override {
            templates.merge(Self.files(in: override, ext: "mustache")) { $1 }
            assets.merge(Self.files(in: override, ext: nil).filter { !$0.key.hasSuffix(".mustache") }) { $1 }
        }
        library = MustacheLibrary()
        for (name, url) in templates {
            let text = try String(contentsOf: url, encoding: .utf8)
            do {
                try library.register(text, named: String(name.dropLast(".mustache".count)))
            } catch {
                throw ThemeError(description: "\(url.path): template error: \(error)")
            }
        }
    }

    func render(_ name: String, _ view: Any) throws -> String {
        guard let html = library.render(view, withTemplate: name) else {
            throw ThemeError(description: "no template named \(name).mustache")
        }
        return html
    }

    func copyAssets(to dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, url) in assets {
            try FileManager.default.copyItem(at: url, to: dir.appendingPathComponent(name))
        }
    }

    private static func files(in dir: URL, ext: String?) -> [String: URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        var out: [String: URL] = [:]
        for name in names where !name.hasPrefix(".") && (ext == nil || name.hasSuffix("." + ext!)) {
            out[name] = dir.appendingPathComponent(name)
        }
        return out
    }
}
