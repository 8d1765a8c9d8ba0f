// Prepared statements on the connection under Prisma (see client.ts), for the reads and
// writes on every turn's path. Values are stored exactly as Prisma stores them on SQLite —
// dates as ISO 8601 text ending "+00:00", JSON as text, booleans as 0/1, ids in cuid form —
// so Prisma (and Prisma Studio) read these rows like their own, and the reverse.
import { randomInt } from "node:crypto";
import type { Statement } from "better-sqlite3";
import { getSqlite, type SqliteConnection } from "@/lib/db/client";

const prepared = new WeakMap<SqliteConnection, Map<string, Statement>>();

/** The statement for `sql`, prepared once per connection. Integers come back as numbers. */
export async function statement(sql: string): Promise<Statement> {
  return statementOn(await getSqlite(), sql);
}

function statementOn(db: SqliteConnection, sql: string): Statement {
  let bySql = prepared.get(db);
  if (!bySql) prepared.set(db, (bySql = new Map()));
  let found = bySql.get(sql);
  if (!found) {
    found = db.prepare(sql);
    // The adapter turns on 64-bit integers for the connection; our columns fit in a number.
    if (found.reader) found.safeIntegers(false);
    bySql.set(sql, found);
  }
  return found;
}

type Work<T> = (run: (sql: string) => Statement) => T;
interface QueuedWork {
  work: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}
const queued: QueuedWork[] = [];

/**
 * Runs `work` atomically, committed together with every other write asked for in the same
 * turn of the event loop (a group commit): each write is its own savepoint, so one that fails
 * fails alone, and they share one COMMIT — the expensive part of a write on SQLite (about
 * 0.15–0.2 ms of page writes here). When 100 turns start at once that is one commit, not 100;
 * a lone write waits only for the end of the current loop turn.
 */
export function transaction<T>(work: Work<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    queued.push({ work, resolve: resolve as (value: unknown) => void, reject });
    if (queued.length === 1) setImmediate(commitQueued);
  });
}

async function commitQueued(): Promise<void> {
  const batch = queued.splice(0);
  let outcomes: ({ ok: true; value: unknown } | { ok: false; err: unknown })[];
  try {
    const db = await getSqlite();
    const run = (sql: string) => statementOn(db, sql);
    const savepoint = db.transaction((item: QueuedWork) => item.work(run));
    outcomes = db.transaction(() =>
      batch.map((item) => {
        try {
          return { ok: true as const, value: savepoint(item) };
        } catch (err) {
          return { ok: false as const, err };
        }
      }),
    )();
  } catch (err) {
    // Nothing of the batch was committed.
    for (const item of batch) item.reject(err);
    return;
  }
  batch.forEach((item, index) => {
    const outcome = outcomes[index];
    if (outcome.ok) item.resolve(outcome.value);
    else item.reject(outcome.err);
  });
}

export function storedDate(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/** A row's DATETIME and JSON columns as Prisma returns them. */
export function withTypes<Row>(row: Record<string, unknown>, dates: readonly string[], json: readonly string[] = []): Row {
  const typed: Record<string, unknown> = { ...row };
  for (const column of dates) typed[column] = new Date(row[column] as string);
  for (const column of json) typed[column] = row[column] == null ? null : JSON.parse(row[column] as string);
  return typed as Row;
}

const BASE = 36;
const COUNTER_SPACE = BASE ** 4;
const FINGERPRINT = (process.pid % COUNTER_SPACE).toString(BASE).padStart(4, "0");
let counter = 0;

/**
 * A new row id in the form of Prisma's `cuid()`: "c", time, counter, process, random.
 * Ids made by one process within a millisecond sort in the order they were made, which
 * keeps rows written together (same createdAt) in order.
 */
export function newId(): string {
  counter = (counter + 1) % COUNTER_SPACE;
  return (
    "c" +
    Date.now().toString(BASE).padStart(8, "0") +
    counter.toString(BASE).padStart(4, "0") +
    FINGERPRINT +
    randomInt(BASE ** 8).toString(BASE).padStart(8, "0")
  );
}
