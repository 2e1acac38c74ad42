/// The version opsbook was built as and the commit it was built from, stamped at build time by
/// the EmbedFiles plugin (`git describe`/`git rev-parse`; the VERSION file and `unknown` outside
/// a git checkout). A `-dirty` commit was built with uncommitted changes.
public enum OpsbookVersion {
    public static let version: String = EmbeddedFiles.version
    public static let commit: String = EmbeddedFiles.commit

    /// The commit's first 12 hex digits (and `-dirty`), for the site footer.
    public static var shortCommit: String {
        let dirty = commit.hasSuffix("-dirty")
        let hash = dirty ? commit.dropLast("-dirty".count) : Substring(commit)
        return String(hash.prefix(12)) + (dirty ? "-dirty" : "")
    }
}
