import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Option, Schema } from "effect"
import { randomUUID } from "node:crypto"
import * as C from "../../../src/domain/session/commands.ts"
import { MessageId, ProjectId, SessionId } from "../../../src/domain/ids.ts"
import type { SessionCommand } from "../../../src/domain/session/commands.ts"
import { SessionState } from "../../../src/domain/session/state.ts"
import { rebuildReadModels } from "../../../src/infra/readmodels/rebuildReadModels.ts"
import { SNAPSHOT_EVERY, SNAPSHOT_SCHEMA_VERSION } from "../../../src/infra/readmodels/sessionSnapshots.ts"
import { withoutFinishedTexts } from "../../../src/infra/readmodels/sessionSnapshotTexts.ts"
import { isSessionStateShape } from "../../../src/infra/readmodels/sessionStateShape.ts"
import { verifyAll } from "../../../src/infra/readmodels/verifyAll.ts"
import { RepositoriesLive } from "../../../src/infra/repositories/RepositoriesLive.ts"
import { SessionRepository } from "../../../src/infra/repositories/SessionRepository.ts"
import { TestDatabaseLive } from "../../support/testDatabase.ts"

const at = "2025-06-01T12:00:00.000Z"
const projectId = ProjectId.make(randomUUID())
const newId = () => MessageId.make(randomUUID())

const run = (sessionId: SessionId, command: SessionCommand) =>
  Effect.flatMap(SessionRepository, (repo) => repo.execute(sessionId, () => command))

const createSession = Effect.gen(function* () {
  const sessionId = SessionId.make(randomUUID())
  yield* run(sessionId, C.CreateSession.make({ session_id: sessionId, project_id: projectId, name: "s", model: "m", system_prompt: "", at }))
  return sessionId
})

/** Posts a question and streams `deltas` one-character-or-more batches; `complete: false` leaves it streaming. */
const turn = (sessionId: SessionId, deltas: number, complete = true) =>
  Effect.gen(function* () {
    const user = newId()
    const assistant = newId()
    yield* run(sessionId, C.PostUserMessage.make({ session_id: sessionId, message_id: user, assistant_message_id: assistant, content: "why?", model: "m", at }))
    let offset = 0
    for (let i = 0; i < deltas; i++) {
      const text = `part ${i} é😀 `
      yield* run(sessionId, C.AppendText.make({ session_id: sessionId, message_id: assistant, offset, text, at }))
      offset += text.length
    }
    if (complete)
      yield* run(sessionId, C.CompleteMessage.make({
        session_id: sessionId, message_id: assistant, finish_reason: "stop", usage: null, ctx_used: null, ctx_max: null, timings: null, at
      }))
    return { user, assistant }
  })

const snapshotRow = (sessionId: SessionId) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ version: string; schema_version: number; state: string }>`
      SELECT version::text, schema_version, state::text AS state FROM session_snapshots WHERE session_id = ${sessionId}`
    return Option.fromNullable(rows[0]).pipe(Option.map((r) => ({ ...r, version: Number(r.version) })))
  })

/** A repository with an empty cache, as after a restart: its load starts from the stored snapshot. */
const freshRepository = Effect.provide(SessionRepository, SessionRepository.layer)

const encode = Schema.encodeSync(SessionState)

/** load, and loadAt at several versions, on a fresh repository give exactly the fold of the whole log. */
const expectLoadsMatchTheLog = (sessionId: SessionId, versions: ReadonlyArray<number>) =>
  Effect.gen(function* () {
    const repo = yield* SessionRepository
    const fresh = yield* freshRepository
    const replayed = yield* repo.replayAt(sessionId, Number.MAX_SAFE_INTEGER)
    expect(yield* fresh.load(sessionId)).toStrictEqual(replayed)
    for (const v of versions) expect(yield* fresh.loadAt(sessionId, v)).toStrictEqual(yield* repo.replayAt(sessionId, v))
    return replayed
  })

