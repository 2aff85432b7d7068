import Foundation
import GRDB
import GRDBSQLite

/// Binds the arguments of a cached statement through SQLite's C API, in order, and runs it once.
///
/// The writer runs a handful of inserts for every record; GRDB's general path boxes each argument
/// (an array of existentials, then `DatabaseValue`s) and keeps per-execution bookkeeping that these
/// plain inserts inside an open transaction do not need. A statement used this way must only be used
/// this way (its SQL text is not shared with GRDB's execution methods).
struct StatementRun {
    private let handle: SQLiteStatement
    private var index: Int32 = 0
    /// SQLite copies strings and blobs it is given with this destructor (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(_ statement: Statement) {
        handle = statement.sqliteStatement
        sqlite3_reset(handle)
    }

    /// Binds the next argument.
    mutating func text(_ value: String?) {
        index += 1
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { buffer in
            if let start = buffer.baseAddress, buffer.count > 0 {
                let characters = UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self)
                _ = sqlite3_bind_text(handle, index, characters, Int32(buffer.count), Self.transient)
            } else {
                // Not a NULL pointer, which SQLite would read as SQL NULL.
                _ = sqlite3_bind_text(handle, index, "", 0, Self.transient)
            }
        }
    }

    /// Binds the next argument.
    mutating func integer(_ value: Int64) {
        index += 1
        sqlite3_bind_int64(handle, index, value)
    }

    /// Binds the next argument.
    mutating func integer(_ value: Int) { integer(Int64(value)) }

    /// Binds the next argument.
    mutating func blob(_ value: Data?) {
        index += 1
        guard let value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUnsafeBytes { buffer in
            if let start = buffer.baseAddress, buffer.count > 0 {
                _ = sqlite3_bind_blob(handle, index, start, Int32(buffer.count), Self.transient)
            } else {
                sqlite3_bind_zeroblob(handle, index, 0)
            }
        }
    }

    /// Steps the statement once (an insert or an update) and resets it; throws SQLite's error.
    func run(_ db: Database) throws {
        let code = sqlite3_step(handle)
        let failure = code == SQLITE_DONE ? nil : String(cString: sqlite3_errmsg(db.sqliteConnection))
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        if let failure {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: failure)
        }
    }
}
