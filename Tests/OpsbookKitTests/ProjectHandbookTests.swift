import XCTest
@testable import OpsbookKit

/// The project's own handbook (`content/`, `checks/`) is the demo a new user sees first: it must
/// lint clean, decide its criteria on `demo`, and fail where it should on `demo-degraded`.
final class ProjectHandbookTests: XCTestCase {
    private var root: URL { TestSupport.packageRoot }

    private func results(_ target: String) throws -> (status: Int32, doc: [String: Any]) {
        let json = try TestSupport.handbook([:]).appendingPathComponent("r.json")
        defer { try? FileManager.default.removeItem(at: json.deletingLastPathComponent()) }
        let run = try TestSupport.opsbook(["check", "--target", target, "--json", json.path], in: root)
        XCTAssertNotEqual(run.status, 2, run.stderr)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: json)) as? [String: Any])
        return (run.status, doc)
    }

    func testLintIsClean() throws {
        let run = try TestSupport.opsbook(["lint", "--strict"], in: root)
        XCTAssertEqual(run.status, 0, run.stderr)
    }

    func testDemoDecidesEveryCriterionWithChecksAndPasses() throws {
        let (status, doc) = try results("demo")
        let checks = doc["checks"] as! [[String: Any]]
        let bad = checks.filter { ($0["status"] as! String) != "passed" && ($0["status"] as! String) != "skipped" }
        XCTAssertEqual(bad.map { "\($0["id"]!): \($0["status"]!) \($0["reason"] ?? "")" }, [], "the healthy demo cluster passes")
        XCTAssertEqual(status, 0)
        let criteria = doc["criteria"] as! [[String: Any]]
        let decided = criteria.filter { !($0["checks"] as! [String]).isEmpty }
        XCTAssertGreaterThanOrEqual(criteria.count, 60, "issue 7: at least 60 criteria")
        XCTAssertGreaterThanOrEqual(decided.count, 40, "issue 7: at least 40 decided by checks")
        XCTAssertTrue(decided.allSatisfy { ["passed", "skipped"].contains($0["status"] as! String) })
    }

    func testDegradedFailsAndShowsClaimedDoneFailing() throws {
        let (status, doc) = try results("demo-degraded")
        XCTAssertEqual(status, 1)
        let summary = doc["summary"] as! [String: [String: Int]]
        XCTAssertGreaterThanOrEqual(summary["criteria"]?["failed"] ?? 0, 5)
        XCTAssertGreaterThanOrEqual(summary["criteria"]?["claimed-failing"] ?? 0, 1)
        let checks = doc["checks"] as! [[String: Any]]
        XCTAssertFalse(checks.contains { ($0["status"] as! String) == "errored" },
                       "a bad day is told by fixtures, never by a missing one")
    }
}
