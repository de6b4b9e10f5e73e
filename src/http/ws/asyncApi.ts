import { JSONSchema, Schema, SchemaAST } from "effect"
import { SessionFrame } from "../../contract/sessionFrames.ts"
import { PingFrame } from "../../contract/socketFrames.ts"
import { UserFrame } from "../../contract/userFrames.ts"
import { packageVersion } from "../../cli/version.ts"
import { ResumeParams } from "./SessionSocket.ts"

type Json = JSONSchema.JsonSchema7

const nameOf = (schema: Schema.Schema.Any): string =>
  SchemaAST.getIdentifierAnnotation(schema.ast).pipe((o) => (o._tag === "Some" ? o.value : "Frame"))

const descriptionOf = (schema: Schema.Schema.Any): string | undefined =>
  SchemaAST.getDescriptionAnnotation(schema.ast).pipe((o) => (o._tag === "Some" ? o.value : undefined))

const ref = (to: string) => ({ $ref: to })

/**
 * The AsyncAPI 3.0 document of the two WebSockets, generated from the same schemas the server
 * builds its frames with and the browser decodes them with: it cannot drift from the wire.
 */
export const asyncApiDocument = (): Record<string, unknown> => {
  const definitions: Record<string, Json> = {}
  const schemaRef = (schema: Schema.Schema.Any): Json =>
    JSONSchema.fromAST(schema.ast, { definitions, definitionPath: "#/components/schemas/", target: "jsonSchema7" })
  const messages: Record<string, unknown> = {}
  const channelMessages = (members: ReadonlyArray<Schema.Schema.Any>) =>
    Object.fromEntries(
      members.map((member) => {
        const name = nameOf(member)
        const payload = schemaRef(member)
        messages[name] = { name, title: name, summary: descriptionOf(member), contentType: "application/json", payload }
        return [name, ref(`#/components/messages/${name}`)]
      })
    )
  const sessionMessages = channelMessages([...SessionFrame.members, PingFrame])
  const userMessages = channelMessages([...UserFrame.members, PingFrame])
  const sendRefs = (channel: string, names: ReadonlyArray<string>) =>
    names.filter((n) => n !== nameOf(PingFrame)).map((n) => ref(`#/channels/${channel}/messages/${n}`))
  const resumeQuery = JSONSchema.make(Schema.encodedSchema(ResumeParams))
  schemaRef(SessionFrame)
  schemaRef(UserFrame)
  return {
    asyncapi: "3.0.0",
    info: {
      title: "BooCode WebSockets",
      version: packageVersion,
      description:
        "Frames are JSON text. Persisted frames carry the session log `version` of their event; text arrives as delta frames " +
        "placed by UTF-16 `offset`, so a client that reconnects with `after`, `message_id` and `offset` drops duplicates and loses nothing. " +
        "The REST API is described by /api/openapi.json."
    },
    defaultContentType: "application/json",
    channels: {
      session: {
        address: "/api/ws/sessions/{id}",
        title: "One session's stream",
        description:
          "What the client missed since `after` (the log, or one snapshot frame when far behind), the text still streaming, " +
          "`caught_up`, then live frames. Query: after (version the client has), message_id with offset and reasoning_offset " +
          "(how much of a streaming message's text and reasoning it has).",
        parameters: { id: { description: "The session id (UUID)" } },
        messages: sessionMessages,
        bindings: { ws: { method: "GET", query: resumeQuery, bindingVersion: "0.1.0" } }
      },
      user: {
        address: "/api/ws/user",
        title: "The user's lifecycle feed",
        description: "`hello`, then projects and sessions added, renamed, busy or idle, and removed, from every tab and instance.",
        messages: userMessages,
        bindings: { ws: { method: "GET", bindingVersion: "0.1.0" } }
      }
    },
    operations: {
      sendSessionFrames: {
        action: "send", channel: ref("#/channels/session"), summary: "The server streams a session's frames",
        messages: sendRefs("session", Object.keys(sessionMessages))
      },
      receiveSessionPing: {
        action: "receive", channel: ref("#/channels/session"), summary: "A client ping, answered pong",
        messages: [ref(`#/channels/session/messages/${nameOf(PingFrame)}`)]
      },
      sendUserFrames: {
        action: "send", channel: ref("#/channels/user"), summary: "The server streams lifecycle frames",
        messages: sendRefs("user", Object.keys(userMessages))
      },
      receiveUserPing: {
        action: "receive", channel: ref("#/channels/user"), summary: "A client ping, answered pong",
        messages: [ref(`#/channels/user/messages/${nameOf(PingFrame)}`)]
      }
    },
    components: { schemas: definitions, messages }
  }
}
