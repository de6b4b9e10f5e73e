/** Minimal SVG line charts (log or linear y), enough for two figures beside BENCHMARKS.md. */
export interface Series {
  readonly name: string
  readonly color: string
  readonly points: ReadonlyArray<{ readonly x: number; readonly y: number; readonly lo?: number; readonly hi?: number }>
  readonly dashed?: boolean
}

export interface Chart {
  readonly title: string
  readonly xLabel: string
  readonly yLabel: string
  readonly xs: ReadonlyArray<number>
  readonly logY: boolean
  readonly series: ReadonlyArray<Series>
  /** Horizontal reference lines (targets, limits). */
  readonly hlines?: ReadonlyArray<{ readonly y: number; readonly label: string; readonly color: string }>
}

const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")

export const renderChart = (chart: Chart): string => {
  const W = 720, H = 420, L = 80, R = 200, T = 40, B = 60
  const pw = W - L - R, ph = H - T - B
  const ys = [
    ...chart.series.flatMap((s) => s.points.flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y])),
    ...(chart.hlines ?? []).map((h) => h.y)
  ].filter((y) => Number.isFinite(y) && (!chart.logY || y > 0))
  let yMin = Math.min(...ys), yMax = Math.max(...ys)
  if (chart.logY) {
    yMin = 10 ** Math.floor(Math.log10(yMin))
    yMax = 10 ** Math.ceil(Math.log10(yMax))
  } else {
    yMin = 0
    yMax = yMax * 1.1
  }
  const ty = (y: number) => T + ph - (chart.logY ? (Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin)) : (y - yMin) / (yMax - yMin)) * ph
  const tx = (i: number) => L + (chart.xs.length === 1 ? pw / 2 : (i / (chart.xs.length - 1)) * pw)
  const xi = (x: number) => chart.xs.indexOf(x)
  const out: Array<string> = []
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`)
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`)
  out.push(`<text x="${W / 2 - R / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(chart.title)}</text>`)
  // y grid
  const ticks: Array<number> = []
  if (chart.logY) for (let v = yMin; v <= yMax * 1.0001; v *= 10) ticks.push(v)
  else for (let i = 0; i <= 5; i++) ticks.push(yMin + ((yMax - yMin) * i) / 5)
  for (const v of ticks) {
    out.push(`<line x1="${L}" x2="${L + pw}" y1="${ty(v)}" y2="${ty(v)}" stroke="#ddd"/>`)
    out.push(`<text x="${L - 6}" y="${ty(v) + 4}" text-anchor="end">${Number(v.toPrecision(3))}</text>`)
  }
  chart.xs.forEach((x, i) => {
    out.push(`<line x1="${tx(i)}" x2="${tx(i)}" y1="${T}" y2="${T + ph}" stroke="#eee"/>`)
    out.push(`<text x="${tx(i)}" y="${T + ph + 18}" text-anchor="middle">${x}</text>`)
  })
  out.push(`<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`)
  out.push(`<text x="${L + pw / 2}" y="${H - 15}" text-anchor="middle">${esc(chart.xLabel)}</text>`)
  out.push(`<text transform="translate(18 ${T + ph / 2}) rotate(-90)" text-anchor="middle">${esc(chart.yLabel)}</text>`)
  let legendY = T + 10
  for (const h of chart.hlines ?? []) {
    out.push(`<line x1="${L}" x2="${L + pw}" y1="${ty(h.y)}" y2="${ty(h.y)}" stroke="${h.color}" stroke-width="1.5" stroke-dasharray="2 4"/>`)
    out.push(`<line x1="${L + pw + 12}" x2="${L + pw + 36}" y1="${legendY}" y2="${legendY}" stroke="${h.color}" stroke-width="1.5" stroke-dasharray="2 4"/>`)
    out.push(`<text x="${L + pw + 42}" y="${legendY + 4}">${esc(h.label)}</text>`)
    legendY += 20
  }
  for (const s of chart.series) {
    const pts = s.points.filter((p) => xi(p.x) >= 0 && Number.isFinite(p.y) && (!chart.logY || p.y > 0))
    const dash = s.dashed ? ` stroke-dasharray="6 4"` : ""
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${pts.map((p) => `${tx(xi(p.x))},${ty(p.y)}`).join(" ")}"/>`)
    for (const p of pts) {
      if (p.lo !== undefined && p.hi !== undefined && (!chart.logY || p.lo > 0))
        out.push(`<line x1="${tx(xi(p.x))}" x2="${tx(xi(p.x))}" y1="${ty(p.lo)}" y2="${ty(p.hi)}" stroke="${s.color}" stroke-width="1"/>`)
      out.push(`<circle cx="${tx(xi(p.x))}" cy="${ty(p.y)}" r="3.5" fill="${s.color}"/>`)
    }
    out.push(`<line x1="${L + pw + 12}" x2="${L + pw + 36}" y1="${legendY}" y2="${legendY}" stroke="${s.color}" stroke-width="2"${dash}/>`)
    out.push(`<text x="${L + pw + 42}" y="${legendY + 4}">${esc(s.name)}</text>`)
    legendY += 20
  }
  out.push(`</svg>`)
  return out.join("\n") + "\n"
}
