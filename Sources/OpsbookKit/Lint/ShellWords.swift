import Foundation

/// One word of a shell command after quote removal, with where it starts in the block body
/// (0-based line, 1-based column in UTF-8 bytes).
struct ShellWord: Hashable, Sendable {
    var text: String
    /// Holds an expansion (`$x`, `${x}`, `$(…)`, `` `…` ``) whose value is known only at run time.
    var isDynamic = false
    /// The whole word is one unquoted `$name` / `${name}`: it splits into words when expanded.
    var variable: String?
    var line: Int
    var column: Int
}

/// A simple command: its words, in order (assignments and wrappers included; redirections out).
struct SimpleCommand: Hashable, Sendable {
    var words: [ShellWord]
}

/// Splits shell text into simple commands the way sh does, far enough to decide what program
/// runs with which arguments: quotes, escapes, line continuations, comments, `;` `&&` `||` `|`
/// `&`, subshells and braces, redirections, here-documents, and the commands inside `$(…)`,
/// backticks and `<(…)` (which run too). It is not a full shell grammar: keywords are words,
/// and the detector skips them.
struct ShellWords {
    private let chars: [Character]
    private var i = 0
    private var line: Int
    private var column: Int
    /// Nested text (`sh -c '…'`) reports every word at the position of the word that held it.
    private let anchor: (line: Int, column: Int)?
    private let depth: Int
    private var commands: [SimpleCommand] = []
    private var words: [ShellWord] = []
    private var word: ShellWord?
    private var dropNextWord = false
    private var pendingHeredocs: [(delimiter: String, stripTabs: Bool)] = []

    /// Nesting beyond this is not followed (a fuzzer's `$($($(…)))`); what is inside counts as text.
    static let maxDepth = 24

    static func commands(in text: String, line: Int = 0, column: Int = 1, anchor: (line: Int, column: Int)? = nil,
                         depth: Int = 0) -> [SimpleCommand] {
        var parser = ShellWords(chars: Array(text), line: line, column: column, anchor: anchor, depth: depth)
        parser.run()
        return parser.commands
    }

    private init(chars: [Character], line: Int, column: Int, anchor: (line: Int, column: Int)?, depth: Int) {
        self.chars = chars
        self.line = line
        self.column = column
        self.anchor = anchor
        self.depth = depth
    }

    // MARK: Reading characters

    private var current: Character? { i < chars.count ? chars[i] : nil }
    private func peek(_ n: Int = 1) -> Character? { i + n < chars.count ? chars[i + n] : nil }

    private mutating func advance() {
        guard let c = current else { return }
        i += 1
        if c == "\n" { line += 1; column = 1 } else { column += c.utf8.count }
    }

    // MARK: Words and commands

    private mutating func startWord() {
        if word == nil {
            word = ShellWord(text: "", line: anchor?.line ?? line, column: anchor?.column ?? column)
        }
    }

    private mutating func append(_ c: Character) { startWord(); word!.text.append(c) }

    private mutating func endWord() {
        guard let w = word else { return }
        word = nil
        if dropNextWord { dropNextWord = false; return }
        words.append(w)
    }

    private mutating func endCommand() {
        endWord()
        dropNextWord = false
        if !words.isEmpty { commands.append(SimpleCommand(words: words)) }
        words = []
    }

    private mutating func run() {
        while let c = current {
            switch c {
            case " ", "\t", "\r":
                endWord(); advance()
            case "\n":
                endCommand(); advance(); skipHeredocBodies()
            case "\\":
                advance()
                if current == "\n" { advance() } else if let e = current { append(e); advance() }
            case "'":
                startWord(); advance(); singleQuoted()
            case "\"":
                startWord(); advance(); doubleQuoted()
            case "`":
                startWord(); advance(); backticks()
            case "$":
                dollar(inQuotes: false)
            case "#" where word == nil:
                while let x = current, x != "\n" { advance() }
            case ";", "|", "&", "(", ")":
                if c == "&", peek() == ">" { endWord(); redirection(); continue }
                endCommand(); advance()
            case ">", "<":
                if (c == "<" || c == ">") && peek() == "(" { processSubstitution(); continue }
                if let w = word, !w.text.isEmpty, w.text.allSatisfy(\.isNumber), !w.isDynamic { word = nil }
                endWord()
                redirection()
            default:
                append(c); advance()
                word?.variable = nil
            }
        }
        endCommand()
    }

    // MARK: Quotes and expansions

    private mutating func singleQuoted() {
        while let c = current, c != "'" { append(c); advance() }
        advance()
    }

    private mutating func doubleQuoted() {
        while let c = current, c != "\"" {
            switch c {
            case "\\":
                advance()
                if let e = current {
                    if e == "\n" { advance(); continue }
                    if !"$`\"\\".contains(e) { append("\\") }
                    append(e); advance()
                }
            case "$": dollar(inQuotes: true)
            case "`": advance(); backticks()
            default: append(c); advance()
            }
        }
        advance()
    }

