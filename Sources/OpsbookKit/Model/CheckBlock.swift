/// The attributes of a `check` info string (contract §3).
public struct CheckAttributes: Hashable, Sendable {
    public var timeoutMilliseconds: Int = 30_000
    public var retry: Retry?
    public var requires: [String] = []
    public var isMutating = false
    public var shell: Shell = .bash

    public struct Retry: Hashable, Sendable {
        public var attempts: Int
        public var delayMilliseconds: Int
    }

    public enum Shell: String, Hashable, Sendable { case bash, sh }

    public init() {}
}

/// A fenced block whose info string starts with the word `check`: the only code that is ever run.
public struct CheckBlock: Hashable, Sendable {
    public var id: String
    /// True when the author gave no id and it was made from the page slug (`<page-slug>-<n>`).
    public var hasGeneratedID: Bool
    public var attributes: CheckAttributes
    public var body: String
    /// Relative to the handbook root.
    public var page: String
    /// The opening fence.
    public var position: SourcePosition
    /// Index into the page's criteria of the task item the block is nested in.
    public var criterionIndex: Int?

    /// Transcript when any line starts with `$ `, otherwise a script.
    public var isTranscript: Bool {
        body.split(separator: "\n", omittingEmptySubsequences: false).contains { $0.hasPrefix("$ ") }
    }

    /// The file line of the body's first line (the line after the fence).
    public var firstBodyLine: Int { position.line + 1 }

    nonisolated(unsafe) static let idPattern = #/[a-z0-9][a-z0-9-]*/#

    public static func isValidID(_ id: String) -> Bool { id.wholeMatch(of: idPattern) != nil }

    /// Lowercase ASCII letters, digits and hyphens; anything else becomes one hyphen.
    static func slug(_ text: String) -> String {
        var out = ""
        for ch in text.lowercased().unicodeScalars {
            if (ch >= "a" && ch <= "z") || (ch >= "0" && ch <= "9") {
                out.unicodeScalars.append(ch)
            } else if !out.hasSuffix("-") {
                out += "-"
            }
        }
        let trimmed = out.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return trimmed.isEmpty ? "page" : trimmed
    }
}

import Foundation
