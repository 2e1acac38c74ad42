import Foundation

/// The verdicts `serve` keeps from its first build, and what each check was when it ran.
///
/// A verdict is shown only while its check is still the check it was made for: same id, same
/// body, same attributes (`CheckRecipe`). A check whose body or attributes changed, or a check
/// that is new, has no verdict until the checks run again: its criterion shows not-run, never
/// the old pass (docs/design.md, "Incremental serve"). Going back to the old body brings the
/// old verdict back, because it is again a verdict of exactly that check.
struct KeptVerdicts: Sendable {
    /// Nil when the first build ran no checks and found no earlier results.
    var checks: [CheckResult]?
    var target: String?
    var started: Date?
    var finished: Date?
    /// Each check as it was when the verdicts were made, by id.
    var madeFor: [String: CheckRecipe]

    /// `results` are verdicts of `handbook`'s checks (the first build's handbook: for results
    /// reused from an earlier `results.json`, the handbook as it was when serve started).
    init(_ results: Results, of handbook: Handbook) {
        checks = results.checks
        target = results.target
        started = results.started
        finished = results.finished
        madeFor = Self.recipes(handbook)
    }

    /// The kept verdicts that still belong to `handbook`'s checks.
    func valid(for handbook: Handbook) -> [CheckResult]? {
        guard let checks else { return nil }
        let now = Self.recipes(handbook)
        return checks.filter { result in now[result.id].map { $0 == madeFor[result.id] } ?? false }
    }

    /// What a full build of `handbook` is given.
    func source(for handbook: Handbook) -> Pipeline.VerdictSource {
        guard let valid = valid(for: handbook) else { return .none }
        return .given(valid, target: target, started: started, finished: finished)
    }

    /// `handbook`'s criteria judged with the verdicts that are still valid.
    func results(for handbook: Handbook, attestations: [Attestation], today: Day) -> Results {
        Results(handbook: handbook, checks: valid(for: handbook), attestations: attestations, target: target,
                started: started, finished: finished, today: today)
    }

    /// The first block of each id, as lint's duplicate rule counts them.
    private static func recipes(_ handbook: Handbook) -> [String: CheckRecipe] {
        var out: [String: CheckRecipe] = [:]
        for block in handbook.checks where out[block.id] == nil {
            out[block.id] = CheckRecipe(body: block.body, attributes: block.attributes)
        }
        return out
    }
}

/// What decides a check's verdict, besides the target: the commands and how they are run.
struct CheckRecipe: Hashable, Sendable {
    var body: String
    var attributes: CheckAttributes
}
