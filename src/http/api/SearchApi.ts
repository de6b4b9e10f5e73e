import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Count } from "./params.ts"
import { Model, SearchHit, Text } from "./schemas.ts"

export class SearchApi extends HttpApiGroup.make("search")
  .add(
    HttpApiEndpoint.get("search", "/search")
      .setUrlParams(Schema.Struct({ q: Text.pipe(Schema.minLength(1)), limit: Schema.optional(Count) }))
      .addSuccess(Schema.Array(SearchHit))
      .annotate(OpenApi.Description, "Full-text search over session titles and message text, ranked")
  )
  .add(
    HttpApiEndpoint.get("models", "/models")
      .addSuccess(Schema.Array(Model))
      .annotate(OpenApi.Description, "The upstream's models, with the context size where known")
  ) {}
