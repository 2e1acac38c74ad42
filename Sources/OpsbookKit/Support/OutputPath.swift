import Foundation

/// The one guard for every path opsbook writes or removes (contract §6): the site folder
/// (`--out`), report files (`--json`, `--junit`) and, through `FolderSwap`, the staging and
/// temporary folders beside them. A path is checked before anything runs, so a refusal exits 2
/// and touches nothing.
///
/// Paths are compared after resolving symbolic links of their existing part, so `--out
/// link-to-content` is refused like `--out content`.
public enum OutputPath {
    /// Written into every site; an existing non-empty folder is replaced only if it has one.
    public static let siteMarker = ".opsbook-site"

    /// Folders of the handbook that opsbook reads and never writes into. `theme/` is input too.
    public static let protectedFolders = ["content", "checks", ".git", "theme"]

    /// Why a path was refused, naming the option and the path as the user gave them.
    public struct Refused: Error, CustomStringConvertible, Sendable {
        public var option: String
        public var path: String
        public var reason: String
        public var description: String { "\(option) '\(path)': \(reason)" }
    }

    /// A folder opsbook may replace with a freshly built site. `raw` is relative to `root`.
    public static func siteFolder(_ raw: String, option: String = "--out", root: URL) throws -> URL {
        let refuse = { (reason: String) in Refused(option: option, path: raw, reason: reason) }
        guard !raw.isEmpty else { throw refuse("an empty path names no folder; give one such as `site`") }
        let url = URL(fileURLWithPath: raw, relativeTo: root).standardizedFileURL
        try checkOutsideHandbookInput(url, root: root, refuse: refuse)
        var info = stat()
        guard lstat(url.path, &info) == 0 else {
            // Missing: created by the swap; its nearest existing parent must be writable.
            try checkWritable(nearestExisting(url), refuse: refuse)
            return url
        }
        let type = info.st_mode & S_IFMT
        if type == S_IFLNK { throw refuse("is a symbolic link; give the folder itself") }
        guard type == S_IFDIR else { throw refuse("exists and is not a folder; opsbook would replace it") }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        if !entries.isEmpty && !entries.contains(siteMarker) {
            throw refuse("is a non-empty folder that no opsbook build wrote (it has no \(siteMarker) file); "
                         + "empty or remove it yourself, or choose another \(option)")
        }
        try checkWritable(url.deletingLastPathComponent(), refuse: refuse)
        return url
    }

    /// A file opsbook writes (a report). `raw` is relative to `base` (the working folder).
    /// It may exist as a file (overwritten in place) or a character device such as /dev/null.
    public static func reportFile(_ raw: String, option: String, root: URL, base: URL) throws -> URL {
        let refuse = { (reason: String) in Refused(option: option, path: raw, reason: reason) }
        guard !raw.isEmpty else { throw refuse("an empty path names no file") }
        let url = URL(fileURLWithPath: raw, relativeTo: base).standardizedFileURL
        try checkOutsideHandbookInput(url, root: root, refuse: refuse)
        let parent = url.deletingLastPathComponent()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDir), isDir.boolValue else {
            throw refuse("its folder \(parent.path) does not exist")
        }
        var info = stat()
        if stat(url.path, &info) == 0 {
            let type = info.st_mode & S_IFMT
            if type == S_IFDIR { throw refuse("is a folder, not a file") }
            guard type == S_IFREG || type == S_IFCHR else { throw refuse("exists and is not a regular file") }
            guard access(url.path, W_OK) == 0 else { throw refuse("cannot be written: \(String(cString: strerror(errno)))") }
        } else {
            try checkWritable(parent, refuse: refuse)
        }
        return url
    }

    /// Not the root, not an ancestor of it, not inside one of its input folders.
    private static func checkOutsideHandbookInput(_ url: URL, root: URL, refuse: (String) -> Refused) throws {
        let target = resolved(url)
        let rootPath = resolved(root.standardizedFileURL)
        if target == rootPath { throw refuse("is the handbook's root; opsbook would replace the whole handbook") }
        if isInside(rootPath, target) { throw refuse("contains the handbook (\(rootPath.joinedPath)); opsbook would replace it") }
        for folder in protectedFolders {
            let protected = resolved(root.standardizedFileURL.appendingPathComponent(folder))
            let lexical = root.standardizedFileURL.appendingPathComponent(folder).pathComponents
            if target == protected || isInside(target, protected) || isInside(url.pathComponents, lexical) || url.pathComponents == lexical {
                throw refuse("is inside the handbook's \(folder)/ folder, which opsbook only reads")
            }
        }
    }

    private static func checkWritable(_ folder: URL, refuse: (String) -> Refused) throws {
        guard access(folder.path, W_OK | X_OK) == 0 else {
            throw refuse("cannot write into \(folder.path): \(String(cString: strerror(errno)))")
        }
    }

    /// The closest ancestor of `url` (or itself) that exists.
    static func nearestExisting(_ url: URL) -> URL {
        var u = url
        while u.path != "/" && !FileManager.default.fileExists(atPath: u.path) { u = u.deletingLastPathComponent() }
        return u
    }

    /// Path components with symbolic links in the existing part resolved; the missing rest kept.
    static func resolved(_ url: URL) -> [String] {
        var existing = url
        var rest: [String] = []
        while existing.path != "/" {
            if let real = realpath(existing.path, nil) {
                defer { free(real) }
                return URL(fileURLWithPath: String(cString: real)).pathComponents + rest.reversed()
            }
            rest.append(existing.lastPathComponent)
            existing = existing.deletingLastPathComponent()
        }
        return ["/"] + rest.reversed()
    }

    /// True when `inner` lies strictly below `outer`.
    static func isInside(_ inner: [String], _ outer: [String]) -> Bool {
        inner.count > outer.count && Array(inner.prefix(outer.count)) == outer
    }
}

private extension Array where Element == String {
    var joinedPath: String { count <= 1 ? "/" : "/" + dropFirst().joined(separator: "/") }
}

extension OutputPath {
    /// Writes a report file checked by `reportFile`, in place (a device such as /dev/null stays
    /// a device); a failure names the option, the path and the reason.
    public static func writeReport(_ bytes: Data, to url: URL, option: String) throws {
        do {
            try PlainFile.write(bytes, to: url)
        } catch {
            throw Refused(option: option, path: url.path, reason: "\(error)")
        }
    }
}
