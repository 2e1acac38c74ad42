/// The EXAMPLES section of each subcommand's help (`opsbook help build`), kept in one place so
/// a test can check every example against the real parser (InitTests).
enum HelpExamples {
    typealias Example = (what: String, command: String)

    static let byCommand: [String: [Example]] = [
        "init": [
            ("Start a handbook in a new folder, then look at it", "opsbook init ops-handbook"),
            ("Start one in the current (empty) folder", "opsbook init"),
        ],
        "build": [
            ("Run the checks against the default target and write site/", "opsbook build"),
            ("Render only, without running anything", "opsbook build --no-checks"),
            ("Publish the verdicts of an earlier `opsbook check --json`", "opsbook build --results results.json --out public"),
        ],
        "check": [
            ("Run every check against the default target", "opsbook check"),
            ("In GitHub Actions: annotations, JUnit and the results file", "opsbook check --format github --junit junit.xml --json results.json"),
            ("One page against a named target, quietly", "opsbook check --target stg --page content/phases/phase-1.md --quiet"),
        ],
        "lint": [
            ("Report every problem; warnings fail too", "opsbook lint --strict"),
            ("Also try each check in made-up worlds", "opsbook lint --prove"),
        ],
        "record": [
            ("Record what the stg cluster answers as fixtures for the demo target", "opsbook record --target stg --into demo"),
        ],
        "serve": [
            ("Serve on http://127.0.0.1:8000 and rebuild on every change", "opsbook serve"),
            ("Run the checks once first, on another port", "opsbook serve --checks --port 8080"),
        ],
    ]

    /// `lead`, then the examples of `command` as help text.
    static func discussion(_ command: String, _ lead: String = "") -> String {
        let examples = (byCommand[command] ?? []).map { "  \($0.what):\n    \($0.command)" }.joined(separator: "\n")
        return (lead.isEmpty ? "" : lead + "\n\n") + "EXAMPLES:\n" + examples
    }
}
