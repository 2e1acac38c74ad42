import Foundation

/// The files built into the binary (templates, assets, the starter handbook), by their path under
/// the library's source folder.
enum EmbeddedFile {
    /// Files under `folder` (e.g. `Render/Assets`), keyed by their path below it.
    static func files(under folder: String) -> [String: Data] {
        let prefix = folder + "/"
        var out: [String: Data] = [:]
        for (path, base64) in EmbeddedFiles.base64 where path.hasPrefix(prefix) {
            // The generator wrote valid base64; a failure here is a build bug, not bad input.
            guard let data = Data(base64Encoded: base64) else { preconditionFailure("corrupt embedded file \(path)") }
            out[String(path.dropFirst(prefix.count))] = data
        }
        return out
    }
}
