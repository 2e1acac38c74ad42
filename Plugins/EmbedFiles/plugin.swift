import Foundation
import PackagePlugin

/// Embeds the files opsbook ships — templates, assets, `opsbook init`'s starter handbook — and
/// its version into the library as generated Swift, so the binary needs no resource bundle and
/// runs from any path.
///
/// SwiftPM runs this on every build: it lists the embedded folders afresh (a file another change
/// adds is picked up without touching Package.swift) and asks git for the version. The version
/// goes into a small stamp file that is rewritten only when it changes, so an unchanged tree
/// regenerates nothing.
@main
struct EmbedFiles: BuildToolPlugin {
    /// Folders under the target's directory whose files are embedded, named by their path there.
    static let folders = ["Render/Templates", "Render/Assets", "Init/Starter"]

    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let root = target.directoryURL
        var inputs: [URL] = []
        var arguments: [String] = []
        for folder in Self.folders {
            for file in Self.files(under: root.appending(path: folder)) {
                inputs.append(file)
                arguments += [folder + "/" + Self.relativePath(file, from: root.appending(path: folder)), file.path]
            }
        }
        let work = context.pluginWorkDirectoryURL
        let stamp = work.appending(path: "version.txt")
        try Self.writeIfChanged(Self.versionStamp(package: context.package.directoryURL), to: stamp)
        let output = work.appending(path: "EmbeddedFiles.swift")
        return [.buildCommand(
            displayName: "Embedding \(inputs.count) files and the version into \(target.name)",
            executable: try context.tool(named: "opsbook-embed").url,
            arguments: [output.path, stamp.path] + arguments,
            inputFiles: inputs + [stamp],
            outputFiles: [output]
        )]
    }

    /// Every regular file below `dir`, sorted, leaving out editor and Finder droppings.
    static func files(under dir: URL) -> [URL] {
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var out: [URL] = []
        for case let url as URL in walker {
            let name = url.lastPathComponent
            if name == ".DS_Store" || name.hasSuffix("~") || name.hasSuffix(".swp") { continue }
            if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { out.append(url) }
        }
        return out.sorted { $0.path < $1.path }
    }

    static func relativePath(_ file: URL, from dir: URL) -> String {
        let base = dir.standardizedFileURL.resolvingSymlinksInPath().path
        let full = file.standardizedFileURL.resolvingSymlinksInPath().path
        return String(full.dropFirst(base.count + 1))
    }

    /// Two lines: version and commit. From git when the package is a checkout (a tag `vX.Y.Z`
    /// gives `X.Y.Z`, commits after it give `X.Y.Z-N-gSHA`, an untagged history gives
    /// `<VERSION file>-dev.N+gSHA`); from the VERSION file and `unknown` otherwise (a tarball).
    static func versionStamp(package: URL) -> String {
        let base = (try? String(contentsOf: package.appending(path: "VERSION"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "0.0.0"
        guard let commit = git(["rev-parse", "HEAD"], in: package) else { return "\(base)\nunknown\n" }
        let dirty = git(["status", "--porcelain", "--untracked-files=no"], in: package).map { !$0.isEmpty } ?? false
        var version: String
        if let described = git(["describe", "--tags", "--match", "v[0-9]*"], in: package) {
            version = String(described.dropFirst())
        } else {
            let count = git(["rev-list", "--count", "HEAD"], in: package) ?? "0"
            version = "\(base)-dev.\(count)+g\(commit.prefix(7))"
        }
        if dirty { version += version.contains("+") ? ".dirty" : "+dirty" }
        return "\(version)\n\(commit)\(dirty ? "-dirty" : "")\n"
    }

    static func git(_ args: [String], in dir: URL) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", dir.path] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func writeIfChanged(_ text: String, to url: URL) throws {
        if (try? String(contentsOf: url, encoding: .utf8)) == text { return }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
}
