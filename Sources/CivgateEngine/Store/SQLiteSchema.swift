import GRDB

/// The SQLite schema, as GRDB migrations (applied in order, each once).
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE records (
                      id TEXT PRIMARY KEY,
                      source_system TEXT NOT NULL,
                      source_record_id TEXT NOT NULL,
                      source_version INTEGER NOT NULL,
                      event TEXT NOT NULL,
                      authority_code TEXT NOT NULL,
                      authority_system TEXT NOT NULL,
                      registration_date TEXT,
                      lane TEXT NOT NULL,
                      document BLOB NOT NULL,
                      originals BLOB,
                      warnings BLOB NOT NULL,
                      inherited_results BLOB,
                      received_at INTEGER NOT NULL,
                      UNIQUE (source_system, source_record_id, source_version)
                    );
                    CREATE TABLE idempotency_keys (
                      key TEXT PRIMARY KEY,
                      fingerprint TEXT NOT NULL,
                      record_id TEXT NOT NULL REFERENCES records(id),
                      status INTEGER NOT NULL,
                      response BLOB NOT NULL,
                      created_at INTEGER NOT NULL,
                      expires_at INTEGER NOT NULL
                    );
                    CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
                    CREATE TABLE deliveries (
                      id TEXT PRIMARY KEY,
                      record_id TEXT NOT NULL REFERENCES records(id),
                      destination TEXT NOT NULL,
                      operation TEXT NOT NULL,
                      step INTEGER NOT NULL,
                      depends_on TEXT REFERENCES deliveries(id),
                      lane TEXT NOT NULL,
                      state TEXT NOT NULL,
                      attempts INTEGER NOT NULL DEFAULT 0,
                      next_attempt_at INTEGER NOT NULL,
                      lease_owner TEXT,
                      lease_expires_at INTEGER,
                      outbound_key TEXT NOT NULL,
                      result BLOB,
                      last_error_code TEXT,
                      last_error_detail TEXT,
                      last_error_at INTEGER,
                      missing_fields BLOB,
                      confirmations BLOB,
                      last_request BLOB,
                      key_generation INTEGER NOT NULL DEFAULT 0,
                      order_key TEXT NOT NULL,
                      budget_attempts INTEGER NOT NULL DEFAULT 0,
                      budget_since INTEGER NOT NULL,
                      created_at INTEGER NOT NULL,
                      updated_at INTEGER NOT NULL
                    );
                    CREATE INDEX deliveries_due ON deliveries (destination, lane, state, next_attempt_at);
                    CREATE INDEX deliveries_record ON deliveries (record_id);
                    CREATE INDEX deliveries_depends_on ON deliveries (depends_on);
                    CREATE TABLE attempts (
                      id INTEGER PRIMARY KEY,
                      delivery_id TEXT NOT NULL REFERENCES deliveries(id),
                      number INTEGER NOT NULL,
                      started_at INTEGER NOT NULL,
                      duration_ms INTEGER NOT NULL,
                      http_status INTEGER,
                      outcome TEXT NOT NULL,
                      error_class TEXT,
                      detail TEXT,
                      request_digest TEXT,
                      response_excerpt TEXT
                    );
                    CREATE INDEX attempts_delivery ON attempts (delivery_id);
                    CREATE TABLE transitions (
                      id INTEGER PRIMARY KEY,
                      delivery_id TEXT NOT NULL REFERENCES deliveries(id),
                      at INTEGER NOT NULL,
                      from_state TEXT,
                      to_state TEXT NOT NULL,
                      cause TEXT NOT NULL
                    );
                    CREATE INDEX transitions_delivery ON transitions (delivery_id);
                    -- Per person and destination, events go in registration order (order_key).
                    CREATE TABLE delivery_persons (
                      delivery_id TEXT NOT NULL REFERENCES deliveries(id),
                      person_key TEXT NOT NULL,
                      destination TEXT NOT NULL,
                      order_key TEXT NOT NULL,
                      PRIMARY KEY (delivery_id, person_key)
                    );
                    CREATE INDEX delivery_persons_order ON delivery_persons (person_key, destination, order_key);
                    CREATE TABLE audit_log (
                      id INTEGER PRIMARY KEY,
                      at INTEGER NOT NULL,
                      actor TEXT NOT NULL,
                      action TEXT NOT NULL,
                      target TEXT NOT NULL,
                      reason TEXT NOT NULL,
                      details BLOB
                    );
                    CREATE INDEX audit_log_at ON audit_log (at);
                    CREATE INDEX deliveries_state ON deliveries (state, destination);
                    CREATE INDEX deliveries_order ON deliveries (order_key, id);
                    CREATE INDEX attempts_started ON attempts (started_at);
                    -- The dispatcher's view of each destination (breaker state), for other processes.
                    CREATE TABLE destination_health (
                      destination TEXT PRIMARY KEY,
                      state TEXT NOT NULL,
                      updated_at INTEGER NOT NULL
                    );
                    """)
        }
        // Fewer B-trees per delivery: ingest writes a delivery, its person keys and its transition for
        // every record, and the writer is what limits bulk intake.
        migrator.registerMigration("v2: leaner ordering and delivery indexes") { db in
            try db.execute(
                sql: """
                    -- One B-tree keyed for the ordering lookups (person, destination, order) instead of a rowid
                    -- table with two indexes; the delivery index serves lookups from one delivery.
                    CREATE TABLE delivery_persons_v2 (
                      person_key TEXT NOT NULL,
                      destination TEXT NOT NULL,
                      order_key TEXT NOT NULL,
                      delivery_id TEXT NOT NULL REFERENCES deliveries(id),
                      PRIMARY KEY (person_key, destination, order_key, delivery_id)
                    ) WITHOUT ROWID;
                    INSERT INTO delivery_persons_v2 (person_key, destination, order_key, delivery_id)
                      SELECT person_key, destination, order_key, delivery_id FROM delivery_persons;
                    DROP TABLE delivery_persons;
                    ALTER TABLE delivery_persons_v2 RENAME TO delivery_persons;
                    CREATE INDEX delivery_persons_delivery ON delivery_persons (delivery_id);
                    -- Only deliveries that wait for another have a dependency: the others need no entry.
                    DROP INDEX deliveries_depends_on;
                    CREATE INDEX deliveries_depends_on ON deliveries (depends_on) WHERE depends_on IS NOT NULL;
                    -- An ordinary delivery goes pending -> in_flight -> succeeded: the state index holds only the
                    -- other states, which operators look for, and no longer changes at every step.
                    DROP INDEX deliveries_state;
                    CREATE INDEX deliveries_attention ON deliveries (state, destination)
                      WHERE \(attentionIndexTerm(column: "state"));
                    """)
        }
        return migrator
    }

    /// States every delivery passes through; the state index leaves them out.
    static let everyDeliveryStates: [DeliveryState] = [.pending, .inFlight, .succeeded]

    /// The partial state index's condition, on `column`. A query uses that index only when its WHERE
    /// clause holds this same term (SQLite does not infer it from `state IN (...)`).
    static func attentionIndexTerm(column: String) -> String {
        "\(column) NOT IN (" + everyDeliveryStates.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }
}
