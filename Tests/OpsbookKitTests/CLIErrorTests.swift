import XCTest
@testable import OpsbookKit

/// Contract §8: a wrong command line exits 2 with a clear message; output that reaches a
/// terminal or a CI log cannot drive either.
final class CLIErrorTests: XCTestCase {
    private func handbook() throws -> URL {
        try TestSupport.handbook([
            "content/index.md": "# 手冊\n",
            "checks/targets.yaml": "default: local\ntargets:\n  local: {}\n",
        ])
    }

    // Binary, the tests of this class: the command line's parsing, help, printing and exit
    // statuses are what they test.
    func testCommandLineMistakesExit2() throws {
        let root = try handbook()
        for args in [["check", "--jobs", "abc"], ["lint", "--format", "xml"], ["check", "--bogus"], ["frobnicate"],
                     ["build", "--jobs"]] {
            let run = try TestSupport.opsbook(args, in: root)
            XCTAssertEqual(run.status, 2, "\(args): \(run.stderr)")
            XCTAssertFalse(run.stderr.isEmpty, "\(args) says what is wrong")
        }
    }

    func testJobsBelowOneIsNamed() throws {
        let root = try handbook()
        for value in ["-1", "0"] {
            let run = try TestSupport.opsbook(["check", "--jobs", value], in: root)
            XCTAssertEqual(run.status, 2)
            XCTAssertTrue(run.stderr.contains("--jobs \(value): give how many checks may run at once, 1 or more"), run.stderr)
            XCTAssertFalse(run.stderr.contains("Missing value"), run.stderr)
        }
    }

    func testHelpStillExits0() throws {
        let run = try TestSupport.opsbook(["check", "--help"], in: try handbook())
        XCTAssertEqual(run.status, 0)
        XCTAssertTrue(run.stdout.contains("--jobs"), run.stdout)
    }

    func testOnePageIsOnePage() throws {
        let run = try TestSupport.opsbook(["build", "--no-checks", "--no-search"], in: try handbook())
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("opsbook: wrote 1 page to /"), run.stdout)
    }

    func testGithubAnnotationsEscapeMessagesAndProperties() {
        let d = Diagnostic.error("check.x,y", "100% sure\r\nnext ::error::no",
                                 at: SourcePosition(path: "content/a,b:c.md", line: 3, column: 4))
        XCTAssertEqual(d.githubAnnotation,
                       "::error file=content/a%2Cb%3Ac.md,line=3,col=4,title=check.x%2Cy::100%25 sure%0D%0Anext ::error::no")
    }

    func testConsoleTextNeutralisesControlsAndWorkflowCommands() {
        let esc = "\u{1B}"
        XCTAssertEqual(ConsoleText.neutralise("a\(esc)]0;title\u{07}b"), "a^[]0;title^Gb")
        XCTAssertEqual(ConsoleText.neutralise("x\u{9B}2J"), "x<U+009B>2J")
        XCTAssertEqual(ConsoleText.neutralise("ok\n  ::add-mask::x\n::error::y"),
                       "ok\n  :\u{200B}:add-mask::x\n:\u{200B}:error::y")
        XCTAssertEqual(ConsoleText.neutralise("tab\tand : colons"), "tab\tand : colons")
    }

    /// A failing check whose output holds workflow commands and escape sequences: nothing of it
    /// reaches stdout in a form GitHub or a terminal would act on.
    func testCheckOutputCannotIssueWorkflowCommands() throws {
        let root = try TestSupport.handbook([
            "content/index.md": """
            # 手冊
            - [x] x
              ```check evil
              $ printf '::add-mask::hidden\\n  ::error file=x::pwned\\n\\033]0;title\\007\\n\\033[2J\\n'
              ::add-mask::hidden
              fine
              ```

            """,
            "checks/targets.yaml": "default: local\ntargets:\n  local: {}\n",
        ])
        let run = try TestSupport.opsbook(["check", "--format", "github"], in: root)
        XCTAssertEqual(run.status, 1, run.stdout + run.stderr)
        let commands = run.stdout.split(separator: "\n").filter { $0.drop(while: \.isWhitespace).hasPrefix("::") }
        XCTAssertEqual(commands.count, 1, "only opsbook's own annotation: \(commands)")
        XCTAssertTrue(commands.first?.hasPrefix("::error file=content/index.md,line=3") == true, "\(commands)")
        XCTAssertFalse(run.stdout.contains("\u{1B}"), "no escape sequence reaches the terminal")
        XCTAssertTrue(run.stdout.contains("add-mask::hidden"), "the output is still shown: \(run.stdout)")
    }
}

