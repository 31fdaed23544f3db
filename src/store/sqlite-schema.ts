import type { Database } from 'better-sqlite3'
import { AppError, Reason } from '../shared/errors.js'

/**
 * The migrations of the SqliteStore schema: entry i upgrades version i to i + 1. Append only; never
 * edit a released entry.
 */
const MIGRATIONS: readonly string[] = [
  `
  -- The store revision (resourceVersion of the last write) and the highest revision dropped from
  -- the events history.
  CREATE TABLE state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL,
    compacted INTEGER NOT NULL
  );
  INSERT INTO state (id, revision, compacted) VALUES (1, 0, 0);

  -- The current objects. data is JSON text, or an encryption envelope (BLOB) for encrypted resources.
  CREATE TABLE objects (
    resource TEXT NOT NULL,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    rv INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (resource, namespace, name)
  );

  -- The last writes, for watches and continued lists: data is the object after the write (the last
  -- state for DELETED), prev the object before it (NULL for ADDED).
  CREATE TABLE events (
    rv INTEGER PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('ADDED', 'MODIFIED', 'DELETED')),
    resource TEXT NOT NULL,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    data BLOB NOT NULL,
    prev BLOB
  );
  CREATE INDEX events_by_key ON events (resource, namespace, name, rv);
  `,
]

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length

/**
 * Brings the schema of db up to SCHEMA_VERSION in one transaction. InternalError when the file was
 * written by a newer version of the program (downgrades are not supported).
 */
export function migrate(db: Database, path: string): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)')
    const row = db.prepare('SELECT version FROM schema_version').get() as
      | { version: number }
      | undefined
    let version = row?.version ?? 0
    if (row === undefined) db.prepare('INSERT INTO schema_version (version) VALUES (0)').run()
    if (version > SCHEMA_VERSION) {
      throw new AppError(
        Reason.InternalError,
        `store database ${path} has schema version ${version}; this program supports up to ${SCHEMA_VERSION}`
      )
    }
    for (; version < SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version] ?? '')
    }
    db.prepare('UPDATE schema_version SET version = ?').run(version)
  }).immediate()
}
