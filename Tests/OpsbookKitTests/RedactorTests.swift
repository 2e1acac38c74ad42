import XCTest
@testable import OpsbookKit

/// Secrets are made at run time so they never sit in a Markdown page or a source literal whole.
final class RedactorTests: XCTestCase {
    private let secret = "s" + String(UInt64.random(in: 1 << 40 ... 1 << 50), radix: 36) + "Q9"
    private let redactor = Redactor()

    private func assertGone(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let out = redactor.redact(text)
        XCTAssertFalse(out.contains(secret), out, file: file, line: line)
        XCTAssertTrue(out.contains("REDACTED"), out, file: file, line: line)
    }

    func testSecretDataYAMLAndJSON() {
        assertGone("apiVersion: v1\ndata:\n  password: \(secret)\n  user: YWRtaW4=\nkind: Secret\n")
        XCTAssertTrue(redactor.redact("data:\n  password: \(secret)\nkind: Secret\n").contains("kind: Secret"), "keys after the block stay")
        assertGone("{\"data\": {\"password\": \"\(secret)\"}, \"kind\": \"Secret\"}")
    }

    func testBearerTokenURLPasswordPrivateKeyJWT() {
        assertGone("Authorization: Bearer \(secret)abcdef")
        assertGone("postgres://app:\(secret)@db:5432/chat")
        assertGone("-----BEGIN RSA PRIVATE KEY-----\nMIIE\(secret)\n-----END RSA PRIVATE KEY-----\n")
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx\(secret)fQ.\(secret)sig"
        assertGone("token \(jwt)")
        XCTAssertFalse(redactor.redact(jwt).contains("eyJ"))
    }

    func testExtraPatternsFromRedactYAML() throws {
        let root = try TestSupport.handbook(["checks/redact.yaml": "- 'corp-[0-9]{6}'\n- pattern: 'acct=\\w+'\n  replacement: acct=***\n- '(['\n"])
        let (r, problems) = ChecksFolder(root: root).loadRedactor()
        XCTAssertEqual(problems.map { $0.position!.line }, [4])
        XCTAssertEqual(r.redact("id corp-123456 acct=bob"), "id [REDACTED] acct=***")
    }

    func testOrdinaryOutputIsLeftAlone() {
        let text = "NAME READY STATUS\nchat-server-1 1/1 Running\ndata: 3 items\n"
        XCTAssertEqual(redactor.redact(text), text)
    }

    func testRedactionReachesCheckResults() throws {
        let block = TestSupport.page("```check t\n$ echo \"postgres://u:$S@db\"\nnope\n```\n").0.checks[0]
        var env = ProcessInfo.processInfo.environment
        env["S"] = secret
        let r = try CheckRunner(target: RunTarget(name: "x"), root: URL(fileURLWithPath: "/tmp"), jobs: 1, allowMutations: false,
                                redactor: redactor, baseEnvironment: env).run([block])[0]
        XCTAssertEqual(r.status, .failed)
        XCTAssertFalse(r.output.contains(secret))
        XCTAssertFalse((r.diff ?? "").contains(secret))
    }
}
