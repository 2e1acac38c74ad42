import XCTest
import Synchronization
@testable import OpsbookKit

/// `opsbook serve` (issue #12): bounded request heads (414 / 431) that never hold up other
/// requests, folder index pages, the site's 404 page.
final class ServeTests: XCTestCase {
    private var server: Process?
    private var stderrPipe: Pipe?
    private var port = 0

    override func tearDown() {
        server?.terminate()
        server?.waitUntilExit()
    }

    private func start() throws -> URL {
        let root = try TestSupport.handbook([
            "content/index.md": "# 手冊\n",
            "content/phases/index.md": "# 階段\n",
        ])
        port = Int.random(in: 20000...40000)
        let errors = Pipe()
        let p = try TestSupport.serve(root, port: port, stderr: errors)
        stderrPipe = errors
        server = p
        for _ in 0..<200 {
            if (try? request("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"))?.status == 200 { return root }
            usleep(50_000)
        }
        XCTFail("serve did not start")
        return root
    }

    struct Reply { var status: Int; var headers: String; var body: String }

    private func request(_ head: String) throws -> Reply { try Self.request(head, port: port) }

    /// One raw HTTP exchange over a socket: sends `head` (and nothing more), reads to EOF.
    private static func connected(_ port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard ok == 0 else { close(fd); throw CocoaError(.fileReadUnknown) }
        return fd
    }

