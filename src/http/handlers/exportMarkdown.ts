import type { Message, Session } from "../api/schemas.ts"

const fence = (text: string) => {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length))
  return "`".repeat(longest + 1)
}

const toolBlock = (body: string) => {
  const f = fence(body)
  return ["", `${f}text`, body, f]
}

/** A message in the order it happened: reasoning, text, each tool call with its result where it came. */
const messageMarkdown = (m: Message) => {
  const alternative = m.alternatives === null ? "" : ` · answer ${m.alternatives.index + 1} of ${m.alternatives.count}`
  const lines = [`## ${m.role === "user" ? "User" : "Assistant"}${m.model ? ` (${m.model})` : ""}${alternative}`]
  for (const part of m.parts) {
    switch (part.type) {
      case "reasoning":
        lines.push("", "> _Reasoning_", ...part.text.split("\n").map((l) => `> ${l}`))
        break
      case "text":
        lines.push("", part.text)
        break
      case "tool_call":
        lines.push(...toolBlock(`${part.name}(${part.args})`))
        break
      case "tool_result":
        lines.push(...toolBlock(`→ ${part.error ?? part.output}${part.truncated ? "\n[truncated]" : ""}`))
        break
    }
  }
  if (m.status !== "complete") lines.push("", `_${m.status}${m.error ? `: ${m.error.message}` : ""}_`)
  return lines.join("\n") + "\n"
}

/** The session's model setting, and the models that answered when they differ from it. */
const modelLine = (session: Session, messages: ReadonlyArray<Message>) => {
  const answered = [...new Set(messages.flatMap((m) => (m.role === "assistant" && m.model !== null ? [m.model] : [])))]
  const setting = session.model ?? "the server's default"
  return answered.length === 0 || (answered.length === 1 && answered[0] === session.model) ? setting : `${setting} (answered by ${answered.join(", ")})`
}

/** A session as a Markdown document: title, settings, then every message in order. */
export const exportMarkdown = (session: Session, messages: ReadonlyArray<Message>) =>
  [
    `# ${session.name}`,
    "",
    `- session: ${session.id}`,
    `- model: ${modelLine(session, messages)}`,
    `- created: ${session.created_at}`,
    ...(session.system_prompt === "" ? [] : ["", "> " + session.system_prompt.split("\n").join("\n> ")]),
    "",
    ...messages.map(messageMarkdown)
  ].join("\n") + "\n"
