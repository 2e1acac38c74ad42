import ArgumentParser
import Foundation
import OpsbookKit

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Lint and run checks only; print progress and a summary.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var run: RunOptions
    @Option(name: .long, help: "Only the checks of this page (path under the root, e.g. content/phases/phase-1.md).")
    var page: String?
    @Option(name: .long, help: "Only these check ids, comma-separated.")
    var only: String?
    @Option(name: .long, help: "Write the results document (JSON, version 1) here; with several targets one file each ({target} in the path, else before the extension).")
    var json: String?
    @Option(name: .long, help: "Write JUnit XML here.")
    var junit: String?

    @OptionGroup var fleet: FleetOptions

    func run() async throws {
        // Checked before anything runs: a bad path exits 2 without waiting for the checks.
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let (handbook, lint) = try Stages.loadAndLint(common)
        let setups = try Stages.setUpRuns(handbook, root: common.rootURL, spec: run.target)
        let several = setups.count > 1
        func reportURLs(_ raw: String?, _ option: String) throws -> [String: URL] {
            guard let raw else { return [:] }
            return try Dictionary(uniqueKeysWithValues: setups.map { setup in
                let path = TargetSelection.path(raw, target: setup.target.name, several: several)
                return (setup.target.name, try Stages.guarded { try OutputPath.reportFile(path, option: option, root: common.rootURL, base: cwd) })
            })
        }
        try Stages.checkFleetPaths(fleet.records, root: common.rootURL)
        let jsonURLs = try reportURLs(json, "--json")
        let junitURLs = try reportURLs(junit, "--junit")
        let diagnostics = lint + Stages.uniqueDiagnostics(setups)
        DiagnosticPrinter(format: common.format).print(diagnostics)
        let status = ExitStatus.code(diagnostics: diagnostics, strict: common.strict)
        if status != .success { throw status }

        let selected = try select(handbook.checks)
        let judged = handbook.restricted(to: selected, page: page)
        let runs = try Stages.runTargets(selected, setups: setups, root: common.rootURL, options: run) { setup, checks, started, finished in
            Results(handbook: judged, checks: checks, attestations: setup.attestations, target: setup.target.name,
                    started: started, finished: finished, today: Day.today())
        }
        Stages.printSummaries(runs, format: common.format)
        for r in runs {
            let name = r.setup.target.name
            if let url = jsonURLs[name] { try Stages.guarded { try OutputPath.writeReport(ResultsFile.json(r.results), to: url, option: "--json") } }
            if let url = junitURLs[name] { try Stages.guarded { try OutputPath.writeReport(Data(JUnitReport.xml(r.results).utf8), to: url, option: "--junit") } }
        }
        try Stages.keepRecords(runs, handbook: handbook, fleet: fleet.records, root: common.rootURL)
        throw ExitStatus.code(diagnostics: diagnostics, strict: common.strict, anyFailure: runs.contains { $0.results.anyFailure })
    }

    private func select(_ checks: [CheckBlock]) throws -> [CheckBlock] {
        var selected = checks
        if let page {
            let normalized = page.hasPrefix("./") ? String(page.dropFirst(2)) : page
            selected = selected.filter { $0.page == normalized }
            if selected.isEmpty && !checks.contains(where: { $0.page == normalized }) {
                throw ExitStatus.usage("--page \(page): no checks on that page (or no such page)")
            }
        }
        if let only {
            let ids = only.split(separator: ",").map(String.init)
            let unknown = ids.filter { id in !checks.contains { $0.id == id } }
            if !unknown.isEmpty { throw ExitStatus.usage("--only: no check with id \(unknown.joined(separator: ", "))") }
            selected = selected.filter { ids.contains($0.id) }
        }
        return selected
    }
}

extension Handbook {
    /// When only some checks ran, only the criteria they decide (or the page asked for) are judged.
    func restricted(to checks: [CheckBlock], page: String?) -> Handbook {
        guard checks.count != self.checks.count || page != nil else { return self }
        let ids = Set(checks.map(\.id))
        var copy = self
        copy.pages = pages.map { p in
            var p = p
            p.criteria = p.criteria.filter { c in
                page.map { c.page == $0 } ?? !Set(c.checkIDs).isDisjoint(with: ids)
            }
            return p
        }
        return copy
    }
}
