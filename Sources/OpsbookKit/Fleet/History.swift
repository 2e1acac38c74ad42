import Foundation

/// A history folder (`--history DIR`, contract §10): every run's results file, one per run and
/// target, named `<UTC time>_<target>.json` (`20261127T031000.123Z_prod.json`) so that sorting by
/// name sorts by time, and each file is an ordinary results file that `diff`, `build --results`
/// and `jq` read as they are.
public struct History: Sendable {
    public var folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    public struct Entry: Sendable, Hashable {
        public var file: URL
        public var time: Date
        public var target: String
    }

    public struct HistoryError: Error, CustomStringConvertible {
        public var description: String
    }

    /// How many runs to keep: the newest N per target, or those younger than an age.
    public enum Keep: Sendable, Hashable {
        case count(Int)
        case age(seconds: Int)

        /// `200`, or an age: `30d`, `12h`, `90m`.
        public init?(_ text: String) {
            if let n = Int(text) {
                guard n > 0 else { return nil }
                self = .count(n)
                return
            }
            guard let unit = text.last, let n = Int(text.dropLast()), n > 0 else { return nil }
            switch unit {
            case "d": self = .age(seconds: n * 86_400)
            case "h": self = .age(seconds: n * 3_600)
            case "m": self = .age(seconds: n * 60)
            default: return nil
            }
        }
    }

    /// Writes one run's results; never overwrites an earlier run (a clash gets a later millisecond).
    @discardableResult
    public func append(_ json: Data, target: String, at time: Date) throws -> URL {
        try History.checkTargetName(target)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var when = time
        while true {
            let url = folder.appendingPathComponent("\(History.stamp(when))_\(target).json")
            do {
                try PlainFile.write(json, to: url, exclusive: true)
                return url
            } catch where FileManager.default.fileExists(atPath: url.path) {
                when = when.addingTimeInterval(0.001)
            }
        }
    }

    /// Every run in the folder, oldest first. Files that are not ours are left alone.
    public func entries() throws -> [Entry] {
        let fm = FileManager.default
        guard fm.fileExists(atPath: folder.path) else { return [] }
        let names: [String]
        do { names = try fm.contentsOfDirectory(atPath: folder.path) } catch {
            throw HistoryError(description: "\(folder.path): cannot read the history folder: \(error.localizedDescription)")
        }
        return names.sorted().compactMap { name in
            guard let (time, target) = History.parse(name) else { return nil }
            return Entry(file: folder.appendingPathComponent(name), time: time, target: target)
        }
    }

    /// The runs of each target, oldest first, read back.
    public func runs() throws -> [String: [RunRecord]] {
        var out: [String: [RunRecord]] = [:]
        for entry in try entries() {
            let data: Data
            do { data = try Data(contentsOf: entry.file) } catch {
                throw HistoryError(description: "\(entry.file.path): cannot read: \(error.localizedDescription)")
            }
            do {
                var record = try RunRecord.read(data, fallbackTarget: entry.target)
                record.target = entry.target
                if record.time == nil { record.started = entry.time }
                out[entry.target, default: []].append(record)
            } catch {
                throw HistoryError(description: "\(entry.file.path): \(error)")
            }
        }
        return out
    }

    /// Removes the runs `keep` lets go, per target; returns what it removed.
    @discardableResult
    public func prune(_ keep: Keep, now: Date = Date()) throws -> [URL] {
        let byTarget = Dictionary(grouping: try entries(), by: \.target)
        var removed: [URL] = []
        for (_, entries) in byTarget {
            let doomed: [Entry]
            switch keep {
            case .count(let n): doomed = Array(entries.dropLast(n))
            case .age(let seconds): doomed = entries.filter { now.timeIntervalSince($0.time) > Double(seconds) }
            }
            for entry in doomed {
                try FileManager.default.removeItem(at: entry.file)
                removed.append(entry.file)
            }
        }
        return removed
    }

    /// Target names become file names: keep them to a safe alphabet.
    static func checkTargetName(_ name: String) throws {
        let ok = !name.isEmpty && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "."
        } && !name.hasPrefix(".")
        if !ok { throw HistoryError(description: "target name `\(name)` cannot name a history file (use letters, digits, '-' and '.')") }
    }

    static func stamp(_ date: Date) -> String {
        let ms = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        var t = time_t(ms / 1000)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d%02d%02dT%02d%02d%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), ms % 1000)
    }

    /// `20261127T031000.123Z_prod.json` → (time, "prod"); anything else → nil.
    static func parse(_ name: String) -> (Date, String)? {
        guard name.hasSuffix(".json"), let underscore = name.firstIndex(of: "_") else { return nil }
        let stamp = name[..<underscore]
        let target = String(name[name.index(after: underscore)...].dropLast(5))
        let digits = stamp.filter(\.isNumber)
        guard stamp.count == 20, digits.count == 17, !target.isEmpty else { return nil }
        let n = digits.compactMap { $0.wholeNumberValue }
        func num(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + n[$1] } }
        var parts = tm()
        parts.tm_year = Int32(num(0..<4) - 1900)
        parts.tm_mon = Int32(num(4..<6) - 1)
        parts.tm_mday = Int32(num(6..<8))
        parts.tm_hour = Int32(num(8..<10))
        parts.tm_min = Int32(num(10..<12))
        parts.tm_sec = Int32(num(12..<14))
        let seconds = timegm(&parts)
        return (Date(timeIntervalSince1970: Double(seconds) + Double(num(14..<17)) / 1000), target)
    }
}
