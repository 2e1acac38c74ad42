import XCTest
@testable import OpsbookKit

final class VerdictTests: XCTestCase {
    private let today = Day(iso: "2026-11-24")!

    private func criterion(_ ids: [String], claimed: Bool = false) -> Criterion {
        Criterion(page: "content/p.md", position: SourcePosition(path: "content/p.md", line: 3), text: "etcd 三節點",
                  claimedDone: claimed, checkIDs: ids, references: [])
    }

    private func results(_ pairs: [(String, CheckStatus)]) -> [String: CheckResult] {
        Dictionary(uniqueKeysWithValues: pairs.map { ($0.0, CheckResult(id: $0.0, page: "content/p.md", line: 1, status: $0.1)) })
    }

    private func judge(_ ids: [String], _ r: [(String, CheckStatus)]?, claimed: Bool = false, attestation: Attestation? = nil) -> CriterionVerdict {
        CriterionJudge.judge(criterion(ids, claimed: claimed), results: r.map(results), attestation: attestation, today: today)
    }

    func testStatusesFromChecks() {
        XCTAssertEqual(judge(["a", "b"], [("a", .passed), ("b", .passed)]).status, .passed)
        XCTAssertEqual(judge(["a", "b"], [("a", .passed), ("b", .failed)]).status, .failed)
        XCTAssertEqual(judge(["a"], [("a", .timedOut)]).status, .failed)
        XCTAssertEqual(judge(["a"], [("a", .errored)]).status, .failed)
        XCTAssertEqual(judge(["a", "b"], [("a", .passed), ("b", .skipped)]).status, .skipped)
        XCTAssertEqual(judge(["a", "b"], [("a", .skipped), ("b", .failed)]).status, .failed, "a failure beats a skip")
        XCTAssertEqual(judge(["a"], nil).status, .notRun)
        XCTAssertEqual(judge(["a", "b"], [("a", .passed)]).status, .notRun, "a check that did not run cannot pass its criterion")
        XCTAssertEqual(judge([], [("a", .passed)]).status, .manual)
    }

    func testClaimedFailing() {
        XCTAssertTrue(judge(["a"], [("a", .failed)], claimed: true).isClaimedFailing)
        XCTAssertFalse(judge(["a"], [("a", .failed)], claimed: false).isClaimedFailing)
        XCTAssertFalse(judge(["a"], [("a", .passed)], claimed: true).isClaimedFailing)
        XCTAssertEqual(judge(["a"], [("a", .passed)], claimed: false).status, .passed, "a stale [ ] still shows passing")
    }

    func testAttestationAndExpiry() {
        func a(_ expires: String?) -> Attestation {
            Attestation(page: "content/p.md", criterionPrefix: "etcd", by: "王小明", on: Day(iso: "2026-11-02")!, note: nil,
                        expires: expires.flatMap(Day.init(iso:)), position: SourcePosition(path: "checks/attestations.yaml", line: 1))
        }
        XCTAssertEqual(judge([], nil, attestation: a(nil)).status, .attested)
        XCTAssertEqual(judge([], nil, attestation: a("2027-02-02")).status, .attested)
        let expired = judge([], nil, attestation: a("2026-11-01"))
        XCTAssertEqual(expired.status, .manual)
        XCTAssertNotNil(expired.expiredAttestation)
        XCTAssertEqual(judge(["x"], [("x", .failed)], attestation: a(nil)).status, .failed, "a sign-off never overrides a check")
    }

    func testAttestationsFileMatchesExactlyOneCriterion() throws {
        let root = try TestSupport.handbook([
            "content/p.md": "- [ ] DR 演練完成\n- [ ] DR 演練報告歸檔\n- [ ] 其他\n",
            "checks/attestations.yaml": """
            - page: content/p.md
              criterion: "DR 演練完成"
              by: 王小明
              on: 2026-11-02
            - page: content/p.md
              criterion: "DR 演練"
              by: a
              on: 2026-11-02
            - page: content/p.md
              criterion: "不存在"
              by: a
              on: 2026-11-02
            - page: content/p.md
              criterion: "其他"
              by: a
              on: 2026-13-02
            """,
        ])
        let (handbook, _) = try TestSupport.load(root)
        let (attestations, problems) = ChecksFolder(root: root).loadAttestations(for: handbook)
        XCTAssertEqual(attestations.map(\.by), ["王小明"])
        XCTAssertEqual(problems.map { "\($0.position!.line):\($0.code)" }, ["5:attestations.ambiguous", "9:attestations.no-match", "16:yaml.bad-date"])
    }

    func testRunbookFreshness() {
        var fm = FrontMatter()
        fm.lastReviewed = Day(iso: "2026-08-01")
        fm.reviewEveryDays = 90
        XCTAssertTrue(Freshness.isStale(fm, today: today))
        fm.lastReviewed = Day(iso: "2026-10-01")
        XCTAssertFalse(Freshness.isStale(fm, today: today))
    }
}
