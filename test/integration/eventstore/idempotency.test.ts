import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { type AppendInput, EventStore } from "../../../src/infra/eventstore/EventStore.ts"
import { count, event, streamSnapshot } from "./helpers.ts"
import { StoreLive } from "./layers.ts"

const withoutDuplicateFlag = <A extends { readonly duplicate: boolean }>({ duplicate: _, ...rest }: A) => rest

layer(StoreLive, { excludeTestServices: true })("G4 idempotent commands", (it) => {
  it.effect("the same command id and payload appends once and answers the same", () =>
    Effect.gen(function* () {
      const store = yield* EventStore
      const sql = yield* SqlClient.SqlClient
      yield* sql`CREATE TABLE g4_projection (stream_id text, version bigint)`
      const input: AppendInput = {
        streamId: "g4-seq", streamType: "t", expectedVersion: 0, events: [event("A"), event("B")],
        command: { id: "g4-seq-cmd", payload: { text: "hi", n: 1 } },
        inline: (events) =>
          Effect.forEach(events, (e) => sql`INSERT INTO g4_projection VALUES (${e.stream_id}, ${e.stream_version})`).pipe(
            Effect.orDie,
            Effect.asVoid
          )
      }
      const first = yield* store.append(input)
      expect(first.duplicate).toBe(false)
      // Same payload with its keys in another order, a stale expected version and fresh event ids.
      const again = yield* store.append({ ...input, command: { id: "g4-seq-cmd", payload: { n: 1, text: "hi" } } })
      expect(again).toEqual({ ...first, duplicate: true })
      expect((yield* streamSnapshot("g4-seq")).events).toEqual(["1:A", "2:B"])
      expect(yield* count("g4_projection")).toBe(2)
    })
  )

  it.effect("duplicates racing in parallel fibers append once and all answer the same", () =>
    Effect.gen(function* () {
      const store = yield* EventStore
      for (const [streamId, expectedVersion] of [["g4-race-new", 0], ["g4-race-any", "any"]] as const) {
        const input: AppendInput = {
          streamId, streamType: "t", expectedVersion, events: [event("Once")],
          command: { id: `${streamId}-cmd`, payload: { q: 1 } }
        }
        const results = yield* Effect.all(Array.from({ length: 8 }, () => store.append(input)), { concurrency: "unbounded" })
        expect(results.filter((r) => !r.duplicate)).toHaveLength(1)
        expect(new Set(results.map((r) => JSON.stringify(withoutDuplicateFlag(r)))).size).toBe(1)
        expect((yield* streamSnapshot(streamId)).events).toEqual(["1:Once"])
      }
    })
  )

  it.effect("the same command id with another payload, or for another stream, is CommandIdReused", () =>
    Effect.gen(function* () {
      const store = yield* EventStore
      const input: AppendInput = {
        streamId: "g4-reuse", streamType: "t", expectedVersion: 0, events: [event("A")],
        command: { id: "g4-reuse-cmd", payload: { text: "one" } }
      }
      yield* store.append(input)
      const otherPayload = yield* store
        .append({ ...input, expectedVersion: 1, command: { id: "g4-reuse-cmd", payload: { text: "two" } } })
        .pipe(Effect.flip)
      expect(otherPayload).toMatchObject({ _tag: "CommandIdReused", command_id: "g4-reuse-cmd" })
      const otherStream = yield* store.append({ ...input, streamId: "g4-reuse-other" }).pipe(Effect.flip)
      expect(otherStream).toMatchObject({ _tag: "CommandIdReused", command_id: "g4-reuse-cmd" })
      expect((yield* streamSnapshot("g4-reuse")).events).toEqual(["1:A"])
      expect((yield* streamSnapshot("g4-reuse-other")).version).toBe(0)
    })
  )
})
