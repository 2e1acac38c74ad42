import Foundation
import XCTest
@testable import OpsbookKit

/// The handbook's own claims hold up outside opsbook too (issue 17): the alert and recording rules
/// its pages publish are the files under `checks/prometheus/`, and those pass Prometheus' own
/// `promtool check rules` and unit tests (`promtool test rules`), so a rule over series that do
/// not exist, or one that can never fire, is caught before it reaches a cluster.
final class HandbookTruthTests: XCTestCase {
    private var root: URL { TestSupport.packageRoot }
    private var rulesDir: URL { root.appendingPathComponent("checks/prometheus") }

    private func ruleFiles(tests: Bool) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: rulesDir.path)
            .filter { $0.hasSuffix(".yaml") && $0.hasSuffix("_test.yaml") == tests }
            .sorted()
    }

    /// Runs a program found on PATH in `checks/prometheus/`; nil when it is not installed.
    private func run(_ program: String, _ args: [String]) throws -> TestSupport.Run? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.currentDirectoryURL = rulesDir
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return TestSupport.Run(status: p.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }

    func testEveryRuleFileHasUnitTestsAndPassesPromtool() throws {
        let rules = try ruleFiles(tests: false), tests = try ruleFiles(tests: true)
        XCTAssertGreaterThanOrEqual(rules.count, 5, "infrastructure, chat-server, chat-server-slo, capacity, cluster-health-patrol")
        XCTAssertEqual(tests, rules.map { $0.replacingOccurrences(of: ".yaml", with: "_test.yaml") },
                       "every rule file has its promtool unit tests")
        // CI installs Debian's `prometheus` (Makefile TEST_DEBS, .ci/run); a missing promtool is a failure, not a skip.
        let check = try XCTUnwrap(try run("promtool", ["check", "rules"] + rules), "promtool is not installed (Debian package prometheus)")
        XCTAssertEqual(check.status, 0, check.stdout)
        let unit = try XCTUnwrap(try run("promtool", ["test", "rules"] + tests))
        XCTAssertEqual(unit.status, 0, unit.stdout)
        XCTAssertFalse(unit.stdout.contains("FAILED"), unit.stdout)
    }

    /// A rule (name and, for alerts, expression) as the rule files write it.
    private struct Rule { var kind: String; var name: String; var expr: String }

    private func rules(in text: String) -> [Rule] {
        var rules: [Rule] = []
        var lines = text.components(separatedBy: "\n")[...]
        while let line = lines.popFirst() {
            let t = line.trimmingCharacters(in: .whitespaces)
            for kind in ["alert", "record"] where t.hasPrefix("- \(kind): ") {
                rules.append(Rule(kind: kind, name: String(t.dropFirst(kind.count + 4)), expr: ""))
            }
            guard t.hasPrefix("expr:"), !rules.isEmpty else { continue }
            let rest = t.dropFirst(5).trimmingCharacters(in: .whitespaces)
            if rest != "|" { rules[rules.count - 1].expr = rest; continue }
            let indent = line.prefix { $0 == " " }.count
            var body: [String] = []
            while let next = lines.first, next.prefix(while: { $0 == " " }).count > indent || next.isEmpty {
                body.append(next); lines.removeFirst()
            }
            rules[rules.count - 1].expr = body.joined(separator: " ")
        }
        return rules
    }

    private func squeezed(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    func testRuleFilesAreTheRulesThePagesPublish() throws {
        let content = root.appendingPathComponent("content")
        let pages = try FileManager.default.subpathsOfDirectory(atPath: content.path).filter { $0.hasSuffix(".md") }
            .map { try String(contentsOf: content.appendingPathComponent($0), encoding: .utf8) }
        let handbook = squeezed(pages.joined(separator: "\n"))
        var missing: [String] = []
        var count = 0
        for file in try ruleFiles(tests: false) {
            for rule in rules(in: try String(contentsOf: rulesDir.appendingPathComponent(file), encoding: .utf8)) {
                count += 1
                if !handbook.contains(rule.name) { missing.append("\(file): \(rule.kind) \(rule.name) is on no page") }
                if rule.kind == "alert", !handbook.contains(squeezed(rule.expr)) {
                    missing.append("\(file): alert \(rule.name)'s expression differs from its page")
                }
            }
        }
        XCTAssertGreaterThanOrEqual(count, 20)
        XCTAssertEqual(missing, [])
    }

    /// Every check of the handbook can fail (issue 17): `opsbook lint --prove` runs each one with
    /// empty answers, with errors and against an empty cluster, and none may pass in any of them.
    /// Before issue 17 eleven checks did (a count of bad things printing 0 on an empty list).
    func testNoHandbookCheckPassesInAMadeUpWorld() throws {
        let run = try Pipeline.lint(root: root, prove: .init(jobs: 2, executable: TestSupport.binary.path))
        XCTAssertFalse(run.diagnostics.printed.contains("check.cannot-fail"), run.diagnostics.printed)
        XCTAssertEqual(TestSupport.exitStatus(run.diagnostics, strict: true), 0, run.diagnostics.printed)
    }
}
