extension String {
    /// The folder part of a relative path: `a/b/c.html` → `a/b`, `c.html` → "". Used instead of
    /// NSString's `deletingLastPathComponent`, which crashes on Linux for a one-character path
    /// (`a`, `é`) and for `x/`.
    var parentFolder: String {
        lastIndex(of: "/").map { String(self[..<$0]) } ?? ""
    }
}
