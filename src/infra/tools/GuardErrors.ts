import { PathRefused, ToolError, codeOf } from "./ToolError.ts"

export const refuse = (requested: string, message: string) => new PathRefused({ path: requested, message })

export const fsFailure = (requested: string, cause: unknown): PathRefused | ToolError => {
  const code = codeOf(cause)
  switch (code) {
    case "ENOENT":
      return refuse(requested, `${requested}: no such file or directory`)
    case "ELOOP":
      return refuse(requested, `${requested}: refused, symlink loop (or a symlink where none is allowed)`)
    case "ENOTDIR":
      return refuse(requested, `${requested}: a component of the path is not a directory`)
    case "EACCES":
    case "EPERM":
      return refuse(requested, `${requested}: permission denied`)
    case "ENAMETOOLONG":
      return refuse(requested, `${requested}: path too long`)
    default:
      return new ToolError({ message: `${requested}: cannot access (${code})` })
  }
}

export const kindRefusal = (stat: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }) =>
  stat.isFIFO()
    ? "is a FIFO (named pipe)"
    : stat.isSocket()
      ? "is a socket"
      : stat.isCharacterDevice() || stat.isBlockDevice()
        ? "is a device"
        : "is not a regular file or directory"

