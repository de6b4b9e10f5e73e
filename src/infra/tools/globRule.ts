import picomatch from "picomatch"

/** A glob on root-relative paths (plain code, for worker threads too); without a slash it matches base names. Throws on an invalid glob. */
export const compileGlob = (pattern: string): ((rel: string) => boolean) =>
  picomatch(pattern, { dot: true, basename: !pattern.includes("/") })
