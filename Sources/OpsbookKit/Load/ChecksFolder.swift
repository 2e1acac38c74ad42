import Foundation
import Yams

/// Reads `checks/`: targets.yaml, attestations.yaml and redact.yaml. Each problem is positioned.
public struct ChecksFolder: Sendable {
    public var root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    public struct Targets: Sendable {
        public var defaultName: String?
        public var targets: [String: RunTarget]
        public var names: [String] { targets.keys.sorted() }
    }

    // MARK: targets.yaml

    public func loadTargets() -> (Targets, [Diagnostic]) {
        let path = "checks/targets.yaml"
        var targets = Targets(defaultName: nil, targets: [:])
        guard let (map, file, problem) = mapping(at: path) else { return (targets, []) }
        if let problem { return (targets, [problem]) }
        var problems: [Diagnostic] = []
        var recorded = RunTarget.defaultRecorded
        for (k, v) in map where k.string == "record" {
            switch file.strings(v, "record") {
            case .success(let list): recorded = list
            case .failure(let d): problems.append(d)
            }
        }
        for (k, v) in map {
            switch k.string ?? "" {
            case "default": targets.defaultName = v.string
            case "record": break
            case "targets":
                guard case .mapping(let entries) = v else { problems.append(file.typeError(v, "targets", "a mapping of target names")); continue }
                for (nameNode, body) in entries {
                    let name = nameNode.string ?? ""
                    switch target(name, body, file: file, recorded: recorded) {
                    case .success(let t): targets.targets[name] = t
                    case .failure(let d): problems.append(d)
                    }
                }
            default:
                problems.append(.error("targets.key", "unknown key `\(k.string ?? "")` in targets.yaml; known: default, targets, record", at: file.position(k)))
            }
        }
        if let d = targets.defaultName, targets.targets[d] == nil {
            problems.append(.error("targets.default", "default target `\(d)` is not defined under `targets:`", at: SourcePosition(path: path, line: 1)))
        }
        return (targets, problems)
    }

    private func target(_ name: String, _ node: Node, file: YAMLFile, recorded: [String]) -> Result<RunTarget, Diagnostic> {
        var t = RunTarget(name: name, recorded: recorded)
        var positions: [SourcePosition] = []
        guard case .mapping(let map) = node else { return .failure(file.typeError(node, name, "a mapping")) }
        for (k, v) in map {
            let key = k.string ?? ""
            switch key {
            case "kube-context":
                guard let s = v.string else { return .failure(file.typeError(v, key, "a string")) }
                t.kubeContext = s
            case "in-cluster":
                guard let b = v.bool else { return .failure(file.typeError(v, key, "true or false")) }
                t.inCluster = b
            case "fixtures":
                if let s = v.string, case .scalar = v {
                    t.fixtures = [s]
                    positions = [file.position(v)]
                } else if case .success(let list) = file.strings(v, key) {
                    t.fixtures = list
                    if case .sequence(let seq) = v { positions = seq.map(file.position) }
                } else { return .failure(file.typeError(v, key, "a folder or a list of folders")) }
            case "env":
                guard case .mapping(let env) = v else { return .failure(file.typeError(v, key, "a mapping of NAME: value")) }
                for (ek, ev) in env {
                    guard let name = ek.string, let value = ev.string else { return .failure(file.typeError(ev, key, "NAME: value pairs")) }
                    t.env[name] = value
                }
            default:
                return .failure(.error("targets.key", "unknown key `\(key)` for target `\(name)`; known: env, kube-context, fixtures, in-cluster", at: file.position(k)))
            }
        }
        if t.inCluster && (t.kubeContext != nil || !t.fixtures.isEmpty) {
            return .failure(.error("targets.in-cluster", "target `\(name)`: in-cluster uses the pod's service account; it takes neither kube-context nor fixtures", at: file.position(node)))
        }
        t.fixtures = t.fixtures.map { root.appendingPathComponent($0).standardizedFileURL.path }
        for (folder, position) in zip(t.fixtures, positions) { t.fixturePositions[folder] = position }
        return .success(t)
    }

    // MARK: attestations.yaml

    /// Reads attestations and ties each to exactly one criterion of the handbook.
    public func loadAttestations(for handbook: Handbook) -> ([Attestation], [Diagnostic]) {
        let path = "checks/attestations.yaml"
        let text: String
        switch YAMLFile.readConfig(root.appendingPathComponent(path), path: path) {
        case .failure(let d): return ([], [d])
        case .success(nil): return ([], [])
        case .success(let t?): text = t
        }
        let file = YAMLFile(path: path)
        let seq: [Node]
        switch file.list(text, code: "attestations.shape", shape: "attestations.yaml is a list of sign-offs") {
        case .failure(let d): return ([], [d])
        case .success(let items): seq = items
        }
        var out: [Attestation] = []
        var problems: [Diagnostic] = []
        for item in seq {
            switch attestation(item, file: file) {
            case .failure(let d): problems.append(d)
            case .success(let a):
                let matches = handbook.criteria.filter { $0.page == a.page && $0.text.hasPrefix(a.criterionPrefix) }
                if matches.count == 1 { out.append(a) }
                else if matches.isEmpty {
                    problems.append(.error("attestations.no-match", "no criterion on \(a.page) starts with \"\(a.criterionPrefix)\"", at: a.position))
                } else {
                    let lines = matches.map { String($0.position.line) }.joined(separator: ", ")
                    problems.append(.error("attestations.ambiguous", "\"\(a.criterionPrefix)\" matches \(matches.count) criteria on \(a.page) (lines \(lines)); quote more of the text", at: a.position))
                }
            }
        }
        return (out, problems)
    }

