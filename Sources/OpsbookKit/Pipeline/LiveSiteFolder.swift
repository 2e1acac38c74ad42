import Foundation

/// Writes into the site folder while the server reads it (`serve`'s page-by-page updates).
///
/// Every file is replaced whole: its new bytes go to a fresh hidden file in the same folder,
/// which is then renamed over the old one. `rename` within one file system is atomic, so a
/// reader opens either the old file or the new one, never half a page. (The full build keeps
/// its staging folder and `FolderSwap` instead: it replaces every file at once.)
struct LiveSiteFolder: Sendable {
    var root: URL

    /// Replaces (or creates) `relative` with `bytes`.
    func replace(_ bytes: some Collection<UInt8>, at relative: String) throws {
        let target = root.appendingPathComponent(relative)
        let folder = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var template = Array((folder.path + "/.\(target.lastPathComponent).opsbook-XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw Self.failure("cannot write in", folder.path) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do {
            defer { close(fd) }
            // mkstemp makes the file 0600; the site's files are 0644 like the full build's.
            guard fchmod(fd, 0o644) == 0 else { throw Self.failure("cannot write", temporary) }
            try Self.writeAll(Array(bytes), to: fd, path: temporary)
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, target.path) == 0 else {
            let failure = Self.failure("cannot replace", target.path)
            unlink(temporary)
            throw failure
        }
    }

    func replace(_ text: String, at relative: String) throws {
        try replace(text.utf8, at: relative)
    }

    /// Copies a file from the handbook into the site, replacing the old copy whole.
    func copy(_ source: URL, to relative: String) throws {
        try replace(try PlainFile.read(source), at: relative)
    }

    /// Removes a file and then each parent folder it leaves empty (a fresh build would have no
    /// such folder); never the site folder itself.
    func remove(_ relative: String) throws {
        let target = root.appendingPathComponent(relative)
        guard unlink(target.path) == 0 || errno == ENOENT else { throw Self.failure("cannot remove", target.path) }
        var folder = relative.parentFolder
        // rmdir fails on a folder that still has files: nothing else is ever removed.
        while !folder.isEmpty, rmdir(root.appendingPathComponent(folder).path) == 0 {
            folder = folder.parentFolder
        }
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure("cannot write", path) }
            offset += n
        }
    }

    private static func failure(_ what: String, _ path: String) -> PipelineError {
        PipelineError("\(what) \(path): \(String(cString: strerror(errno)))", isUsage: false)
    }
}
