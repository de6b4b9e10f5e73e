/** The login and logout pages: plain HTML forms with their own small stylesheet, nothing inline. */

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch)

const shell = (title: string, body: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/login.css">
</head>
<body>
<main class="card">
<h1><img src="/favicon.svg" alt="" width="28" height="28"> BooCode</h1>
${body}
</main>
</body>
</html>
`

export type LoginNotice = "none" | "wrong" | "loggedOut"

const NOTICES: Record<LoginNotice, string> = {
  none: "",
  wrong: `<p class="error" role="alert">That token is not right. Try again.</p>`,
  loggedOut: `<p class="notice" role="status">You are logged out.</p>`
}

export const loginPage = (notice: LoginNotice, next: string) =>
  shell("BooCode: log in", `<p>This server needs its access token (the value of <code>BOOCODE_TOKEN</code>).</p>
${NOTICES[notice]}
<form method="post" action="/login">
<input type="hidden" name="next" value="${escapeHtml(next)}">
<label for="token">Token</label>
<input id="token" type="password" name="token" autocomplete="current-password" autofocus required>
<button type="submit">Log in</button>
</form>`)

export const logoutPage = () =>
  shell("BooCode: log out", `<p>Log out of BooCode in this browser?</p>
<form method="post" action="/logout">
<button type="submit">Log out</button>
</form>
<p><a href="/">Back to BooCode</a></p>`)

export const LOGIN_CSS = `:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --fg: #1d2330; --muted: #5b6474; --line: #d5d9e0; --accent: #3b5bdb; --error: #c92a2a; }
@media (prefers-color-scheme: dark) { :root { --bg: #14171c; --card: #1d2128; --fg: #e6e9ee; --muted: #9aa3b2; --line: #343a46; --accent: #748ffc; --error: #ff8787; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, sans-serif; }
.card { width: min(24rem, calc(100vw - 2rem)); padding: 1.5rem; background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
h1 { display: flex; align-items: center; gap: .5rem; margin: 0 0 1rem; font-size: 1.4rem; }
p { color: var(--muted); margin: 0 0 1rem; }
code { font-size: .9em; }
label { display: block; font-weight: 600; margin-bottom: .3rem; }
input[type=password] { width: 100%; padding: .5rem .6rem; font: inherit; color: inherit; background: transparent; border: 1px solid var(--line); border-radius: 6px; }
button { margin-top: 1rem; padding: .5rem 1.2rem; font: inherit; font-weight: 600; color: #fff; background: var(--accent); border: 0; border-radius: 6px; cursor: pointer; }
.error { color: var(--error); font-weight: 600; }
.notice { color: var(--fg); }
a { color: var(--accent); }
`
