import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `opsbook serve`'s HTTP server: static files of one folder on 127.0.0.1, GET and HEAD only,
/// one request per connection.
///
/// Why not FlyingFox (used before): it reads the request line and headers without a limit and
/// parses the URL in quadratic time, so a 300 KB URL took 43 s and two such requests starved
/// every other one; it has no setting to cap either. Here the head is read into a fixed budget
/// before anything is parsed: a request line over `maxRequestLine` is answered 414, a head over
/// `maxHead` 431, each connection runs on its own thread with read and write timeouts, and
/// parsing is linear.
struct SiteServer: Sendable {
    var root: URL
    var state: ServeState
    static let maxRequestLine = 8 * 1024
    static let maxHead = 32 * 1024
    static let maxConnections = 64

    struct StartError: Error, CustomStringConvertible { var description: String }

    /// Binds 127.0.0.1:`port`; throws when the port is taken.
    func listen(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw StartError(description: "socket(): \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw StartError(description: "cannot listen on 127.0.0.1:\(port): \(reason)")
        }
        return fd
    }

    /// Accepts forever; each connection on its own thread, at most `maxConnections` at once.
    func serve(_ listener: Int32) -> Never {
        let slots = DispatchSemaphore(value: Self.maxConnections)
        while true {
            // Checks started by a rebuild get no descriptor but 0-2 anyway (ShellProcess).
            let fd = accept(listener, nil, nil)
            if fd < 0 { continue }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            guard slots.wait(timeout: .now()) == .success else {
                Connection(fd: fd).respond(Response(status: 503, text: "too many connections\n"), head: false)
                continue
            }
            Thread.detachNewThread {
                handle(Connection(fd: fd))
                slots.signal()
            }
        }
    }

    private func handle(_ connection: Connection) {
        connection.setTimeouts(seconds: 10)
        switch connection.readHead() {
        case .tooLongLine: connection.respond(Response(status: 414, text: "URI too long\n"), head: false)
        case .tooLongHead: connection.respond(Response(status: 431, text: "request header fields too large\n"), head: false)
        case .broken: connection.close()
        case .head(let head):
            guard let request = Request(head) else {
                connection.respond(Response(status: 400, text: "bad request\n"), head: false)
                return
            }
            guard request.method == "GET" || request.method == "HEAD" else {
                connection.respond(Response(status: 405, text: "method not allowed\n"), head: false)
                return
            }
            connection.respond(response(to: request.path), head: request.method == "HEAD")
        }
    }

    /// The file for a decoded path: a folder's index.html, the site's 404.html (status 404) for
    /// anything missing, nothing outside the folder.
    func response(to path: String) -> Response {
        if path == "/__opsbook/generation" { return Response(status: 200, text: String(state.value)) }
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        if parts.contains("..") || path.contains("\0") { return Response(status: 403, text: "forbidden\n") }
        var file = root.appendingPathComponent(parts.joined(separator: "/"))
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: file.path, isDirectory: &isDir), isDir.boolValue {
            // Relative links in /phases/index.html only resolve under /phases/.
            guard path.hasSuffix("/") else { return Response(status: 301, location: path + "/") }
            file = file.appendingPathComponent("index.html")
        }
        if let data = FileManager.default.contents(atPath: file.path), !isDirectory(file) {
            return Response(status: 200, body: withReload(data, file), type: Self.mime(file.pathExtension))
        }
        let notFound = root.appendingPathComponent("404.html")
        if let data = FileManager.default.contents(atPath: notFound.path) {
            return Response(status: 404, body: withReload(data, notFound), type: Self.mime("html"))
        }
        return Response(status: 404, text: "not found\n")
    }

    private func isDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }

    static let reload = """
    <script>(function(){var g=null;setInterval(function(){fetch('/__opsbook/generation').then(function(r){return r.text()}).then(function(t){if(g!==null&&t!==g){location.reload()}g=t}).catch(function(){})},1000)})();</script>
    """

    /// HTML gets a small script that reloads the page after a rebuild.
    private func withReload(_ data: Data, _ file: URL) -> Data {
        guard file.pathExtension == "html", let html = String(data: data, encoding: .utf8) else { return data }
        return Data(html.replacingOccurrences(of: "</body>", with: Self.reload + "</body>").utf8)
    }

    static func mime(_ ext: String) -> String {
        switch ext {
        case "html": return "text/html; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "wasm": return "application/wasm"
        default: return "application/octet-stream"
        }
    }
}

