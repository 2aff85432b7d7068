import Foundation

/// Another process that holds SQLite's write lock on a database file until released: how a test makes
/// "the store is busy" happen for real.
final class SQLiteLockHolder: @unchecked Sendable {
    // @unchecked: used from one test task only.
    private let process = Process()
    private let input = Pipe()

    /// Starts holding the lock; returns once the lock is taken.
    init(path: String) throws {
        let script = """
            import sqlite3, sys
            con = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
            con.execute("BEGIN IMMEDIATE")
            print("locked", flush=True)
            sys.stdin.readline()
            con.execute("ROLLBACK")
            """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        let line = output.fileHandleForReading.readData(ofLength: 7)
        guard String(decoding: line, as: UTF8.self) == "locked\n" else { throw LockFailed() }
    }

    /// Releases the lock and waits for the holder to exit.
    func release() {
        input.fileHandleForWriting.write(Data("\n".utf8))
        process.waitUntilExit()
    }

    struct LockFailed: Error {}
}
