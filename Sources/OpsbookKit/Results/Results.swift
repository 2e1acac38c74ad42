import Foundation

/// One run's verdicts: what the site, the terminal and the JSON file report.
public struct Results: Sendable {
    public var target: String?
    public var started: Date?
    public var finished: Date?
    /// Nil when checks were not run (`--no-checks`).
    public var checks: [CheckResult]?
    public var criteria: [CriterionVerdict]
    /// The handbook's git commit when the run was made; nil outside a git checkout.
    public var handbookRevision: HandbookRevision?

    public init(handbook: Handbook, checks: [CheckResult]?, attestations: [Attestation], target: String?,
                started: Date?, finished: Date?, today: Day) {
        self.init(judging: handbook.criteria, checks: checks, attestations: attestations, target: target,
                  started: started, finished: finished, today: today)
    }

    /// Verdicts for these criteria only (`check --page`, `--only`: the criteria the checks that ran decide).
    public init(judging criteria: [Criterion], checks: [CheckResult]?, attestations: [Attestation], target: String?,
                started: Date?, finished: Date?, today: Day) {
        self.target = target
        self.started = started
        self.finished = finished
        self.checks = checks
        let byID = checks.map { Dictionary($0.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }) }
        self.criteria = criteria.map { criterion in
            let attestation = attestations.first { $0.page == criterion.page && criterion.text.hasPrefix($0.criterionPrefix) }
            return CriterionJudge.judge(criterion, results: byID, attestation: attestation, today: today)
        }
    }

    public var checkByID: [String: CheckResult] {
        Dictionary((checks ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public func verdicts(forPage path: String) -> [CriterionVerdict] {
        criteria.filter { $0.criterion.page == path }
    }

    public var anyFailure: Bool {
        (checks ?? []).contains { $0.status.isFailure } || criteria.contains { $0.status == .failed }
    }

    // Counted in place: `filter` would copy every matching verdict first.
    public func count(_ status: CheckStatus) -> Int { (checks ?? []).reduce(0) { $1.status == status ? $0 + 1 : $0 } }
    public func count(_ status: CriterionStatus) -> Int { criteria.reduce(0) { $1.status == status ? $0 + 1 : $0 } }
    public var claimedFailing: [CriterionVerdict] { criteria.filter(\.isClaimedFailing) }
}
