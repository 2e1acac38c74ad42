import Foundation

public enum CriterionStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case passed, failed, skipped, manual, attested, notRun = "not-run"
}

/// A person's sign-off of a manual criterion, from `checks/attestations.yaml`.
public struct Attestation: Hashable, Sendable {
    public var page: String
    public var criterionPrefix: String
    public var by: String
    public var on: Day
    public var note: String?
    public var expires: Day?
    public var position: SourcePosition
}

/// The decision on one criterion, with what it was decided from.
public struct CriterionVerdict: Hashable, Sendable {
    public var criterion: Criterion
    public var status: CriterionStatus
    /// `[x]` while a check fails: the most important thing the site can say.
    public var isClaimedFailing: Bool { criterion.claimedDone && status == .failed }
    public var attestation: Attestation?
    /// An attestation that matched but has expired (the criterion is manual again).
    public var expiredAttestation: Attestation?
}

/// Decides criteria from check results (contract §2). Pure: same inputs, same verdicts.
public enum CriterionJudge {
    /// `results` is nil when the build ran no checks.
    public static func judge(_ criterion: Criterion, results: [String: CheckResult]?, attestation: Attestation?,
                             today: Day) -> CriterionVerdict {
        var verdict = CriterionVerdict(criterion: criterion, status: .manual)
        if criterion.checkIDs.isEmpty {
            if let a = attestation {
                if let expires = a.expires, expires < today {
                    verdict.expiredAttestation = a
                } else {
                    verdict.status = .attested
                    verdict.attestation = a
                }
            }
            return verdict
        }
        guard let results else {
            verdict.status = .notRun
            return verdict
        }
        let statuses = criterion.checkIDs.map { results[$0]?.status }
        if statuses.contains(where: { $0?.isFailure == true }) {
            verdict.status = .failed
        } else if statuses.contains(where: { $0 == nil }) {
            verdict.status = .notRun
        } else if statuses.allSatisfy({ $0 == .passed }) {
            verdict.status = .passed
        } else {
            verdict.status = .skipped
        }
        return verdict
    }
}