/// Every unreadable input is a positioned error, never a silent default (issue #12); through the
/// library, with what the command line would print and its exit status.
extension CLIErrorTests {
    private func write(_ bytes: [UInt8], to path: String, in root: URL) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func testConfigurationThatIsNotUTF8IsAPositionedError() throws {
        for path in ["checks/redact.yaml", "checks/attestations.yaml", "checks/targets.yaml"] {
            let root = try handbook()
            try write(Array("- ok\n- caf".utf8) + [0xE9] + Array("\n".utf8), to: path, in: root)
            let run = TestSupport.check(root)
            XCTAssertEqual(run.status, 2, "\(path): \(run.stderr)")
            XCTAssertTrue(run.stderr.contains("\(path):2:6: error: \(path) is not valid UTF-8"), run.stderr)
            let lint = TestSupport.lint(root)
            XCTAssertEqual(lint.status, 2, "lint reads it too: \(lint.stderr)")
        }
    }

    func testAConfigurationFolderInsteadOfAFileIsAnError() throws {
        let root = try handbook()
        try FileManager.default.createDirectory(at: root.appendingPathComponent("checks/redact.yaml"), withIntermediateDirectories: true)
        let run = TestSupport.check(root)
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(run.stderr.contains("checks/redact.yaml:1:1: error: cannot read checks/redact.yaml: it is a folder"), run.stderr)
    }

    func testFixtureFolderProblemsNameTheirTargetsLine() throws {
        let root = try TestSupport.handbook([
            "content/index.md": "# 手冊\n```check nodes\n$ kubectl get nodes\nok\n```\n",
            "checks/targets.yaml": "default: demo\ntargets:\n  demo:\n    fixtures: checks/fixtures/demo\n  gone:\n    fixtures: [checks/fixtures/demo, checks/fixtures/gone]\n  file:\n    fixtures: checks/fixtures/file.yaml\n",
            "checks/fixtures/demo/k.yaml": "- call: [kubectl, get, nodes]\n  stdout: \"ok\\n\"\n- call: [kubectl, version]\n  check: renamed\n",
            "checks/fixtures/file.yaml": "[]\n",
        ])
        let gone = TestSupport.check(root, targets: "gone")
        XCTAssertEqual(gone.status, 2)
        XCTAssertTrue(gone.stderr.contains("checks/targets.yaml:6:38: error: fixture folder checks/fixtures/gone does not exist"), gone.stderr)
        let file = TestSupport.check(root, targets: "file")
        XCTAssertEqual(file.status, 2)
        XCTAssertTrue(file.stderr.contains("checks/targets.yaml:8:15: error: fixture folder checks/fixtures/file.yaml is a file, not a folder"), file.stderr)
        let demo = TestSupport.check(root)
        XCTAssertEqual(demo.status, 0, demo.stderr)
        XCTAssertTrue(demo.stderr.contains("checks/fixtures/demo/k.yaml:4:10: warning: fixture entry for check `renamed`, which no check block has"), demo.stderr)
    }

    func testAnUnreadableFixtureFileIsAnErrorNotAnEmptyFile() throws {
        let root = try TestSupport.handbook([
            "content/index.md": "# 手冊\n",
            "checks/targets.yaml": "default: demo\ntargets:\n  demo:\n    fixtures: checks/fixtures/demo\n",
        ])
        try write(Array("- call: [kubectl]\n  stdout: \"".utf8) + [0xFF, 0xFE] + Array("\"\n".utf8), to: "checks/fixtures/demo/k.yaml", in: root)
        let run = TestSupport.check(root)
        XCTAssertEqual(run.status, 2, run.stderr)
        XCTAssertTrue(run.stderr.contains("checks/fixtures/demo/k.yaml:2:12: error: checks/fixtures/demo/k.yaml is not valid UTF-8"), run.stderr)
    }

    func testAnEmptyCheckReferenceIsReportedWhereItStands() throws {
        let root = try TestSupport.handbook([
            "content/index.md": "# a\n- [ ] see `check:a` and `check:` here\n\n```check a\necho 1\n```\n",
        ])
        let run = TestSupport.lint(root)
        XCTAssertEqual(run.status, 2)
        XCTAssertTrue(run.stderr.contains("content/index.md:2:26: error: `check:` names no check"), run.stderr)
    }
}