layer(RepositoriesLive.pipe(Layer.provideMerge(TestDatabaseLive)), { timeout: 120_000, excludeTestServices: true })(
  "session snapshots",
  (it) => {
    it.effect("are written at a terminal event once enough events have passed, not before, and kept one per session", () =>
      Effect.gen(function* () {
        const repo = yield* SessionRepository
        const sessionId = yield* createSession
        yield* turn(sessionId, 150)
        expect((yield* repo.load(sessionId)).version).toBe(154)
        expect(yield* snapshotRow(sessionId)).toStrictEqual(Option.none())

        // Past the threshold while streaming: still nothing until the message ends.
        const { assistant } = yield* turn(sessionId, SNAPSHOT_EVERY - 150 + 10, false)
        expect((yield* repo.load(sessionId)).version).toBe(216)
        expect(yield* snapshotRow(sessionId)).toStrictEqual(Option.none())
        yield* run(sessionId, C.FailMessage.make({ session_id: sessionId, message_id: assistant, error: { code: "x", message: "y" }, at }))
        const first = Option.getOrThrow(yield* snapshotRow(sessionId))
        expect(first.version).toBe(217)
        expect(first.schema_version).toBe(SNAPSHOT_SCHEMA_VERSION)
        // Finished messages' text stays in the messages table; the streaming one would keep its own.
        const folded = (yield* repo.replayAt(sessionId, 217)).state
        expect(folded.messages.filter((m) => m.content !== "")).toHaveLength(4)
        expect(JSON.parse(first.state)).toStrictEqual(encode(withoutFinishedTexts(folded)))

        // A terminal event fewer than SNAPSHOT_EVERY events later leaves the snapshot where it was.
        yield* turn(sessionId, 20)
        expect(Option.getOrThrow(yield* snapshotRow(sessionId)).version).toBe(217)
        yield* turn(sessionId, SNAPSHOT_EVERY)
        expect(Option.getOrThrow(yield* snapshotRow(sessionId)).version).toBe(217 + 23 + SNAPSHOT_EVERY + 3)
        const sql = yield* SqlClient.SqlClient
        expect(yield* sql`SELECT 1 FROM session_snapshots WHERE session_id = ${sessionId}`).toHaveLength(1)
      })
    )

    it.effect("load is snapshot + tail and equals the full fold, after deletions and on a fork", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const repo = yield* SessionRepository
        const sessionId = yield* createSession
        const kept = yield* turn(sessionId, SNAPSHOT_EVERY)
        const second = yield* turn(sessionId, 5)
        yield* run(sessionId, C.DeleteMessagesFrom.make({ session_id: sessionId, message_id: second.user, at }))
        yield* run(sessionId, C.RegenerateFrom.make({ session_id: sessionId, message_id: kept.assistant, assistant_message_id: newId(), model: null, at }))
        const snapshot = Option.getOrThrow(yield* snapshotRow(sessionId))
        expect(snapshot.version).toBe(SNAPSHOT_EVERY + 4)
        const replayed = yield* expectLoadsMatchTheLog(sessionId, [1, snapshot.version - 1, snapshot.version, snapshot.version + 3])
        // Regenerate deleted the first answer and streams a new one after the kept question.
        const regenerated = replayed.state.open_message_id
        expect(replayed.state.messages.map((m) => m.id)).toStrictEqual([kept.user, regenerated])

        // The fresh load did start from the snapshot: a change made only there shows through.
        yield* sql`UPDATE session_snapshots SET state = json_build_object('name', 'from the snapshot')::jsonb || (state::jsonb - 'name')
          WHERE session_id = ${sessionId}`
        expect((yield* (yield* freshRepository).load(sessionId)).state.name).toBe("from the snapshot")
        expect((yield* (yield* freshRepository).loadAt(sessionId, snapshot.version - 1)).state.name).toBe("s")
        yield* sql`DELETE FROM session_snapshots WHERE session_id = ${sessionId}`

        // A fork: SessionCreated + MessagesCopied, then enough of its own turns for a snapshot.
        const source = (yield* repo.load(sessionId)).state
        const forkId = SessionId.make(randomUUID())
        const copied = source.messages.filter((m) => m.id === kept.user)
        yield* run(forkId, C.ForkSession.make({
          session_id: forkId, project_id: projectId, name: "fork", model: "m", system_prompt: "", source_session_id: sessionId,
          source_version: source.version, message_id: kept.user, messages: copied, at
        }))
        const forkTurn = yield* turn(forkId, SNAPSHOT_EVERY)
        yield* turn(forkId, 3)
        expect(Option.getOrThrow(yield* snapshotRow(forkId)).version).toBe(2 + SNAPSHOT_EVERY + 3)
        const fork = yield* expectLoadsMatchTheLog(forkId, [2, SNAPSHOT_EVERY + 5, SNAPSHOT_EVERY + 9])
        expect(fork.state.messages.map((m) => m.id).slice(0, 3)).toStrictEqual([kept.user, forkTurn.user, forkTurn.assistant])
      })
    )

    it.effect("a snapshot of an unknown shape is ignored: the state is folded from the log, and replaced later", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const sessionId = yield* createSession
        yield* turn(sessionId, SNAPSHOT_EVERY)
        const written = Option.getOrThrow(yield* snapshotRow(sessionId))
        yield* sql`UPDATE session_snapshots SET schema_version = ${SNAPSHOT_SCHEMA_VERSION + 1},
          state = '{"a future shape": true, "messages": 3}' WHERE session_id = ${sessionId}`
        yield* turn(sessionId, 2)
        yield* expectLoadsMatchTheLog(sessionId, [written.version, written.version + 2])
        expect(yield* verifyAll).toStrictEqual([])

        // The next due terminal event (counted from nothing usable) writes a snapshot this code can read.
        const fresh = yield* freshRepository
        yield* Effect.provideService(turn(sessionId, SNAPSHOT_EVERY), SessionRepository, fresh)
        const replaced = Option.getOrThrow(yield* snapshotRow(sessionId))
        expect(replaced.schema_version).toBe(SNAPSHOT_SCHEMA_VERSION)
        expect(replaced.version).toBe(written.version + 5 + SNAPSHOT_EVERY + 3)
        yield* expectLoadsMatchTheLog(sessionId, [replaced.version])
      })
    )

    it.effect("a stored snapshot loads by the fast path, and one with fields this code does not write by the careful path, to the same state", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const sessionId = yield* createSession
        yield* turn(sessionId, SNAPSHOT_EVERY)
        yield* turn(sessionId, 2)
        const written = Option.getOrThrow(yield* snapshotRow(sessionId))
        expect(isSessionStateShape(JSON.parse(written.state))).toBe(true)
        yield* expectLoadsMatchTheLog(sessionId, [written.version, written.version + 4])

        // An older writer's extra fields: the shape check refuses them, Schema drops them, the state is the same.
        yield* sql`UPDATE session_snapshots
          SET state = (jsonb_set(state::jsonb, '{messages,0,legacy}', '1') || '{"legacy": true}')::json WHERE session_id = ${sessionId}`
        expect(isSessionStateShape(JSON.parse(Option.getOrThrow(yield* snapshotRow(sessionId)).state))).toBe(false)
        yield* expectLoadsMatchTheLog(sessionId, [written.version, written.version + 4])
        // It was read, not ignored: a change made only there shows through.
        yield* sql`UPDATE session_snapshots SET state = jsonb_set(state::jsonb, '{name}', '"from the snapshot"')::json
          WHERE session_id = ${sessionId}`
        expect((yield* (yield* freshRepository).load(sessionId)).state.name).toBe("from the snapshot")
        // Put it back: the tests share a database, and verify checks every snapshot.
        yield* sql`UPDATE session_snapshots SET state = ${written.state}::json WHERE session_id = ${sessionId}`
        expect(yield* verifyAll).toStrictEqual([])
      })
    )

    it.effect("a snapshot whose message text the read model lacks is not used: the log is folded", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const sessionId = yield* createSession
        const first = yield* turn(sessionId, SNAPSHOT_EVERY)
        yield* turn(sessionId, 2)
        const written = Option.getOrThrow(yield* snapshotRow(sessionId))
        // As during a rebuild: the message's row is not finished yet.
        yield* sql`UPDATE messages SET status = 'streaming' WHERE session_id = ${sessionId} AND id = ${first.assistant}`
        // Were the snapshot used, this name would show through.
        yield* sql`UPDATE session_snapshots SET state = jsonb_set(state::jsonb, '{name}', '"from the snapshot"')::json
          WHERE session_id = ${sessionId}`
        const replayed = yield* expectLoadsMatchTheLog(sessionId, [written.version, written.version + 4])
        expect(replayed.state.name).toBe("s")
        expect(replayed.state.messages.find((m) => m.id === first.assistant)?.content)
          .toBe(Array.from({ length: SNAPSHOT_EVERY }, (_, i) => `part ${i} é😀 `).join(""))
        yield* sql`UPDATE messages SET status = 'complete' WHERE session_id = ${sessionId} AND id = ${first.assistant}`
        yield* sql`UPDATE session_snapshots SET state = ${written.state}::json WHERE session_id = ${sessionId}`
        expect(yield* verifyAll).toStrictEqual([])
      })
    )

    it.effect("rebuild recreates the snapshots; verify catches a tampered one", () =>
      Effect.gen(function* () {
        const sql = yield* SqlClient.SqlClient
        const sessionId = yield* createSession
        yield* turn(sessionId, SNAPSHOT_EVERY)
        yield* turn(sessionId, 10)
        const written = Option.getOrThrow(yield* snapshotRow(sessionId))
        expect(yield* verifyAll).toStrictEqual([])

        yield* sql`DELETE FROM session_snapshots`
        yield* rebuildReadModels
        expect(yield* snapshotRow(sessionId)).toStrictEqual(Option.some(written))
        expect(yield* verifyAll).toStrictEqual([])

        yield* sql`UPDATE session_snapshots SET state = jsonb_set(state::jsonb, '{messages,1,content}', '"tampered"')::json
          WHERE session_id = ${sessionId}`
        const problems = (yield* verifyAll).join("\n")
        expect(problems).toContain(`session-${sessionId}: snapshot at v${written.version} differs from the fold of the log in: messages[1]`)

        yield* sql`UPDATE session_snapshots SET version = 10000 WHERE session_id = ${sessionId}`
        expect((yield* verifyAll).join("\n")).toContain("snapshot at v10000, past the end of the log")
        yield* rebuildReadModels
        expect(yield* snapshotRow(sessionId)).toStrictEqual(Option.some(written))
      })
    )
  }
)
