import ArgumentParser
import Foundation
import OpsbookKit

struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "build", abstract: "Lint, run the checks, render the site.")

    @OptionGroup var common: CommonOptions
    @Flag(name: .long, help: "Render without running checks; criteria with checks show as not-run.")
    var noChecks = false
    @Option(name: .long, help: "Where the site is written.")
    var out: String = "site"

    func run() async throws {
        let (handbook, diagnostics) = try Stages.loadAndLint(common)
        DiagnosticPrinter(format: common.format).print(diagnostics)
        let status = ExitStatus.code(diagnostics: diagnostics, strict: common.strict)
        if status != .success { throw status }
        let today = Day.today()
        let results = Results(handbook: handbook, checks: nil, attestations: [], target: nil,
                              started: nil, finished: nil, today: today)
        let outURL = URL(fileURLWithPath: out, relativeTo: common.rootURL).standardizedFileURL
        let theme = try Theme(override: Stages.themeFolder(common.rootURL))
        try SiteRenderer(theme: theme, today: today).render(handbook, results, into: outURL)
        print("opsbook: wrote \(handbook.pages.count) pages to \(outURL.path)")
        throw ExitStatus.code(diagnostics: diagnostics, strict: common.strict, anyFailure: results.anyFailure)
    }
}
