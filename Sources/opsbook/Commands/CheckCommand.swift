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
    @Option(name: .long, help: "Write the results document (JSON, version 1) here.")
    var json: String?
    @Option(name: .long, help: "Write JUnit XML here.")
    var junit: String?

    func run() async throws {
        // Checked before anything runs: a bad path exits 2 without waiting for the checks.
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let jsonURL = try json.map { raw in try Stages.guarded { try OutputPath.reportFile(raw, option: "--json", root: common.rootURL, base: cwd) } }
        let junitURL = try junit.map { raw in try Stages.guarded { try OutputPath.reportFile(raw, option: "--junit", root: common.rootURL, base: cwd) } }
        let (handbook, setup, diagnostics) = try Stages.prepareRun(common, targetName: run.target)

        let selected = try select(handbook.checks)
        let started = Date()
        let checkResults = try Stages.runChecks(selected, setup: setup, root: common.rootURL, options: run,
                                                reporter: ProgressReporter())
        let results = Results(handbook: handbook.restricted(to: selected, page: page), checks: checkResults,
                              attestations: setup.attestations, target: setup.target.name,
                              started: started, finished: Date(), today: Day.today())
        SummaryPrinter(format: common.format).print(results)
        if let jsonURL { try Stages.guarded { try OutputPath.writeReport(ResultsFile.json(results), to: jsonURL, option: "--json") } }
        if let junitURL { try Stages.guarded { try OutputPath.writeReport(Data(JUnitReport.xml(results).utf8), to: junitURL, option: "--junit") } }
        throw ExitStatus.code(diagnostics: diagnostics, strict: common.strict, anyFailure: results.anyFailure)
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
