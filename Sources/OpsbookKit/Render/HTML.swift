/// Escaping for everything that came from Markdown or from command output.
enum HTML {
    /// `&`, `<`, `>`, `"` and, unless `apostrophe` is false, `'`. The Markdown writer passes false:
    /// cmark-gfm leaves `'` alone, and its pages must match cmark's bytes (every attribute there is
    /// double-quoted, so `'` is safe).
    ///
    /// Runs on every text of every page, so it works on UTF-8 bytes: one pass counts what the
    /// entities add (most text has none: the string itself is returned), a second writes the
    /// result into one buffer of the right size. The five characters are ASCII, so a byte that
    /// matches one is that character and never part of a longer one.
    static func escape(_ text: String, apostrophe: Bool = true) -> String {
        var source = text
        return source.withUTF8 { bytes -> String? in
            var extra = 0
            for byte in bytes { extra += growth(byte, apostrophe: apostrophe) }
            guard extra > 0 else { return nil }
            return String(unsafeUninitializedCapacity: bytes.count + extra) { out in
                var at = 0
                for byte in bytes {
                    let entity: StaticString
                    switch byte {
                    case 0x26: entity = "&amp;"
                    case 0x3C: entity = "&lt;"
                    case 0x3E: entity = "&gt;"
                    case 0x22: entity = "&quot;"
                    case 0x27 where apostrophe: entity = "&#39;"
                    default:
                        out[at] = byte
                        at += 1
                        continue
                    }
                    entity.withUTF8Buffer { e in
                        for b in e { out[at] = b; at += 1 }
                    }
                }
                return at
            }
        } ?? text
    }

    /// How many bytes escaping adds for one byte.
    @inline(__always)
    private static func growth(_ byte: UInt8, apostrophe: Bool) -> Int {
        switch byte {
        case 0x26: return 4          // &amp;
        case 0x3C, 0x3E: return 3    // &lt; &gt;
        case 0x22: return 5          // &quot;
        case 0x27: return apostrophe ? 4 : 0  // &#39;
        default: return 0
        }
    }
}
