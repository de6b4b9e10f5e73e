import type { Message, Session } from "../api/schemas.ts"

const fence = (text: string) => {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length))
  return "`".repeat(longest + 1)
}

const messageMarkdown = (m: Message) => {
  const parts = [`## ${m.role === "user" ? "User" : "Assistant"}${m.model ? ` (${m.model})` : ""}`, "", m.content]
  for (const call of m.tool_calls) {
    const result = m.tool_results.find((r) => r.tool_call_id === call.id)
    const body = `${call.name}(${call.args})${result ? `\n\n${result.error ?? result.output}` : ""}`
    const f = fence(body)
    parts.push("", `${f}text`, body, f)
  }
  if (m.status !== "complete") parts.push("", `_${m.status}${m.error ? `: ${m.error.message}` : ""}_`)
  return parts.join("\n")
}

/** A session as a Markdown document: title, settings, then every message in order. */
export const exportMarkdown = (session: Session, messages: ReadonlyArray<Message>) =>
  [
    `# ${session.name}`,
    "",
    `- session: ${session.id}`,
    `- model: ${session.model ?? "default"}`,
    `- created: ${session.created_at}`,
    ...(session.system_prompt === "" ? [] : ["", "> " + session.system_prompt.split("\n").join("\n> ")]),
    "",
    ...messages.map(messageMarkdown)
  ].join("\n") + "\n"
