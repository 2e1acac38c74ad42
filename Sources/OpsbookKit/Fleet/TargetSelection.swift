import Foundation

/// `--target a,b` and `--target all` (contract §10): which targets one invocation runs.
public enum TargetSelection {
    public struct SelectionError: Error, CustomStringConvertible {
        public var description: String
    }

    /// nil → the default target; `all` → every target in targets.yaml, in name order; otherwise a
    /// comma-separated list, each name known, none twice.
    public static func resolve(_ spec: String?, in targets: ChecksFolder.Targets) throws -> [String] {
        guard let spec else {
            guard let name = targets.defaultName else {
                throw SelectionError(description: "no --target given and checks/targets.yaml names no default")
            }
            return [name]
        }
        if spec == "all" {
            guard !targets.names.isEmpty else { throw SelectionError(description: "--target all: checks/targets.yaml defines no targets") }
            return targets.names
        }
        let names = spec.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespaces() }
        var seen = Set<String>()
        for name in names {
            guard !name.isEmpty else { throw SelectionError(description: "--target \(spec): an empty target name") }
            guard targets.targets[name] != nil else {
                let known = targets.names.isEmpty ? "none defined" : targets.names.joined(separator: ", ")
                throw SelectionError(description: "unknown target `\(name)`; known targets: \(known)")
            }
            guard seen.insert(name).inserted else { throw SelectionError(description: "--target \(spec): `\(name)` is named twice") }
        }
        return names
    }

    /// Where one target's file goes when a run writes one file per target: `{target}` in the path
    /// is replaced; without it, the target goes before the extension (`results.json` →
    /// `results.prod.json`). With one target the path is used as given.
    public static func path(_ path: String, target: String, several: Bool) -> String {
        if path.contains("{target}") { return path.replacingOccurrences(of: "{target}", with: target) }
        guard several else { return path }
        let url = URL(fileURLWithPath: path)
        let ext = url.pathExtension
        let base = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
        return ext.isEmpty ? "\(base).\(target)" : "\(base).\(target).\(ext)"
    }

    /// Splits `--jobs` among targets that run at the same time, at least one each.
    public static func jobsPerTarget(_ jobs: Int, targets: Int) -> Int {
        max(1, jobs / max(1, targets))
    }
}
