import ignore from "ignore"

/*
 * The secret rules as plain code (no Effect): the grep workers build the same matcher from the
 * same text on their own threads.
 */

/** Hidden from every tool unless the project's .boocodeignore re-allows them with `!`. */
export const defaultSecretRules: ReadonlyArray<string> = [
  ".env",
  ".env.*",
  "*.pem",
  "*.key",
  "id_rsa*",
  "id_dsa*",
  "id_ecdsa*",
  "id_ed25519*",
  "*.p12",
  "*.pfx",
  "*.jks",
  "*.keystore",
  ".npmrc",
  ".pypirc",
  ".netrc",
  "_netrc",
  ".git-credentials",
  ".htpasswd",
  "credentials.json",
  "credentials",
  ".aws/",
  ".ssh/",
  ".gnupg/",
  ".docker/config.json",
  ".kube/config",
  "secrets.json",
  "secrets.yml",
  "secrets.yaml"
]

export const projectIgnoreFile = ".boocodeignore"

/** Answers whether a root-relative posix path is hidden; `isDir` adds the trailing slash. */
export interface SecretMatcher {
  readonly isHidden: (rel: string, isDir: boolean) => boolean
  /** The project's .boocodeignore text it was built from, so a worker thread can build the same. */
  readonly projectRules?: string
}

export const matcherFrom = (projectRules: string): SecretMatcher => {
  const rules = ignore().add([...defaultSecretRules]).add(projectRules)
  return {
    isHidden: (rel, isDir) => rel !== "" && ignore.isPathValid(rel) && rules.ignores(isDir ? `${rel}/` : rel),
    projectRules
  }
}

