/**
 * The longest run of plain characters every match must contain, or null when there is none we
 * can be sure of (an alternation anywhere, a backreference, an escape we do not read). A file
 * without it cannot match, so its bytes are never decoded. Conservative: a wrong null only costs
 * speed, a wrong literal would lose matches, so anything unusual gives null.
 */
export const requiredLiteral = (pattern: string, caseInsensitive: boolean): string | null => {
  let best = ""
  let run = ""
  let depth = 0
  const end = () => {
    if (run.length > best.length) best = run
    run = ""
  }
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    switch (c) {
      case "|":
        return null
      case "\\": {
        const next = pattern[i + 1]
        if (next === undefined) return null
        i++
        if (/[A-Za-z0-9_]/.test(next)) {
          if (!"dDwWsSbB".includes(next)) return null
          end()
        } else if (depth === 0) run += next
        break
      }
      case "[": {
        end()
        let j = i + 1
        while (j < pattern.length && pattern[j] !== "]") j += pattern[j] === "\\" ? 2 : 1
        if (j >= pattern.length) return null
        i = j
        break
      }
      case "(":
        end()
        depth++
        break
      case ")":
        end()
        depth--
        break
      case "{": {
        const quantifier = /^\{\d+(,\d*)?\}/.exec(pattern.slice(i))
        if (quantifier === null) return null
        i += quantifier[0].length - 1
        run = dropLast(run)
        end()
        break
      }
      case "*":
      case "?":
      case "+":
        // the quantified character may be absent or repeated: the run ends before it
        run = dropLast(run)
        end()
        break
      case ".":
      case "^":
      case "$":
      case "}":
      case "]":
        end()
        break
      default:
        if (depth === 0) run += c
    }
  }
  end()
  if (best === "" || /[\uD800-\uDFFF\uFFFD]/.test(best)) return null
  // under /i only a literal without letters is safe to find byte for byte
  if (caseInsensitive && !/^[\x00-\x40\x5B-\x60\x7B-\x7F]*$/.test(best)) return null
  return best
}

const dropLast = (run: string) => run.slice(0, -1)
