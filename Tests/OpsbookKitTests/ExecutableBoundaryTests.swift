import Foundation
import XCTest

/// The executable only parses arguments, prints and exits (issue 14): no Swift file under
/// `Sources/opsbook` names a type of the pipeline's stages. The forbidden names are read from
/// the library's own sources, so a stage type added later is covered without touching this test.
final class ExecutableBoundaryTests: XCTestCase {
    static let sources = TestSupport.packageRoot.appendingPathComponent("Sources")

    /// Folders whose every top-level type is a stage of the pipeline: loader, linter, runner,
    /// renderer, search index, and the model they pass between them.
    static let stageFolders = ["Load", "Lint", "Run", "Render", "Search", "Model"]
    /// Stage types that live elsewhere: the site swap, output paths refused or written, the
    /// handbook revision stamped on results, the criterion judge, the fleet pages' renderer.
    static let stageFiles = ["Support/FolderSwap.swift", "Support/OutputPath.swift", "Support/HandbookRevision.swift",
                             "Support/PlainFile.swift", "Results/CriterionVerdict.swift", "Fleet/FleetSite.swift"]

    /// Stage-folder types the command line may name, each with why.
    static let allowed: [String: String] = [
        "Diagnostic": "the command line prints diagnostics (DiagnosticPrinter) and decides the exit status from them",
        "SourcePosition": "SummaryPrinter places a failed check's GitHub annotation at its page and line",
        "CriterionStatus": "SummaryPrinter prints the criteria's counts per status",
        "Attestation": "a value of the results the command line may print; never built by it",
        "CriterionVerdict": "a value of the results the command line may print; never built by it",
    ]

    func testTheExecutableNamesNoPipelineStageType() throws {
        let forbidden = try Self.stageTypes().subtracting(Self.allowed.keys)
        var found: [String] = []
        for file in try Self.swiftFiles(under: Self.sources.appendingPathComponent("opsbook")) {
            let text = try String(contentsOf: file, encoding: .utf8)
            for use in SwiftCode.identifiers(in: text) where forbidden.contains(use.name) {
                found.append("\(file.path.dropFirst(TestSupport.packageRoot.path.count + 1)):\(use.line): \(use.name)")
            }
        }
        XCTAssertEqual(found, [], "the executable names pipeline types; move that logic into OpsbookKit (Pipeline)")
    }

    /// The list is real: it holds the stage types issue 14 names, and nothing allowed is stale.
    func testTheForbiddenListHoldsTheStageTypes() throws {
        let types = try Self.stageTypes()
        for stage in ["HandbookLoader", "Linter", "CheckRunner", "SiteRenderer", "SearchIndexer", "FixtureSet",
                      "FixtureReplayer", "Prover", "FolderSwap", "Handbook", "CheckBlock", "FleetSite"] {
            XCTAssertTrue(types.contains(stage), "\(stage) missing from the forbidden list")
        }
        for name in Self.allowed.keys {
            XCTAssertTrue(types.contains(name), "allow-list entry \(name) is no stage type (renamed? remove it)")
        }
        XCTAssertFalse(types.contains("Reply"), "nested types are covered by their outer type, not listed")
    }

    /// The scanner sees code only: whole identifiers, not comments, not the text of strings, but
    /// what a string interpolates.
    func testTheScannerMatchesWholeIdentifiersInCodeOnly() {
        let source = ##"""
        // FixtureSet in a comment
        /* block /* nested FixtureSet */ still comment FixtureSet */
        let a = MyFixtureSet() + FixtureSets.x + "FixtureSet"
        let b = #"raw "FixtureSet" \(FixtureSet) \#(FixtureSet)"# + """
          FixtureSet \\(also text)
          \(FixtureSet.load(x))
          """
        let url = "http://x" ; let c = FixtureSet.self
        """##
        let hits = SwiftCode.identifiers(in: source).filter { $0.name == "FixtureSet" }.map(\.line)
        XCTAssertEqual(hits, [4, 6, 8], "the interpolations of lines 4 and 6 and the code of line 8, nothing else")
    }

    // MARK: The forbidden list

    static func stageTypes() throws -> Set<String> {
        let library = sources.appendingPathComponent("OpsbookKit")
        var files = try stageFolders.flatMap { try swiftFiles(under: library.appendingPathComponent($0)) }
        files += stageFiles.map { library.appendingPathComponent($0) }
        var names = Set<String>()
        for file in files {
            names.formUnion(topLevelTypes(in: try String(contentsOf: file, encoding: .utf8)))
        }
        return names
    }