    /// `$(…)`, `$((…))`, `${…}`, `$name`, `$1`, `$@`…: the word becomes dynamic; commands inside
    /// `$(…)` are parsed as commands of their own. A word that is exactly one unquoted `$name`
    /// remembers the name (it splits into words when expanded).
    private mutating func dollar(inQuotes: Bool) {
        let wasEmpty = word == nil
        startWord()
        advance()
        var name: String? = nil
        switch current {
        case "(":
            advance()
            let arithmetic = current == "("
            let (text, line0, column0) = balanced(open: "(", close: ")")
            word!.text += "$(" + text + ")"
            if !arithmetic { nested(text, line: line0, column: column0) }
        case "{":
            advance()
            let (text, _, _) = balanced(open: "{", close: "}")
            word!.text += "${" + text + "}"
            if !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { name = text }
        case let c? where c.isLetter || c == "_":
            var plain = ""
            while let x = current, x.isLetter || x.isNumber || x == "_" { plain.append(x); advance() }
            word!.text += "$" + plain
            name = plain
        case let c? where c.isNumber || "@*#?$!-".contains(c):
            word!.text += "$" + String(c)
            advance()
        default:
            word!.text += "$"   // a lone `$` is literal
            return
        }
        word!.isDynamic = true
        let wordEnds = current.map { " \t\n;&|()<>".contains($0) } ?? true
        word!.variable = wasEmpty && !inQuotes && wordEnds ? name : nil
    }

    private mutating func backticks() {
        let (line0, column0) = (line, column)
        var text = ""
        while let c = current, c != "`" {
            if c == "\\", let n = peek(), "`$\\".contains(n) { advance() }
            if let x = current { text.append(x) }
            advance()
        }
        advance()
        startWord()
        word!.isDynamic = true
        word!.text += "`" + text + "`"
        nested(text, line: line0, column: column0)
    }

    private mutating func processSubstitution() {
        endWord()
        advance(); advance()
        let (text, line0, column0) = balanced(open: "(", close: ")")
        nested(text, line: line0, column: column0)
    }

    /// Reads up to the matching `close` (the opening one already read), minding quotes.
    private mutating func balanced(open: Character, close: Character) -> (String, Int, Int) {
        let (line0, column0) = (line, column)
        var level = 1
        var text = ""
        var quote: Character? = nil
        while let c = current {
            if let q = quote {
                if c == "\\" && q == "\"", let n = peek() { text.append(c); text.append(n); advance(); advance(); continue }
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "\\", let n = peek() {
                text.append(c); text.append(n); advance(); advance(); continue
            } else if c == open {
                level += 1
            } else if c == close {
                level -= 1
                if level == 0 { advance(); break }
            }
            text.append(c)
            advance()
        }
        return (text, line0, column0)
    }

    private mutating func nested(_ text: String, line: Int, column: Int) {
        guard depth < Self.maxDepth else { return }
        let position = anchor.map { (line: $0.line, column: $0.column) }
        commands += Self.commands(in: text, line: line, column: column, anchor: position, depth: depth + 1)
    }

    // MARK: Redirections and here-documents

    /// `>`, `>>`, `<`, `&>`, `>&2`, `<<<`, `<<EOF`: the operator goes, and so does its target word.
    private mutating func redirection() {
        var op = ""
        while let c = current, "<>&|-".contains(c), op.count < 3 {
            if c == "-" && !op.hasPrefix("<<") { break }
            op.append(c); advance()
        }
        while current == " " || current == "\t" { advance() }
        if op == "<<" || op == "<<-" {
            let delimiter = heredocDelimiter()
            pendingHeredocs.append((delimiter, op == "<<-"))
            return
        }
        // `2>&1`, `>&-`: the target is a descriptor, already read or next
        if op.hasSuffix("&"), let c = current, c.isNumber || c == "-" {
            while let x = current, x.isNumber || x == "-" { advance() }
            return
        }
        dropNextWord = true
    }

    private mutating func heredocDelimiter() -> String {
        var delimiter = ""
        while let c = current, !" \t\n;&|<>()".contains(c) {
            if c != "'" && c != "\"" && c != "\\" { delimiter.append(c) }
            advance()
        }
        return delimiter
    }

    private mutating func skipHeredocBodies() {
        while !pendingHeredocs.isEmpty {
            let (delimiter, stripTabs) = pendingHeredocs.removeFirst()
            while current != nil {
                var text = ""
                while let c = current, c != "\n" { text.append(c); advance() }
                advance()
                let compared = stripTabs ? String(text.drop { $0 == "\t" }) : text
                if compared == delimiter { break }
            }
        }
    }
}
