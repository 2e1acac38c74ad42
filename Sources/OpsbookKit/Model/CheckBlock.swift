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
/// What lint and the runner need from the body is worked out once, when the block is made: the
/// parsed transcript (and its syntax problems) and the analysis of its commands. The body and
/// the opening fence's position are therefore fixed at `init`.
public struct CheckBlock: Hashable, Sendable {
    public var id: String
    /// True when the author gave no id and it was made from the page slug (`<page-slug>-<n>`).
    public var hasGeneratedID: Bool
    public var attributes: CheckAttributes
    public let body: String
    /// Relative to the handbook root.
    public var page: String
    /// The opening fence.
    public let position: SourcePosition
    /// Index into the page's criteria of the task item the block is nested in.
    public var criterionIndex: Int?
    /// The body as a transcript, parsed once; nil for a script (no line starts with `$ `).
    public let transcript: Transcript?
    /// What the transcript parser found wrong (lint's `transcript.syntax`); empty for a script.
    public let transcriptProblems: [TranscriptParser.Problem]
    /// The commands' state changes, run-time programs and fixture bypasses (contract §6),
    /// analysed once: lint and the runner both read it.
    public let commands: MutationDetector.Analysis

    public init(id: String, hasGeneratedID: Bool, attributes: CheckAttributes, body: String, page: String,
                position: SourcePosition, criterionIndex: Int?) {
        self.id = id
        self.hasGeneratedID = hasGeneratedID
        self.attributes = attributes
        self.body = body
        self.page = page
        self.position = position
        self.criterionIndex = criterionIndex
        if Self.isTranscript(body) {
            (transcript, transcriptProblems) = TranscriptParser().parse(body, firstLine: position.line + 1)
        } else {
            (transcript, transcriptProblems) = (nil, [])
        }
        commands = MutationDetector.analyse(body)
    }

    /// Transcript when any line starts with `$ `, otherwise a script.
    public var isTranscript: Bool { transcript != nil }

    static func isTranscript(_ body: String) -> Bool {
        body.split(separator: "\n", omittingEmptySubsequences: false).contains { $0.hasPrefix("$ ") }
    }

    /// The file line of the body's first line (the line after the fence).
    public var firstBodyLine: Int { position.line + 1 }

    /// `[a-z0-9][a-z0-9-]*`, checked by hand: a `Regex` is not `Sendable`, and a static one
    /// needed `nonisolated(unsafe)` for a pattern this small.
    public static func isValidID(_ id: String) -> Bool {
        func isLowerAlphanumeric(_ b: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
        }
        guard let first = id.utf8.first, isLowerAlphanumeric(first) else { return false }
        return id.utf8.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    /// Lowercase ASCII letters, digits and hyphens; anything else becomes one hyphen.
    static func slug(_ text: String) -> String {
        // ASCII only, so built as bytes; hyphens runs are one, and none at either end.
        var out: [UInt8] = []
        for ch in text.lowercased().unicodeScalars {
            if (ch >= "a" && ch <= "z") || (ch >= "0" && ch <= "9") {
                out.append(UInt8(ch.value))
            } else if out.last != UInt8(ascii: "-") {
                out.append(UInt8(ascii: "-"))
            }
        }
        let trimmed = out.drop { $0 == UInt8(ascii: "-") }.reversed().drop { $0 == UInt8(ascii: "-") }.reversed()
        return trimmed.isEmpty ? "page" : String(decoding: Array(trimmed), as: UTF8.self)
    }
}

import Foundation
