import Foundation

/// Writes a file with plain open/write/close. Foundation's `Data.write(to:)` fsyncs every file;
/// for a thousand site pages, or a script per check, that sync was the largest single cost, and
/// neither needs to survive a power cut (a failed build is simply rebuilt).
enum PlainFile {
    static func write(_ bytes: some Collection<UInt8>, to url: URL, exclusive: Bool = false, mode: mode_t = 0o644) throws {
        try write(bytes, toPath: url.path, exclusive: exclusive, mode: mode)
    }

    static func write(_ text: String, to url: URL, exclusive: Bool = false, mode: mode_t = 0o644) throws {
        try write(text, toPath: url.path, exclusive: exclusive, mode: mode)
    }

    /// A string's own UTF-8 bytes are written where they are, without a copy.
    static func write(_ text: String, toPath path: String, exclusive: Bool = false, mode: mode_t = 0o644) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0), toPath: path, exclusive: exclusive, mode: mode) }
    }

    static func write(_ bytes: some Collection<UInt8>, toPath path: String, exclusive: Bool = false, mode: mode_t = 0o644) throws {
        let written: Void? = try bytes.withContiguousStorageIfAvailable {
            try write(UnsafeRawBufferPointer($0), toPath: path, exclusive: exclusive, mode: mode)
        }
        if written == nil {
            try Array(bytes).withUnsafeBytes { try write($0, toPath: path, exclusive: exclusive, mode: mode) }
        }
    }

    private static func write(_ buffer: UnsafeRawBufferPointer, toPath path: String, exclusive: Bool, mode: mode_t) throws {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC)
        let fd = open(path, flags, mode)
        guard fd >= 0 else { throw error("cannot write", path) }
        defer { close(fd) }
        var offset = 0
        while offset < buffer.count {
            let n = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw error("cannot write", path) }
            offset += n
        }
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

    private static func error(_ what: String, _ path: String) -> ShellProcess.SpawnError {
        ShellProcess.SpawnError(description: "\(what) \(path): \(String(cString: strerror(errno)))")
    }
}
