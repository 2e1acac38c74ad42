import XCTest
@testable import OpsbookKit

/// Every kind of secret in contract §6 and issue #12. Secrets are built at run time: none sits
/// in the repository.
final class RedactionKindsTests: XCTestCase {
    /// Random, so no test passes by luck against a fixed string.
    static func random(_ n: Int, _ alphabet: String = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") -> String {
        String((0..<n).map { _ in alphabet.randomElement()! })
    }

    static let pw = "Pw" + random(14)
    static let upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

    /// (what the secret looks like in output, the secret part that must vanish)
    static var planted: [(name: String, text: String, secret: String)] {
        let key = random(40)
        let jwtBody = random(30)
        let akia = "AKIA" + random(16, upperDigits)
        let ghp = "ghp_" + random(36)
        let pat = "github_pat_" + random(40)
        let glpat = "glpat-" + random(20)
        let basic = Data("admin:\(pw)".utf8).base64EncodedString()
        let pgp = "-----BEGIN PGP PRIVATE KEY" + " BLOCK-----\n\n" + key + "\n-----END PGP PRIVATE KEY" + " BLOCK-----"
        let pem = "-----BEGIN OPENSSH PRIVATE" + " KEY-----\n" + key + "x\n-----END OPENSSH PRIVATE" + " KEY-----"
        let bearer = random(32)
        return [
            ("bearer header", "curl -H \"Authorization: Bearer \(bearer)\" https://x", bearer),
            ("basic header", "Authorization: Basic \(basic)", basic),
            ("URL password", "https://admin:\(pw)1@api.example", pw + "1"),
            ("URL password, no user", "redis://:\(pw)2@redis:6379/0", pw + "2"),
            ("curl -u", "curl -u admin:\(pw)3 https://x", pw + "3"),
            ("redis-cli -a", "redis-cli -a \(pw)4 PING", pw + "4"),
            ("AUTH on stdin", "AUTH default \(pw)5", pw + "5"),
            ("DB_PASSWORD", "DB_PASSWORD=\(pw)6", pw + "6"),
            ("API_TOKEN", "export API_TOKEN=\(pw)7", pw + "7"),
            ("PGPASSWORD", "PGPASSWORD='\(pw)8' psql -h db", pw + "8"),
            ("AWS secret", "AWS_SECRET_ACCESS_KEY=\(pw)9", pw + "9"),
            ("access_token query", "GET /api?access_token=\(pw)10&x=1", pw + "10"),
            ("mysql -p", "mysql -uroot -p\(pw)11 -h db", pw + "11"),
            ("docker auth", "{\"auths\": {\"r.example\": {\"auth\": \"\(basic)\"}}}", basic),
            ("JSON password", "{\"password\": \"\(pw)12\"}", pw + "12"),
            ("YAML client_secret", "client_secret: \(pw)13", pw + "13"),
            ("PGP private key", pgp, key),
            ("OpenSSH private key", pem, key + "x"),
            ("JWT", "eyJhbGciOiJIUzI1NiJ9.eyJ" + jwtBody + ".sig" + jwtBody, jwtBody),
            ("AWS access key", "key id \(akia) ok", akia),
            ("GitHub token", "token \(ghp) ok", ghp),
            ("GitHub fine-grained", "\(pat)", pat),
            ("GitLab token", "PRIVATE-TOKEN: \(glpat)", glpat),
        ]
    }

    func testEveryKindIsRedacted() {
        let r = Redactor()
        for p in Self.planted {
            let out = r.redact(p.text)
            XCTAssertFalse(out.contains(p.secret), "\(p.name): \(out)")
            XCTAssertTrue(out.contains("REDACTED"), "\(p.name): \(out)")
        }
    }

    /// All kinds in one output, in a diff, in a transcript's lines: rules must not get in each other's way.
    func testEveryKindIsRedactedInOneOutputAndInADiff() {
        let r = Redactor()
        let all = Self.planted
        let text = all.map(\.text).joined(separator: "\n")
        let out = r.redact(text)
        let diff = r.redactDiff(text.split(separator: "\n").map { "+" + $0 }.joined(separator: "\n"))
        for p in all {
            XCTAssertFalse(out.contains(p.secret), "\(p.name): \(out)")
            XCTAssertFalse(diff.contains(p.secret), "\(p.name) in a diff: \(diff)")
        }
    }

