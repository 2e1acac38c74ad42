import XCTest
@testable import OpsbookKit

/// Plants every kind of secret in a check's output, in a recorded program's arguments and
/// stdin and in the target's `env`, runs the real binary, and greps everything it wrote or
/// printed: terminal, JSON, JUnit, the site (HTML and search index), recorded fixtures.
final class SecretLeakTests: XCTestCase {
    func testNoPlantedSecretReachesAnyOutput() throws {
        let planted = RedactionKindsTests.planted
        let pw = "Rx" + RedactionKindsTests.random(14)
        let token = RedactionKindsTests.random(30)
        let envSecret = "Env" + RedactionKindsTests.random(13)
        let secrets = planted.map { ($0.name, $0.secret) } + [("PW", pw), ("TOK", token), ("env", envSecret)]

        let page = """
            # 秘密
            - [x] plants
              ```check plant
              $ printf '%s\\n' "$PLANTED"
              nothing
              ```
            - [x] calls
              ```check calls
              curl -H "Authorization: Bearer $TOK" -u "admin:$PW" "https://admin:$PW@api.example/x"
              redis-cli -a "$PW" PING
              printf 'AUTH %s\\n' "$PW" | redis-cli
              echo "env secret $REDIS_PASSWORD"
              ```

            """
        let root = try TestSupport.handbook([
            "content/index.md": page,
            "checks/targets.yaml": "default: live\ntargets:\n  live:\n    env: { REDIS_PASSWORD: \"\(envSecret)\" }\n",
        ])
        // Fake recorded programs: they echo their arguments and stdin, as a careless server might.
        let fakebin = root.appendingPathComponent("fakebin")
        try FileManager.default.createDirectory(at: fakebin, withIntermediateDirectories: true)
        for program in ["curl", "redis-cli"] {
            let url = fakebin.appendingPathComponent(program)
            try Data("#!/bin/sh\necho \"$(basename \"$0\") $*\"\n[ -t 0 ] || cat\n".utf8).write(to: url)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let env = ["PLANTED": planted.map(\.text).joined(separator: "\n"), "PW": pw, "TOK": token,
                   "PATH": fakebin.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]

        var printed = ""
        // Binary: the secrets reach the run as the caller's environment and PATH, and the
        // terminal is one of the outputs searched.
        for args in [["check", "--json", "r.json", "--junit", "j.xml"], ["build", "--out", "site"], ["record", "--into", "rec"]] {
            let run = try TestSupport.opsbook(args, in: root, env: env)
            XCTAssertNotEqual(run.status, 2, "\(args): \(run.stderr)")
            printed += run.stdout + run.stderr
        }
        let recorded = root.appendingPathComponent("checks/fixtures/rec")
        XCTAssertTrue(FileManager.default.fileExists(atPath: recorded.appendingPathComponent("calls.yaml").path), "record wrote the calls")
        var written: [(String, String)] = [("terminal", printed)]
        for folder in ["site", "checks/fixtures/rec"] {
            let e = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let url = e?.nextObject() as? URL {
                if let text = try? String(contentsOf: url, encoding: .utf8) { written.append((url.lastPathComponent, text)) }
            }
        }
        for file in ["r.json", "j.xml"] {
            written.append((file, try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)))
        }
        XCTAssertTrue(written.contains { $0.1.contains("REDACTED") }, "the secrets did reach the outputs, redacted")
        for (name, text) in written {
            for (kind, secret) in secrets {
                XCTAssertFalse(text.contains(secret), "\(name) holds a planted secret: \(kind)")
            }
        }
    }
}
