import Foundation

/// Third-party browser code the site uses when the build machine has it installed: copied from
/// where its package put it into `assets/vendor/`, never embedded in opsbook and never fetched.
/// A site built without one is still whole: code stays plain, diagrams stay labelled source.
/// docs/site-assets.md says which packages and versions, and why.
public struct VendorAssets: Sendable {
    public struct Library: Sendable, Equatable {
        /// The key `docs.js` looks up in `vendor.js`.
        public var name: String
        public var source: URL
        /// Where it goes under the site's `assets/`.
        public var destination: String
    }

    public var libraries: [Library]

    public init(libraries: [Library]) { self.libraries = libraries }

    /// Debian's `libjs-highlight.js`, and Mermaid from PyPI's `mermaidx` (docs/site-assets.md).
    /// `OPSBOOK_HIGHLIGHT_JS` and `OPSBOOK_MERMAID_JS` name other files; set to an empty string
    /// they turn the library off.
    /// Mermaid is looked for only when a page draws a diagram (`diagrams`): finding it starts
    /// Python, 100 ms or more, and a site without diagrams never loads it.
    public static func installed(diagrams: Bool,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) -> VendorAssets {
        var found: [Library] = []
        let highlight = environment["OPSBOOK_HIGHLIGHT_JS"] ?? "/usr/share/javascript/highlight.js/highlight.min.js"
        if let url = existing(highlight) {
            found.append(Library(name: "highlight", source: url, destination: "vendor/highlight.min.js"))
        }
        let mermaid = diagrams ? environment["OPSBOOK_MERMAID_JS"] ?? pythonPackageFile("mermaidx", "assets/mermaid.js", environment: environment) : nil
        if let url = mermaid.flatMap(existing) {
            found.append(Library(name: "mermaid", source: url, destination: "vendor/mermaid.min.js"))
        }
        return VendorAssets(libraries: found)
    }

    /// Copies each library and writes `vendor.js`, which tells `docs.js` what is there (so a page
    /// never asks for a file that is not).
    func copy(into assets: URL) throws {
        let fm = FileManager.default
        for library in libraries {
            let target = assets.appendingPathComponent(library.destination)
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? fm.removeItem(at: target)
            try fm.copyItem(at: library.source, to: target)
        }
        try PlainFile.write(script, to: assets.appendingPathComponent("vendor.js"))
    }

    /// `assets/vendor.js`: the libraries copied, by the name `docs.js` looks up.
    var script: String {
        let entries = libraries.map { "\"\($0.name)\": \"assets/\($0.destination)\"" }.joined(separator: ", ")
        return "window.OPSBOOK_VENDOR = {\(entries)};\n"
    }

    private static func existing(_ path: String) -> URL? {
        guard !path.isEmpty, FileManager.default.isReadableFile(atPath: path) else { return nil }
        return URL(fileURLWithPath: path)
    }

    /// A file inside an installed Python package, found the way Python finds the package (system,
    /// user or virtual environment) without importing it.
    private static func pythonPackageFile(_ package: String, _ file: String, environment: [String: String]) -> String? {
        let script = "import importlib.util as u; s = u.find_spec('\(package)'); print(list(s.submodule_search_locations)[0] if s else '')"
        let process = ShellProcess(executable: "python3", arguments: ["-c", script], environment: environment,
                                   workingDirectory: FileManager.default.currentDirectoryPath, timeoutMilliseconds: 20_000)
        guard let outcome = try? process.run(), outcome.exitStatus == 0 else { return nil }
        let lines = String(decoding: outcome.output, as: UTF8.self).split(separator: "\n")
        guard let dir = lines.last?.trimmingWhitespaces(), dir.hasPrefix("/") else { return nil }
        return dir + "/" + file
    }
}
