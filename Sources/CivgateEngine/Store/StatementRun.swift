import Foundation
import GRDB
import GRDBSQLite

/// Binds the arguments of a cached statement through SQLite's C API, in order, and runs it once, or
/// reads its rows.
///
/// The writer runs a handful of statements for every record and delivery; GRDB's general path boxes
/// each argument (an array of existentials, then `DatabaseValue`s), copies each row into `DatabaseValue`s
/// and finds columns by case-insensitive name, and keeps per-execution bookkeeping that these plain
/// statements inside an open transaction do not need. A statement used this way must only be used this
/// way (its SQL text is not shared with GRDB's execution methods).
struct StatementRun {
    private let handle: SQLiteStatement
    private var index: Int32 = 0
    /// SQLite copies strings and blobs it is given with this destructor (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    init(_ statement: Statement) {
        handle = statement.sqliteStatement
        sqlite3_reset(handle)
    }

    /// The cached statement for `sql` on `db`.
    init(_ db: Database, sql: String) throws {
        self.init(try db.cachedStatement(sql: sql))
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

    /// Binds the next argument (SQL NULL for nil).
    mutating func integer(_ value: Int64?) {
        guard let value else {
            index += 1
            sqlite3_bind_null(handle, index)
            return
        }
        integer(value)
    }

    /// Binds the next argument (SQL NULL for nil).
    mutating func integer(_ value: Int?) { integer(value.map(Int64.init)) }

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
        try rows(db) { _ in }
    }

    /// The first row read by `read`, or nil when there is none; resets the statement. For lookups by key.
    func first<T>(_ db: Database, _ read: (Row) throws -> T) throws -> T? {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        let code = sqlite3_step(handle)
        if code == SQLITE_DONE { return nil }
        guard code == SQLITE_ROW else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        return try read(Row(handle: handle))
    }

    /// Steps the statement to its end, passing each row to `body` (which must not run this statement), and
    /// resets it; throws SQLite's error. Collect the rows before writing to the table they come from.
    func rows(_ db: Database, _ body: (Row) throws -> Void) throws {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code),
                    message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            try body(Row(handle: handle))
        }
    }

    /// The row a statement stands on, read by column position (0 is the first column of the SELECT).
    struct Row {
        fileprivate let handle: SQLiteStatement

        /// The column as text; nil for SQL NULL.
        func text(_ column: Int32) -> String? {
            guard let characters = sqlite3_column_text(handle, column) else { return nil }
            let count = Int(sqlite3_column_bytes(handle, column))
            return String(decoding: UnsafeBufferPointer(start: characters, count: count), as: UTF8.self)
        }

        /// The column as an integer (0 for SQL NULL).
        func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

        /// The column as bytes; nil for SQL NULL.
        func blob(_ column: Int32) -> Data? {
            guard sqlite3_column_type(handle, column) != SQLITE_NULL else { return nil }
            // The pointer first, then the size (SQLite's documented order).
            let bytes = sqlite3_column_blob(handle, column)
            let count = Int(sqlite3_column_bytes(handle, column))
            guard count > 0, let bytes else { return Data() }
            return Data(bytes: bytes, count: count)
        }
    }
}
