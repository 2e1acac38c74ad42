import Foundation
import Yams

/// Parses YAML with Yams and turns its errors and node marks into handbook positions.
/// Front matter, targets, attestations and fixtures all go through here, so every YAML problem
/// is reported the same way: `path:line:col: error: …`.
struct YAMLFile {
    var path: String
    /// Added to Yams' 1-based lines: front matter starts one line below the opening `---`.
    var lineOffset: Int = 0
    /// How plain scalars get their tags. Front matter reads every value as text and parses its
    /// own numbers and dates, so it takes `.basic` (every scalar a string): Yams' default
    /// resolver tries six regular expressions on each scalar, and on each key again when it
    /// checks for duplicates, which was half of Yams' time on a 1000-page build.
    var resolver: Resolver = .default

    func parse(_ text: String) -> Result<Node?, Diagnostic> {
        do {
            // UTF-8 named, not `.default`: that reads the whole environment on every parse.
            return .success(try Yams.compose(yaml: text, resolver, .default, .utf8))
        } catch let error as YamlError {
            return .failure(.error("yaml.syntax", "invalid YAML: \(Self.problem(error))", at: position(of: error)))
        } catch {
            return .failure(.error("yaml.syntax", "invalid YAML: \(error)", at: SourcePosition(path: path, line: lineOffset + 1)))
        }
    }

    /// A file that must be a YAML list (attestations, fixtures, redaction patterns); an empty file
    /// is an empty list. `shape` says what the list holds, for the error.
    func list(_ text: String, code: String, shape: String) -> Result<[Node], Diagnostic> {
        switch parse(text) {
        case .failure(let d): return .failure(d)
        case .success(nil): return .success([])
        case .success(.sequence(let seq)?): return .success(Array(seq))
        case .success(let other?): return .failure(.error(code, shape, at: position(other)))
        }
    }

    func position(_ node: Node) -> SourcePosition {
        guard let mark = node.mark else { return SourcePosition(path: path, line: lineOffset + 1) }
        return SourcePosition(path: path, line: mark.line + lineOffset, column: mark.column)
    }

    private func position(of error: YamlError) -> SourcePosition {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return SourcePosition(path: path, line: mark.line + lineOffset, column: mark.column)
        case .duplicatedKeysInMapping(_, let context):
            return SourcePosition(path: path, line: context.mark.line + lineOffset, column: context.mark.column)
        default:
            return SourcePosition(path: path, line: lineOffset + 1)
        }
    }

    private static func problem(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        case .duplicatedKeysInMapping(let duplicates, _):
            return "duplicate key \(duplicates.joined(separator: ", "))"
        default:
            return "\(error)"
        }
    }

    // MARK: typed reads that report where a value has the wrong type

    func int(_ node: Node, _ key: String) -> Result<Int, Diagnostic> {
        guard case .scalar(let s) = node, let n = Int(s.string) else { return .failure(typeError(node, key, "a whole number")) }
        return .success(n)
    }

    func day(_ node: Node, _ key: String) -> Result<Day, Diagnostic> {
        guard case .scalar(let s) = node, let d = Day(iso: s.string) else {
            return .failure(.error("yaml.bad-date", "`\(key)` must be a real date written YYYY-MM-DD, got \(Self.show(node))", at: position(node)))
        }
        return .success(d)
    }

    func strings(_ node: Node, _ key: String) -> Result<[String], Diagnostic> {
        switch node {
        case .sequence(let seq):
            var out: [String] = []
            for item in seq {
                guard case .scalar(let s) = item else { return .failure(typeError(item, key, "a list of words")) }
                out.append(s.string)
            }
            return .success(out)
        default:
            return .failure(typeError(node, key, "a list of words"))
        }
    }

    func typeError(_ node: Node, _ key: String, _ expected: String) -> Diagnostic {
        .error("yaml.type", "`\(key)` must be \(expected), got \(Self.show(node))", at: position(node))
    }

    static func show(_ node: Node) -> String {
        switch node {
        case .scalar(let s): return "\"\(s.string)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}

extension YAMLFile {
    /// Reads a configuration file under the root. Missing: nil (the file is optional). Unreadable
    /// or not UTF-8: a positioned error — never "no patterns" or "no sign-offs" in silence, which
    /// would quietly weaken redaction or drop verdicts.
    static func readConfig(_ url: URL, path: String) -> Result<String?, Diagnostic> {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { return .success(nil) }
        if isDir.boolValue {
            return .failure(.error("file.unreadable", "cannot read \(path): it is a folder, not a file", at: SourcePosition(path: path, line: 1)))
        }
        let data: Data
        do {
            data = try PlainFile.read(url)
        } catch {
            return .failure(.error("file.unreadable", "cannot read \(path): \(error)", at: SourcePosition(path: path, line: 1)))
        }
        if let text = String(data: data, encoding: .utf8) { return .success(text) }
        let first = SourceText.invalidUTF8Lines(Array(data), path: path).first?.position ?? SourcePosition(path: path, line: 1)
        return .failure(.error("file.not-utf8", "\(path) is not valid UTF-8; save it as UTF-8", at: first))
    }
}
