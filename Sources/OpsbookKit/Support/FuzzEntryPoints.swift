import Foundation

/// The entry points of the fuzz targets (`Fuzz/`, `make fuzz`) and of the test that replays
/// every input they ever crashed on (`FuzzRegressionTests`): both go through here, so a fixed
/// crash stays fixed.
public enum FuzzEntryPoints {
    public static let names = ["loader", "front-matter", "transcript", "matcher", "shell-words", "redactor"]

    /// Feeds `data` to the part named `name`. Must return for every input: a crash or hang is a finding.
    public static func run(_ name: String, _ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        switch name {
        case "loader":
            // The Markdown-to-model loader, from raw bytes (encoding checks included).
            _ = PageBuilder.build(path: "content/fuzz.md", relative: "fuzz.md", data: data)
        case "front-matter":
            let decoder = FrontMatterDecoder(path: "content/fuzz.md")
            _ = decoder.split(text)
            _ = decoder.decode(text, firstLine: 2)
        case "transcript":
            _ = TranscriptParser().parse(text, firstLine: 1)
        case "matcher":
            matcher(text)
        case "shell-words":
            _ = MutationDetector.analyse(text)
        case "redactor":
            let r = Redactor()
            _ = r.redact(text)
            _ = r.redactDiff(text)
            _ = r.redactArguments(text.split(separator: " ").map(String.init))
        default:
            preconditionFailure("unknown fuzz entry point \(name)")
        }
    }

    /// Input: expected transcript lines, a NUL byte, then the actual output. Matching runs
    /// under a small budget: a slow pattern must end as "budget spent", never hang.
    private static func matcher(_ text: String) {
        let parts = text.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
        let expected = parts.first.map(String.init) ?? ""
        let actual = parts.count > 1 ? String(parts[1]) : ""
        let (transcript, _) = TranscriptParser().parse("$ true\n" + expected, firstLine: 1)
        for command in transcript.commands {
            _ = Matcher.matches(command.expected, Matcher.lines(actual), budget: MatchBudget(milliseconds: 200))
        }
    }
}
