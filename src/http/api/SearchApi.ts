import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { BadGateway, BadRequest, GatewayTimeout, Guarded } from "./errors.ts"
import { Count } from "./params.ts"
import { Model, SearchHit, Text } from "./schemas.ts"

export class SearchApi extends HttpApiGroup.make("search")
  .add(
    HttpApiEndpoint.get("search", "/search")
      .setUrlParams(Schema.Struct({
        q: Text.pipe(Schema.minLength(1)),
        limit: Schema.optional(Count.annotations({ description: "At most this many hits (200 at most; 50 when not given)" }))
      }))
      .addSuccess(Schema.Array(SearchHit))
      .addError(BadRequest)
      .annotate(
        OpenApi.Description,
        "Full-text search over session titles and message text, ranked. Each hit's snippet is plain text; `highlights` " +
          "gives the matched ranges in it"
      )
  )
  .add(
    HttpApiEndpoint.get("models", "/models")
      .addSuccess(Schema.Array(Model))
      .addError(BadGateway)
      .addError(GatewayTimeout)
      .annotate(OpenApi.Description, "The upstream's models, with the context size where known")
  )
  .addError(Guarded) {}
