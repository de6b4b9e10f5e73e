import { stripVTControlCharacters } from "node:util"

/** Colours only on a terminal, and never when NO_COLOR is set to anything non-empty (no-color.org). */
export const colorWanted = (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean =>
  stream.isTTY === true && (env["NO_COLOR"] ?? "") === ""

/**
 * Strips ANSI sequences from everything written to a stream that should have no colours. Done at
 * the stream because @effect/cli renders its own error and help documents in colour unconditionally.
 */
export const plainWhenNoColor = (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): void => {
  if (colorWanted(stream, env)) return
  const write = stream.write.bind(stream)
  stream.write = ((chunk: unknown, ...rest: Array<never>) =>
    write(typeof chunk === "string" ? stripVTControlCharacters(chunk) : chunk as Uint8Array, ...rest)) as typeof stream.write
}

export const bold = (on: boolean) => (text: string) => (on ? `\u001b[1m${text}\u001b[22m` : text)