    func testWhatNamesTheSecretStays() {
        let r = Redactor()
        XCTAssertEqual(r.redact("DB_PASSWORD=\(Self.pw)"), "DB_PASSWORD=[REDACTED]")
        XCTAssertEqual(r.redact("redis://:\(Self.pw)@redis:6379"), "redis://:[REDACTED]@redis:6379")
        XCTAssertEqual(r.redact("curl -u admin:\(Self.pw) x"), "curl -u admin:[REDACTED] x")
    }

    func testFalsePositivesStay() {
        let r = Redactor()
        for text in ["PWD=/home/oncall/handbook", "OLDPWD=/tmp", "secretName: chat-tls", "- key: app\n  operator: In",
                     "etcdctl --key=/var/lib/rancher/k3s/server/tls/etcd/client.key endpoint health",
                     "PGPASSWORD=$PW psql", "NAME READY STATUS\nchat-1 1/1 Running", "kubectl get secret chat-db",
                     "a basic setup works", "tokens issued: 42", "data: 3 items"] {
            XCTAssertEqual(r.redact(text), text)
        }
    }

    func testSecretLookingValuesOfTheTargetsEnvAreHidden() {
        let token = Self.random(24) + "-_x"
        let r = Redactor().hiding(secretsOf: ["REDIS_PW": "hunter2x", "SESSION": token, "NAMESPACE": "chat",
                                              "ETCDCTL_ENDPOINTS": "https://10.0.1.11:2379,https://10.0.1.12:2379"])
        let out = r.redact("pw hunter2x, session \(token), ns chat, https://10.0.1.11:2379")
        XCTAssertEqual(out, "pw [REDACTED], session [REDACTED], ns chat, https://10.0.1.11:2379")
    }

    func testRecordedArgumentsAndStdinAreRedacted() {
        let r = Redactor()
        let args = r.redactArguments(["curl", "-H", "Authorization: Bearer \(Self.pw)", "-u", "admin:\(Self.pw)", "https://admin:\(Self.pw)@x"])
        XCTAssertEqual(args, ["curl", "-H", "Authorization: Bearer [REDACTED]", "-u", "admin:[REDACTED]", "https://admin:[REDACTED]@x"])
        XCTAssertEqual(r.redactArguments(["redis-cli", "-a", Self.pw, "PING"]), ["redis-cli", "-a", "[REDACTED]", "PING"])
        XCTAssertEqual(r.redactArguments(["mysql", "-p" + Self.pw]), ["mysql", "-p[REDACTED]"])
        XCTAssertEqual(r.redactArguments(["redis-cli", "AUTH", Self.pw]), ["redis-cli", "AUTH", "[REDACTED]"])
        XCTAssertEqual(r.redact("AUTH \(Self.pw)\nPING\n"), "AUTH [REDACTED]\nPING\n")
    }

    func testADiffOfTwoRedactedSecretsSaysTheSecretChanged() {
        let r = Redactor()
        let diff = "-password=\(Self.pw)a\n+password=\(Self.pw)b\n same\n-x\n+y"
        let out = r.redactDiff(diff)
        XCTAssertFalse(out.contains(Self.pw))
        XCTAssertEqual(out, "~password=[REDACTED]   (a redacted secret differs here)\n same\n-x\n+y")
    }

    /// A recording stand-in writes its log already redacted; a kill in the middle leaves nothing.
    func testRecorderLogIsRedactedAsItIsWritten() throws {
        let dir = try TestSupport.handbook([:])
        let log = dir.appendingPathComponent("recorded.jsonl")
        let status = FixtureRecorder.record(argv: ["sh", "-c", "echo password=\(Self.pw)", "-u", "a:\(Self.pw)"],
                                            stdin: Data("AUTH \(Self.pw)\n".utf8), check: "t", realPath: "/usr/bin:/bin",
                                            kubeContext: nil, log: log, redactor: Redactor())
        XCTAssertEqual(status, 0)
        let text = try String(contentsOf: log, encoding: .utf8)
        XCTAssertFalse(text.contains(Self.pw), text)
        XCTAssertTrue(text.contains("REDACTED"), text)
    }

    /// Replay matches a live call against its redacted recording.
    func testReplayMatchesRedactedRecordings() throws {
        let state = try TestSupport.handbook([:])
        let set = FixtureSet(folders: [[FixtureCall(call: ["redis-cli", "-a", "[REDACTED]", "PING"], stdout: "PONG\n")]])
        let reply = FixtureReplayer.reply(to: ["redis-cli", "-a", Self.pw, "PING"], stdin: "", check: "t", fixtures: set, state: state)
        XCTAssertEqual(reply.stdout, "PONG\n")
    }
}
