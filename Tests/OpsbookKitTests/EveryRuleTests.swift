import XCTest
@testable import OpsbookKit

/// One handbook exercising every rule of the check engine through the real CLI
/// (`Tests/Fixtures/run/every-rule`); the statuses it must give are in `expected/statuses.txt`.
final class EveryRuleTests: XCTestCase {
    func testEveryRuleGivesExactlyTheExpectedStatuses() throws {
        let fixture = TestSupport.fixtures.appendingPathComponent("run/every-rule")
        let root = try Workspace.makeTemporaryFolder(prefix: "opsbook-every-rule")
        defer { try? FileManager.default.removeItem(at: root) }
        let book = root.appendingPathComponent("handbook")
        try FileManager.default.copyItem(at: fixture.appendingPathComponent("handbook"), to: book)
        let retry = root.appendingPathComponent("retry")
        try FileManager.default.createDirectory(at: retry, withIntermediateDirectories: true)
        let secret = "pw" + String(UInt64.random(in: 1 << 40 ... 1 << 50), radix: 36)

        // Binary: the secret reaches the run as the caller's environment, and what the terminal
        // shows is checked for it.
        let run = try TestSupport.opsbook(["check", "--json", root.appendingPathComponent("r.json").path, "--jobs", "2"],
                                          in: book, env: ["RETRY_DIR": retry.path, "DB_PASSWORD": secret])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertFalse(run.stdout.contains(secret), "the terminal never shows a secret")
        let json = try String(contentsOf: root.appendingPathComponent("r.json"), encoding: .utf8)
        XCTAssertFalse(json.contains(secret), "the results file never holds a secret")

        try TestSupport.assertGolden(try statuses(Data(json.utf8)), fixture.appendingPathComponent("expected/statuses.txt"))
    }

    /// `check ID STATUS [attempts=N]` and `criterion LINE STATUS [claimed-failing] TEXT`, one a line.
    private func statuses(_ data: Data) throws -> String {
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        var lines: [String] = []
        for c in doc["checks"] as? [[String: Any]] ?? [] {
            let attempts = c["attempts"] as? Int ?? 0
            lines.append("check \(c["id"]!) \(c["status"]!)" + (attempts > 1 ? " attempts=\(attempts)" : ""))
        }
        for c in doc["criteria"] as? [[String: Any]] ?? [] {
            let claimed = c["claimed_failing"] as? Bool == true ? " claimed-failing" : ""
            lines.append("criterion \(c["line"]!) \(c["status"]!)\(claimed) \(c["text"]!)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
