import GRDB
import Glibc

extension SQLiteStore {
    /// Writes the log file out with zeros to the size it reaches before it starts again, unless it is
    /// already that large.
    ///
    /// A commit that appends beyond the end of the file changes the file's size, and its sync then waits
    /// for the file system's journal as well as the data. A store that has just opened grows its log with
    /// every commit for its first `logRestartPages` pages (SQLite removes the log when the last connection
    /// closes): in `civgate bench`'s single-ingest phase, which starts on a new store, the p99 went from
    /// 27-33 to 23-26 ms. Zeros past the last valid frame are what SQLite ignores anyway (a frame counts only
    /// with the log's salts and checksums).
    ///
    /// Runs under SQLite's write lock (`BEGIN IMMEDIATE`), so no other connection appends meanwhile.
    /// Best effort: when the disk has no room (or the process may not write that much), the file is cut
    /// back to its size before and the store works as without it. Returns a warning saying why, or nil.
    static func preallocateLog(_ pool: DatabasePool, path: String, logRestartPages: Int) throws -> String? {
        try pool.writeWithoutTransaction { db in
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            // The log starts again a little after the threshold (see `WALCheckpointer`): a quarter more.
            // Under bulk load it grows past that, up to twice it (SQLite's backstop), and the file with it.
            // Each frame is its page and a 24-byte header; the file starts with a 32-byte header.
            let bytes = 32 + (logRestartPages + logRestartPages / 4) * (24 + pageSize)
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            return extendWithZeros(path: path + "-wal", to: bytes).map {
                "the store's log was not written out to its working size, so commits will grow it (slower): \($0)"
            }
        }
    }

    /// Extends the file at `path` to `bytes` with zeros and syncs it; on failure, cuts it back to its size
    /// before and returns why.
    private static func extendWithZeros(path: String, to bytes: Int) -> String? {
        let file = open(path, O_WRONLY | O_CLOEXEC)
        guard file >= 0 else { return "cannot open the store's log: \(errorText())" }
        defer { close(file) }
        var status = stat()
        guard fstat(file, &status) == 0 else { return "cannot read the size of the store's log: \(errorText())" }
        let before = Int(status.st_size)
        var offset = before
        guard offset < bytes else { return nil }
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var failure: String?
        while offset < bytes, failure == nil {
            let count = min(zeros.count, bytes - offset)
            let written = zeros.withUnsafeBytes { pwrite(file, $0.baseAddress, count, off_t(offset)) }
            if written > 0 { offset += written } else { failure = "cannot extend the store's log: \(errorText())" }
        }
        if failure == nil, fdatasync(file) != 0 { failure = "cannot sync the store's log: \(errorText())" }
        // Only zeros past what SQLite had written go: the log's frames are untouched.
        if failure != nil { _ = ftruncate(file, off_t(before)) }
        return failure
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
