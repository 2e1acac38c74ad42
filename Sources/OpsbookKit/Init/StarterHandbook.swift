import Foundation

/// The new handbook `opsbook init` writes: a home page, one phase with a check that passes on any
/// Linux or macOS machine and one manual criterion, one runbook in the team's template, a `local`
/// target and CI recipes. The files are embedded from `Init/Starter` at build time.
public enum StarterHandbook {
    /// Path under the new handbook's root → contents.
    public static var files: [String: Data] { EmbeddedFile.files(under: "Init/Starter") }

    public struct Refused: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes the starter into `dir`, which must be missing or an empty folder; anything else is
    /// refused before a single file is written. Returns the paths written, sorted.
    @discardableResult
    public static func write(into dir: URL) throws -> [String] {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        if fm.fileExists(atPath: dir.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw Refused(description: "\(dir.path) exists and is not a folder") }
            let entries = try fm.contentsOfDirectory(atPath: dir.path)
            guard entries.isEmpty else {
                throw Refused(description: "\(dir.path) is not empty (\(entries.count) entries); init writes only into a new or empty folder")
            }
        }
        let files = Self.files
        for path in files.keys.sorted() {
            let url = dir.appendingPathComponent(path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try files[path]!.write(to: url, options: .withoutOverwriting)
        }
        return files.keys.sorted()
    }
}