    private static func request(_ head: String, port: Int) throws -> Reply {
        let fd = try connected(port)
        defer { close(fd) }
        var t = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &t, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(head.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }  // the server may answer and stop reading early
            offset += n
        }
        shutdown(fd, Int32(SHUT_WR))
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            reply += buffer[0..<n]
        }
        let text = String(decoding: reply, as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let status = Int(parts[0].split(separator: " ").dropFirst().first ?? "") ?? 0
        return Reply(status: status, headers: parts[0], body: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    func testHugeRequestLinesAndHeadsAreRefusedWithoutHoldingUpOthers() throws {
        _ = try start()
        let hugeURL = "GET /" + String(repeating: "a", count: 300_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"
        let hugeHead = "GET /index.html HTTP/1.1\r\n" + (0..<2000).map { "X-H\($0): " + String(repeating: "b", count: 20) + "\r\n" }.joined() + "\r\n"
        let huge = DispatchGroup()
        let statuses = StatusBox()
        let port = self.port
        for (i, head) in [hugeURL, hugeURL, hugeHead].enumerated() {
            DispatchQueue.global().async(group: huge) { statuses.set(i, (try? Self.request(head, port: port))?.status ?? -1) }
        }
        // A normal request made while the huge ones are in flight is answered.
        let normal = try request("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(normal.status, 200)
        XCTAssertTrue(normal.body.contains("手冊"))
        huge.wait()
        XCTAssertEqual(statuses.all, [0: 414, 1: 414, 2: 431])
    }

    func testFolderIndexAndNotFoundPage() throws {
        let root = try start()
        let folder = try request("GET /phases/ HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(folder.status, 200)
        XCTAssertTrue(folder.body.contains("階段"), folder.body)
        let bare = try request("GET /phases HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(bare.status, 301)
        XCTAssertTrue(bare.headers.contains("Location: /phases/"), bare.headers)
        XCTAssertEqual(try request("GET /nope.html HTTP/1.1\r\nHost: x\r\n\r\n").status, 404)
        try Data("<html><body>找不到</body></html>".utf8).write(to: root.appendingPathComponent("site/404.html"))
        let missing = try request("GET /nope.html HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(missing.status, 404)
        XCTAssertTrue(missing.body.contains("找不到"), "the site's own 404 page: \(missing.body)")
        XCTAssertEqual(try request("POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").status, 405)
        XCTAssertEqual(try request("GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n").status, 403)
    }
}

extension ServeTests {
    /// Clients that ask for a large file and reset the connection at once: the server's writes
    /// fail (EPIPE) and must not end it (send uses MSG_NOSIGNAL; the Swift runtime also ignores
    /// SIGPIPE, so this guards the server against hang-ups in general).
    func testAClientThatHangsUpDoesNotStopTheServer() throws {
        let root = try start()
        try Data(repeating: 0x61, count: 8 << 20).write(to: root.appendingPathComponent("site/big.bin"))
        for _ in 0..<3 {
            let fd = try Self.connected(port)
            let head = Array("GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
            _ = head.withUnsafeBytes { send(fd, $0.baseAddress!, head.count, Int32(MSG_NOSIGNAL)) }
            usleep(100_000)  // let the server start writing
            var reset = linger(l_onoff: 1, l_linger: 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<linger>.size))
            close(fd)
        }
        XCTAssertEqual(try request("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n").status, 200)
        XCTAssertTrue(server?.isRunning == true)
    }
}

extension ServeTests {
    /// The watcher reports a saved page, a folder that appears and a file written into it (its
    /// watch is added as it appears), with no polling: `next` blocks until the kernel reports.
    func testTheWatcherReportsChangesAndFollowsNewFolders() throws {
        let root = try TestSupport.handbook(["content/index.md": "# 手冊\n", "checks/targets.yaml": "targets: {}\n"])
        let watcher = try HandbookWatcher(root: root)
        try Data("# 手冊\n\n改了。\n".utf8).write(to: root.appendingPathComponent("content/index.md"))
        XCTAssertEqual(try next(watcher), ["content/index.md"])

        try FileManager.default.createDirectory(at: root.appendingPathComponent("content/new"), withIntermediateDirectories: false)
        XCTAssertEqual(try next(watcher), ["content/new"])
        try Data("# 新\n".utf8).write(to: root.appendingPathComponent("content/new/page.md"))
        XCTAssertEqual(try next(watcher), ["content/new/page.md"])

        // An editor's save: write a temporary file, rename it over the page.
        try Data("# 新的\n".utf8).write(to: root.appendingPathComponent("content/new/.page.md.tmp"))
        XCTAssertEqual(rename(root.appendingPathComponent("content/new/.page.md.tmp").path,
                              root.appendingPathComponent("content/new/page.md").path), 0)
        XCTAssertEqual(try next(watcher), ["content/new/.page.md.tmp", "content/new/page.md"])

        try FileManager.default.createDirectory(at: root.appendingPathComponent("theme"), withIntermediateDirectories: false)
        XCTAssertEqual(try next(watcher), ["theme"])
        try Data("x".utf8).write(to: root.appendingPathComponent("checks/targets.yaml"))
        XCTAssertEqual(try next(watcher), ["checks/targets.yaml"])
    }

    /// `watcher.next()` on another thread; fails instead of hanging when nothing comes.
    private func next(_ watcher: HandbookWatcher) throws -> Set<String> {
        let done = expectation(description: "a change is reported")
        let box = Mutex<Set<String>>([])
        Thread.detachNewThread {
            let changes = watcher.next()
            box.withLock { $0 = changes }
            done.fulfill()
        }
        wait(for: [done], timeout: 20)
        return box.withLock { $0 }
    }

    /// End to end: a page saved while `serve` runs is served rebuilt, and stderr says what was
    /// rebuilt and how many files were written.
    func testAnEditedPageIsServedAndTheRebuildIsReported() throws {
        let root = try start()
        let marker = "改過的內容-" + UUID().uuidString
        try Data("# 手冊\n\n\(marker)\n".utf8).write(to: root.appendingPathComponent("content/index.md"))
        var served = ""
        for _ in 0..<400 where !served.contains(marker) {
            served = (try? request("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"))?.body ?? ""
            if !served.contains(marker) { usleep(25_000) }
        }
        XCTAssertTrue(served.contains(marker), "the edit is served")
        server?.terminate()
        server?.waitUntilExit()
        let stderr = String(decoding: stderrPipe?.fileHandleForReading.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        XCTAssertTrue(stderr.contains("opsbook: rebuilt content/index.md ("), stderr)
        XCTAssertTrue(stderr.contains(" files) in "), stderr)
    }
}

private final class StatusBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Int: Int] = [:]
    func set(_ i: Int, _ v: Int) { lock.withLock { values[i] = v } }
    var all: [Int: Int] { lock.withLock { values } }
}
