import { Schema } from "effect"
import { MessageId, ProjectId, SessionId } from "../../domain/index.ts"

export const ProjectPath = Schema.Struct({ id: ProjectId })
export const SessionPath = Schema.Struct({ id: SessionId })
export const MessagePath = Schema.Struct({ id: SessionId, message_id: MessageId })

/** A non-negative integer given as a query string value (documented as the integer it stands for). */
export const Count = Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative()).annotations({
  jsonSchema: { type: "integer", minimum: 0 }
})