    /// `struct|class|enum|actor|protocol|typealias NAME` at the start of a line (top level), not
    /// private: a nested type is only reachable through its outer one.
    static func topLevelTypes(in source: String) -> [String] {
        let declaration = /^((?:public|internal|package|final|indirect|open|nonisolated)\s+)*(?:struct|class|enum|actor|protocol|typealias)\s+([A-Za-z_][A-Za-z0-9_]*)/
        return source.split(separator: "\n").compactMap { line in
            guard let match = try? declaration.prefixMatch(in: line) else { return nil }
            return String(match.output.2)
        }
    }

    static func swiftFiles(under folder: URL) throws -> [URL] {
        guard let walk = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return [] }
        let files = walk.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        XCTAssertFalse(files.isEmpty, "no Swift files under \(folder.path)")
        return files.sorted { $0.path < $1.path }
    }
}

/// The identifiers of Swift source as the compiler sees them: comments (nested too) and the
/// text of string literals skipped, string interpolations scanned as code.
enum SwiftCode {
    struct Use: Equatable { var name: String; var line: Int }

    static func identifiers(in source: String) -> [Use] {
        var scanner = Scanner(bytes: Array(source.utf8))
        scanner.code(closingParen: false)
        return scanner.uses
    }

    private struct Scanner {
        let bytes: [UInt8]
        var i = 0
        var line = 1
        var uses: [Use] = []

        init(bytes: [UInt8]) { self.bytes = bytes }

        func at(_ k: Int) -> UInt8? { i + k < bytes.count ? bytes[i + k] : nil }
        func starts(_ s: String) -> Bool { Array(s.utf8).enumerated().allSatisfy { at($0.offset) == $0.element } }
        mutating func step(_ n: Int = 1) {
            for _ in 0..<n where i < bytes.count {
                if bytes[i] == 0x0A { line += 1 }
                i += 1
            }
        }

        static func isHead(_ b: UInt8) -> Bool { b == 0x5F || (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        static func isBody(_ b: UInt8) -> Bool { isHead(b) || (b >= 0x30 && b <= 0x39) }

        /// Code up to the end, or (inside an interpolation) up to its closing parenthesis.
        mutating func code(closingParen: Bool) {
            var depth = 0
            while let b = at(0) {
                if starts("//") {
                    while let c = at(0), c != 0x0A { _ = c; step() }
                } else if starts("/*") {
                    blockComment()
                } else if b == 0x22 || b == 0x23 {
                    var hashes = 0
                    while at(hashes) == 0x23 { hashes += 1 }
                    if at(hashes) == 0x22 { step(hashes); string(hashes: hashes) } else { step(max(hashes, 1)) }
                } else if Self.isHead(b), i == 0 || !Self.isBody(bytes[i - 1]) {
                    let start = i, startLine = line
                    while let c = at(0), Self.isBody(c) { step() }
                    uses.append(Use(name: String(decoding: bytes[start..<i], as: UTF8.self), line: startLine))
                } else if b == 0x28 {
                    depth += 1; step()
                } else if b == 0x29 {
                    step()
                    if depth == 0 && closingParen { return }
                    depth -= 1
                } else {
                    step()
                }
            }
        }

        mutating func blockComment() {
            var depth = 0
            while at(0) != nil {
                if starts("/*") { depth += 1; step(2) }
                else if starts("*/") { depth -= 1; step(2); if depth == 0 { return } }
                else { step() }
            }
        }

        /// From just after the opening quote(s)' first `"`; ends after the closing delimiter.
        mutating func string(hashes: Int) {
            let multiline = starts("\"\"\"")
            step(multiline ? 3 : 1)
            let close = Array((multiline ? "\"\"\"" : "\"").utf8) + Array(repeating: 0x23, count: hashes)
            let escape = [UInt8(0x5C)] + Array(repeating: 0x23, count: hashes)
            while at(0) != nil {
                if close.enumerated().allSatisfy({ at($0.offset) == $0.element }) { step(close.count); return }
                if escape.enumerated().allSatisfy({ at($0.offset) == $0.element }) {
                    step(escape.count)
                    if at(0) == 0x28 { step(); code(closingParen: true) } else { step() }
                } else {
                    step()
                }
            }
        }
    }
}
