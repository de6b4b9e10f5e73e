import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { SessionFrame } from "../../../src/contract/sessionFrames.ts"
import { PingFrame } from "../../../src/contract/socketFrames.ts"
import { UserFrame } from "../../../src/contract/userFrames.ts"
import { type TestApp, TestAppServer, testAppLayer } from "../../support/testApp.ts"
import { at, call } from "./client.ts"

const withApp = (name: string, f: (app: TestApp) => Promise<void>) =>
  [name, () => Effect.flatMap(TestAppServer, (app) => Effect.promise(() => f(app)))] as const

const keys = (value: unknown) => Object.keys(Object(value)).sort()
const identifier = (schema: { readonly ast: { readonly annotations: Record<symbol, unknown> } }) =>
  String(schema.ast.annotations[Symbol.for("effect/annotation/Identifier")])

/** Follows a local `$ref` (#/a/b/c) inside the document. */
const resolve = (doc: unknown, ref: unknown): unknown => at(doc, ...String(ref).replace(/^#\//, "").split("/"))

layer(testAppLayer(), { excludeTestServices: true })("the AsyncAPI document", (it) => {
  it.effect(...withApp("lists every frame of both sockets with its schema, derived from the contract", async (app) => {
    const r = await call(app.url, "GET", "/api/asyncapi.json")
    expect(r.status).toBe(200)
    expect(r.headers.get("content-type")).toContain("application/json")
    const doc = r.json
    expect(at(doc, "asyncapi")).toBe("3.0.0")
    expect([at(doc, "channels", "session", "address"), at(doc, "channels", "user", "address")]).toEqual(["/api/ws/sessions/{id}", "/api/ws/user"])
    expect(keys(at(doc, "channels", "session", "messages"))).toEqual([...SessionFrame.members, PingFrame].map(identifier).sort())
    expect(keys(at(doc, "channels", "user", "messages"))).toEqual([...UserFrame.members, PingFrame].map(identifier).sort())

    // Every message reference resolves to a message whose payload resolves to an object schema naming its `type`.
    for (const channel of ["session", "user"]) {
      for (const [name, ref] of Object.entries(Object(at(doc, "channels", channel, "messages")))) {
        const message = resolve(doc, at(ref, "$ref"))
        const payload = resolve(doc, at(message, "payload", "$ref"))
        expect([name, at(payload, "type"), at(payload, "required")]).toEqual([name, "object", expect.arrayContaining(["type"])])
      }
    }
    // The message_complete frame documents the wire's `ctx` object, not the read model's ctx_used.
    expect(keys(at(doc, "components", "schemas", "MessageCompleteFrame", "properties"))).toEqual(
      ["at", "ctx", "finish_reason", "message_id", "timings", "type", "usage", "version"]
    )
    const sends = at(doc, "operations", "sendSessionFrames", "messages")
    expect(Array.isArray(sends) ? sends.length : 0).toBe(SessionFrame.members.length)
  }))
})
