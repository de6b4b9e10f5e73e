import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { MessageId } from "../../domain/index.ts"
import { BadRequest, BodyRefused, Conflict, Guarded, NotFound, Unprocessable } from "./errors.ts"
import { MessagePath, SessionPath } from "./params.ts"
import { AnyJson, Cancelled, Present, Posted, Session, SessionDetail, Started, Strict, Text, Versioned } from "./schemas.ts"

/** Sampling settings: each null leaves it to the server; `extra` is a JSON object of more fields. */
export const GenerationPatch = Strict("GenerationPatch", {
  temperature: Schema.NullOr(Schema.Number.pipe(Schema.between(0, 2, { message: () => "temperature must be a number from 0 to 2" }))),
  top_p: Schema.NullOr(Schema.Number.pipe(
    Schema.greaterThan(0, { message: () => "top_p must be above 0 and at most 1" }),
    Schema.lessThanOrEqualTo(1, { message: () => "top_p must be above 0 and at most 1" })
  )),
  max_tokens: Schema.NullOr(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1, { message: () => "max_tokens must be a whole number of at least 1" }))),
  extra: Schema.NullOr(Schema.Record({ key: Schema.String, value: AnyJson }).annotations({
    message: () => "extra must be a JSON object of sampling fields, e.g. {\"top_k\": 40}"
  }))
})

export const SessionPatch = Strict("SessionPatch", {
  name: Present(Text),
  model: Present(Schema.NullOr(Text)),
  system_prompt: Present(Text),
  generation: Present(GenerationPatch)
})
export const NewMessage = Strict("NewMessage", { content: Text, client_request_id: Present(Text) })
export const EditedMessage = Strict("EditedMessage", { content: Text })
export const AlternativeChoice = Strict("AlternativeChoice", {
  index: Schema.Int.pipe(Schema.nonNegative({ message: () => "index must be a whole number from 0" }))
})
export const ForkPoint = Strict("ForkPoint", { message_id: MessageId })
export const IdempotencyHeaders = Schema.Struct({ "idempotency-key": Schema.optional(Text) })

export class SessionsApi extends HttpApiGroup.make("sessions")
  .add(
    HttpApiEndpoint.get("get", "/sessions/:id")
      .setPath(SessionPath)
      .addSuccess(SessionDetail)
      .addError(BadRequest)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.patch("update", "/sessions/:id")
      .setPath(SessionPath)
      .setPayload(SessionPatch)
      .addSuccess(Session)
      .addError(BodyRefused)
      .addError(NotFound)
      .addError(Conflict)
  )
  .add(
    HttpApiEndpoint.del("remove", "/sessions/:id")
      .setPath(SessionPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(BodyRefused)
      .addError(NotFound)
      .addError(Conflict)
  )
  .add(
    HttpApiEndpoint.post("post", "/sessions/:id/messages")
      .setPath(SessionPath)
      .setPayload(NewMessage)
      .setHeaders(IdempotencyHeaders)
      .addSuccess(Posted, { status: 202 })
      .addError(BodyRefused)
      .addError(NotFound)
      .addError(Conflict)
      .addError(Unprocessable)
      .annotate(
        OpenApi.Description,
        "Posts a message and starts its answer. With an Idempotency-Key (or client_request_id), a repeat answers the " +
          "first reply; 422 when the key was used with another content; 409 while an answer streams."
      )
  )
  .add(
    HttpApiEndpoint.post("cancel", "/sessions/:id/cancel")
      .setPath(SessionPath)
      .addSuccess(Cancelled)
      .addError(BodyRefused)
      .addError(NotFound)
      .addError(Conflict)
  )
  .add(
    HttpApiEndpoint.post("regenerate", "/sessions/:id/messages/:message_id/regenerate")
      .setPath(MessagePath)
      .addSuccess(Started, { status: 202 })
      .addError(BodyRefused)
      .addError(NotFound)
      .addError(Conflict)
  )
  .add(
    HttpApiEndpoint.post("continue", "/sessions/:id/messages/:message_id/continue")
      .setPath(MessagePath)
      .addSuccess(Started, { status: 202 })
      .addError(BodyRefused)
      .addError(NotFound)
      .addError(Conflict)
      .annotate(OpenApi.Description, "Goes on with the last answer where it stopped (interrupted, cancelled, failed with text, or cut at the length limit); its text continues in the same message. 409 with the reason otherwise.")
  )
  .add(
    HttpApiEndpoint.post("edit", "/sessions/:id/messages/:message_id/edit")
      .setPath(MessagePath)
      .setPayload(EditedMessage)
      .addSuccess(Posted, { status: 202 })
      .addError(BodyRefused)
      .addError(NotFound)
      .addError(Conflict)
  )
  .add(
    HttpApiEndpoint.del("deleteFrom", "/sessions/:id/messages/:message_id")
      .setPath(MessagePath)
      .addSuccess(Versioned)
      .addError(BodyRefused)
      .addError(NotFound)
      .addError(Conflict)
  )
  .add(
    HttpApiEndpoint.post("select", "/sessions/:id/messages/:message_id/select")
      .setPath(MessagePath)
      .setPayload(AlternativeChoice)
      .addSuccess(SessionDetail)
      .addError(BodyRefused)
      .addError(NotFound)
      .addError(Conflict)
      .annotate(OpenApi.Description, "Shows another of the answers kept for a regenerated message: `message_id` is the answer shown now (the message that carries `alternatives`), `index` the one to show (from 0). Answers the session as it now is; 404 for an index out of range, 409 while an answer streams.")
  )
  .add(
    HttpApiEndpoint.post("fork", "/sessions/:id/fork")
      .setPath(SessionPath)
      .setPayload(ForkPoint)
      .addSuccess(SessionDetail, { status: 201 })
      .addError(BodyRefused)
      .addError(NotFound)
      .addError(Conflict)
  )
  .addError(Guarded)
  .annotate(OpenApi.Description, "Sessions, their messages and the commands on them") {}
