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
    static func preallocateLog(_ pool: DatabasePool, path: String, logRestartPages: Int) throws {
        try pool.writeWithoutTransaction { db in
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            // The log starts again a little after the threshold (see `WALCheckpointer`): a quarter more.
            // Each frame is its page and a 24-byte header; the file starts with a 32-byte header.
            let bytes = 32 + (logRestartPages + logRestartPages / 4) * (24 + pageSize)
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            try extendWithZeros(path: path + "-wal", to: bytes)
        }
    }

    private static func extendWithZeros(path: String, to bytes: Int) throws {
        let file = open(path, O_WRONLY | O_CLOEXEC)
        guard file >= 0 else { throw StoreUnavailable(description: "cannot open the store's log: \(errorText())") }
        defer { close(file) }
        var status = stat()
        guard fstat(file, &status) == 0 else {
            throw StoreUnavailable(description: "cannot read the size of the store's log: \(errorText())")
        }
        var offset = Int(status.st_size)
        guard offset < bytes else { return }
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        while offset < bytes {
            let count = min(zeros.count, bytes - offset)
            let written = zeros.withUnsafeBytes { pwrite(file, $0.baseAddress, count, off_t(offset)) }
            guard written > 0 else {
                throw StoreUnavailable(description: "cannot extend the store's log: \(errorText())")
            }
            offset += written
        }
        guard fdatasync(file) == 0 else {
            throw StoreUnavailable(description: "cannot sync the store's log: \(errorText())")
        }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