    private func attestation(_ node: Node, file: YAMLFile) -> Result<Attestation, Diagnostic> {
        guard case .mapping(let map) = node else { return .failure(file.typeError(node, "attestation", "a mapping")) }
        var fields: [String: Node] = [:]
        for (k, v) in map { fields[k.string ?? ""] = v }
        for key in ["page", "criterion", "by", "on"] where fields[key] == nil {
            return .failure(.error("attestations.missing", "attestation needs `\(key)`", at: file.position(node)))
        }
        for key in fields.keys where !["page", "criterion", "by", "on", "note", "expires"].contains(key) {
            return .failure(.error("attestations.key", "unknown key `\(key)`; known: page, criterion, by, on, note, expires", at: file.position(node)))
        }
        do {
            let on = try file.day(fields["on"]!, "on").get()
            let expires = try fields["expires"].map { try file.day($0, "expires").get() }
            return .success(Attestation(page: fields["page"]?.string ?? "", criterionPrefix: fields["criterion"]?.string ?? "",
                                        by: fields["by"]?.string ?? "", on: on, note: fields["note"]?.string, expires: expires,
                                        position: file.position(node)))
        } catch let d as Diagnostic {
            return .failure(d)
        } catch {
            return .failure(.error("attestations.shape", "\(error)", at: file.position(node)))
        }
    }

    // MARK: redact.yaml

    /// Extra redaction patterns: a list of regexes, or of `{pattern, replacement}`.
    public func loadRedactor() -> (Redactor, [Diagnostic]) {
        let path = "checks/redact.yaml"
        let text: String
        switch YAMLFile.readConfig(root.appendingPathComponent(path), path: path) {
        case .failure(let d): return (Redactor(), [d])
        case .success(nil): return (Redactor(), [])
        case .success(let t?): text = t
        }
        let file = YAMLFile(path: path)
        let seq: [Node]
        switch file.list(text, code: "redact.shape", shape: "redact.yaml is a list of patterns") {
        case .failure(let d): return (Redactor(), [d])
        case .success(let items): seq = items
        }
        var rules: [Redactor.Rule] = []
        var problems: [Diagnostic] = []
        for item in seq {
            var pattern = item.string
            var mask = Redactor.mask
            if case .mapping(let map) = item {
                for (k, v) in map {
                    if k.string == "pattern" { pattern = v.string }
                    if k.string == "replacement", let r = v.string { mask = r }
                }
            }
            guard let p = pattern, let regex = try? Regex(p), let bounded = try? BoundedRegex(p) else {
                problems.append(.error("redact.pattern", "not a valid regular expression: \(pattern ?? YAMLFile.show(item))", at: file.position(item)))
                continue
            }
            if let slow = RegexShape.nestedQuantifier(p) {
                // A redaction pattern runs on every output; one that can hang is refused.
                problems.append(.error("redact.slow-pattern", "`\(slow.group)` repeats something that itself repeats and can take exponential time; write the pattern without the nesting", at: file.position(item)))
                continue
            }
            rules.append(Redactor.Rule(name: "redact.yaml", regex: regex, keepGroups: [], mask: mask, bounded: bounded))
        }
        return (Redactor(extra: rules), problems)
    }

    // MARK: helpers

    private func mapping(at path: String) -> (Node.Mapping, YAMLFile, Diagnostic?)? {
        let file = YAMLFile(path: path)
        let text: String
        switch YAMLFile.readConfig(root.appendingPathComponent(path), path: path) {
        case .failure(let d): return (Node.Mapping([]), file, d)
        case .success(nil): return nil
        case .success(let t?): text = t
        }
        switch file.parse(text) {
        case .failure(let d): return (Node.Mapping([]), file, d)
        case .success(.mapping(let m)?): return (m, file, nil)
        case .success(let other):
            return (Node.Mapping([]), file, .error("targets.shape", "\(path) must be a mapping", at: other.map(file.position) ?? SourcePosition(path: path, line: 1)))
        }
    }
}

extension ChecksFolder {
    /// Every problem under `checks/` without running anything: targets, attestations, redaction
    /// patterns, and every fixture folder a target names (each read once).
    public func lint(for handbook: Handbook) -> [Diagnostic] {
        let (targets, targetProblems) = loadTargets()
        var problems = targetProblems + loadAttestations(for: handbook).1 + loadRedactor().1
        var seen: Set<String> = []
        for name in targets.names {
            let folders = (targets.targets[name]?.fixtures ?? []).filter { seen.insert($0).inserted }
            guard !folders.isEmpty else { continue }
            let named = targets.targets[name]?.fixturePositions ?? [:]
            let (set, loadProblems) = FixtureSet.load(folders: folders, root: root, positions: named)
            let folderProblems = (loadProblems + set.unknownCheckWarnings(knownIDs: Set(handbook.checks.map(\.id)))).map { d -> Diagnostic in
                var d = d
                if d.position == nil || d.code == "fixtures.missing-folder" { d.message += " (target `\(name)`)" }
                return d
            }
            problems += folderProblems
        }
        return problems
    }
}
