import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { verifyChains } from "../../../src/infra/eventstore/verifyChains.ts"
import { event } from "./helpers.ts"
import { StoreLive } from "./layers.ts"

/** A stream with three events in two appends, so chains cross append boundaries. */
const seed = (streamId: string) =>
  Effect.gen(function* () {
    const store = yield* EventStore
    yield* store.append({ streamId, streamType: "t", expectedVersion: 0, events: [event("A", { n: 1 }), event("B", { n: 2 })] })
    yield* store.append({ streamId, streamType: "t", expectedVersion: 2, events: [event("C", { n: 3, s: "ü\"'" })] })
  })

const problemsOf = (streamId: string) =>
  Effect.map(verifyChains, (problems) =>
    problems.filter((p) => p.streamId === streamId).map((p) => `${p.kind}@${p.version}`)
  )

layer(StoreLive, { excludeTestServices: true })("G8 hash chain", (it) => {
  it.effect("an intact log verifies clean", () =>
    Effect.gen(function* () {
      yield* seed("g8-clean")
      yield* seed("g8-clean-2")
      expect(yield* problemsOf("g8-clean")).toEqual([])
      expect(yield* problemsOf("g8-clean-2")).toEqual([])
    })
  )

  it.effect("an UPDATE of an event's data breaks its hash", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* seed("g8-update")
      yield* sql`UPDATE events SET data = '{"n": 99}' WHERE stream_id = 'g8-update' AND stream_version = 2`
      expect(yield* problemsOf("g8-update")).toEqual(["hash-mismatch@2"])
      const [problem] = (yield* verifyChains).filter((p) => p.streamId === "g8-update")
      expect(problem?.message).toContain("g8-update@2")
    })
  )

  it.effect("re-hashing the edited event moves the break to the next one", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* seed("g8-rehash")
      yield* sql`
        UPDATE events e SET data = '{"n": 99}',
          hash = event_hash(p.hash, e.event_id, e.stream_id, e.stream_version, e.type, '{"n": 99}', e.metadata, e.recorded_at)
        FROM events p
        WHERE e.stream_id = 'g8-rehash' AND e.stream_version = 2 AND p.stream_id = e.stream_id AND p.stream_version = 1`
      expect(yield* problemsOf("g8-rehash")).toEqual(["hash-mismatch@3"])
    })
  )

  it.effect("a DELETE in the middle shows as a gap and a broken link", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* seed("g8-delete")
      yield* sql`DELETE FROM events WHERE stream_id = 'g8-delete' AND stream_version = 2`
      expect(yield* problemsOf("g8-delete")).toEqual(["version-gap@3", "hash-mismatch@3"])
    })
  )

  it.effect("a DELETE of the last event shows as a stream head mismatch", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* seed("g8-truncate")
      yield* sql`DELETE FROM events WHERE stream_id = 'g8-truncate' AND stream_version = 3`
      expect(yield* problemsOf("g8-truncate")).toEqual(["head-mismatch@3"])
    })
  )

  it.effect("a DELETE of the first event and of a stream row are found", () =>
    Effect.gen(function* () {
      const sql = yield* SqlClient.SqlClient
      yield* seed("g8-first")
      yield* sql`DELETE FROM events WHERE stream_id = 'g8-first' AND stream_version = 1`
      expect(yield* problemsOf("g8-first")).toEqual(["version-gap@2", "hash-mismatch@2"])
      yield* seed("g8-row")
      yield* sql`DELETE FROM streams WHERE stream_id = 'g8-row'`
      expect(yield* problemsOf("g8-row")).toEqual(["missing-stream-row@3"])
    })
  )
})
