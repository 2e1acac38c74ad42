import Foundation

/// Writes a file with plain open/write/close. Foundation's `Data.write(to:)` fsyncs every file;
/// for a thousand site pages, or a script per check, that sync was the largest single cost, and
/// neither needs to survive a power cut (a failed build is simply rebuilt).
enum PlainFile {
    static func write(_ bytes: some Collection<UInt8>, to url: URL, exclusive: Bool = false, mode: mode_t = 0o644) throws {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        let fd = open(url.path, flags, mode)
        guard fd >= 0 else { throw error("cannot write", url) }
        defer { close(fd) }
        var buffer = Array(bytes)
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeMutableBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw error("cannot write", url) }
            offset += n
        }
    }

    static func write(_ text: String, to url: URL, exclusive: Bool = false, mode: mode_t = 0o644) throws {
        try write(text.utf8, to: url, exclusive: exclusive, mode: mode)
    }

    /// The whole file; a failure says why (`strerror`), unlike `FileManager.contents(atPath:)`.
    static func read(_ url: URL) throws -> Data {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = Foundation.read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw ReadError(reason: String(cString: strerror(errno))) }
            if n == 0 { return out }
            out.append(buffer, count: n)
        }
    }

    struct ReadError: Error, CustomStringConvertible { var reason: String; var description: String { reason } }

    private static func error(_ what: String, _ url: URL) -> ShellProcess.SpawnError {
        ShellProcess.SpawnError(description: "\(what) \(url.path): \(String(cString: strerror(errno)))")
    }
}