/// The request line, decoded: method and percent-decoded path (query dropped).
struct Request {
    var method: String
    var path: String

    init?(_ head: [UInt8]) {
        let lineEnd = head.firstIndex(of: 0x0A) ?? head.endIndex
        var line = head[..<lineEnd]
        if line.last == 0x0D { line = line.dropLast() }
        let words = line.split(separator: 0x20, omittingEmptySubsequences: true)
        guard words.count == 3, words[2].starts(with: Array("HTTP/".utf8)) else { return nil }
        method = String(decoding: words[0], as: UTF8.self)
        let target = words[1].prefix { $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        guard target.first == UInt8(ascii: "/"),
              let decoded = String(decoding: target, as: UTF8.self).removingPercentEncoding else { return nil }
        path = decoded
    }
}

struct Response {
    var status: Int
    var body: Data
    var type: String
    var location: String? = nil

    init(status: Int, body: Data, type: String) {
        self.status = status
        self.body = body
        self.type = type
    }

    init(status: Int, text: String) { self.init(status: status, body: Data(text.utf8), type: "text/plain; charset=utf-8") }

    init(status: Int, location: String) {
        self.init(status: status, text: "moved to \(location)\n")
        self.location = location
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 301: return "Moved Permanently"
        case 400: return "Bad Request"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 414: return "URI Too Long"
        case 431: return "Request Header Fields Too Large"
        default: return "Service Unavailable"
        }
    }
}

/// One accepted socket.
struct Connection {
    var fd: Int32

    enum Head { case head([UInt8]), tooLongLine, tooLongHead, broken }

    func setTimeouts(seconds: Int) {
        var t = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &t, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &t, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Reads up to the blank line that ends the head, within the budgets; never more.
    func readHead() -> Head {
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var scanned = 0
        var lineEnd: Int? = nil
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return .broken }
            head.append(contentsOf: buffer[0..<n])
            if lineEnd == nil { lineEnd = head.firstIndex(of: 0x0A) }
            if lineEnd == nil && head.count > SiteServer.maxRequestLine { return .tooLongLine }
            if let end = lineEnd, end > SiteServer.maxRequestLine { return .tooLongLine }
            // Look for the blank line only in what is new (and 3 bytes back): linear overall.
            if let end = Self.endOfHead(head, from: max(0, scanned - 3)) { return .head(Array(head[..<end])) }
            scanned = head.count
            if head.count > SiteServer.maxHead { return .tooLongHead }
        }
    }

    /// Index after "\n\r\n" or "\n\n", searching from `start`.
    static func endOfHead(_ bytes: [UInt8], from start: Int) -> Int? {
        var i = start
        while i < bytes.count {
            if bytes[i] == 0x0A {
                if i + 1 < bytes.count && bytes[i + 1] == 0x0A { return i + 2 }
                if i + 2 < bytes.count && bytes[i + 1] == 0x0D && bytes[i + 2] == 0x0A { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    /// Writes the response, then lets the client finish sending (up to a limit) before closing,
    /// so a refused oversized request gets its status instead of a connection reset.
    func respond(_ r: Response, head: Bool) {
        var text = "HTTP/1.1 \(r.status) \(Response.reason(r.status))\r\nContent-Type: \(r.type)\r\n"
        text += "Content-Length: \(r.body.count)\r\nCache-Control: no-store\r\nConnection: close\r\n"
        if let location = r.location { text += "Location: \(location)\r\n" }
        var bytes = Array((text + "\r\n").utf8)
        if !head { bytes += r.body }
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a client that hung up must not end opsbook with SIGPIPE.
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            offset += n
        }
        shutdown(fd, Int32(SHUT_WR))
        var sink = [UInt8](repeating: 0, count: 65536)
        var drained = 0
        while drained < 16 << 20 {
            let n = read(fd, &sink, sink.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            drained += n
        }
        close()
    }

    func close() { _ = Glibc.close(fd) }
}
