// Opens each page in headless Chromium (Debian's /usr/bin/chromium) and checks what a person
// sees: the map and charts are drawn, no console error, no request leaves the server, and
// axe-core finds no WCAG 2.1 AA violation. Saves a full-page screenshot of each page.
//
// usage: node check.mjs BASE_URL SCREENSHOT_DIR name=/path [name=/path …]
// Prints one JSON report; exits 1 when any check fails.

import { chromium } from "playwright-core";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const [base, shots, ...pages] = process.argv.slice(2);
const origin = new URL(base).origin;

// What each page must show: CSS selector → minimum count.
const expectations = {
  // The start page lists the opvallende veranderingen of the last period, each a link.
  start: { 'table:has(caption:has-text("Opvallende veranderingen")) tbody tr a[href^="/gebied/"]': 1 },
  verkenner: { "svg.kaart path": 3, "table tbody tr": 2, "ul.legenda li": 3, "p.bronvermelding": 1 },
  // The demo's 145 real CBS wijken of the 16 gemeenten, with the sources named under the map.
  verkenner_wijk: { "svg.kaart path": 145, "p.bronvermelding": 1 },
  // The map mode "vergelijking met de regio": three classes by pattern as well as colour.
  // plus Spiegelhalter's funnel plot: one dot per wijk with a tooltip.
  verkenner_vergelijking: { "svg.kaart path": 145, "svg.kaart pattern": 3, "ul.legenda li": 4, "svg.trechterplot circle title": 100 },
  // Intervals as whiskers, the opvallend change circled, the funnel plot with this area ringed.
  // … and the signals by source, the partners' victim notifications named as such.
  gebied: { "svg.grafiek": 3, "ul.kpi li": 3, "path.interval": 10, "circle.opvallend": 1, "svg.trechterplot": 1,
            'section:has(h2:has-text("Signalen per bron")) td:has-text("slachtoffermelding")': 1 },
  // … among the key figures the victims of the last year with a delivery and the share under 18
  // (issue 33).
  // … the key figures of the latest complete half-year (issue 34): the stand at its end and its
  // signals.
  college: { "svg.grafiek": 3, "ul.kpi li": 3, 'ul.kpi li:has-text("Slachtoffers")': 2,
             'ul.kpi li:has-text("2e halfjaar 2024")': 4 },
  vergelijking: { "svg.grafiek": 1, "table tbody tr": 2 },
  // One section per part (five and the risk picture) with its figures, the key figures, the
  // funnel, the years and efforts beside outcomes.
  jaarevaluatie: { "ul.kpi li": 3, "table tbody tr": 20, "svg.grafiek": 3, "section.onderdeel": 6,
                   'section.paneel:has(h3:has-text("Signalen per bron")) tbody tr': 12,
                   // The victims: the total and the four one-way breakdowns (1 + 7 + 7 + 5 + 4).
                   'section.paneel:has(h3:has-text("Slachtoffers gemeld")) tbody tr': 24,
                   // Issue 34, Rijswijk 2024 (the demo's plan, pipeline/demo/plan.rs): goals
                   // reached and missed, its nine actions, its three findings texts.
                   'td:text-is("bereikt")': 1, 'td:text-is("niet bereikt")': 1,
                   'section.paneel:has(h3:has-text("Acties uit het plan")) tbody tr': 9,
                   'section.paneel:has(h3:text-is("Bevindingen")) div.tekst': 3,
                   'p:has-text("doelen bereikt")': 5 },
  jaarevaluatie_district: { "ul.kpi li": 3, "table tbody tr": 20, "svg.grafiek": 2 },
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
});
const report = [];
let failed = false;
try {
  for (const spec of pages) {
    const [name, route] = spec.split(/=(.*)/s);
    // bypassCSP only so that axe can be injected; the page itself runs under the server's CSP.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const consoleErrors = [];
    const foreign = [];
    page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    page.on("request", (r) => {
      const u = r.url();
      if (!u.startsWith(origin) && !u.startsWith("data:")) foreign.push(u);
    });
    const response = await page.goto(base + route, { waitUntil: "load" });
    const counts = {};
    for (const [selector, min] of Object.entries(expectations[name] || {})) {
      counts[selector] = { found: await page.locator(selector).count(), min };
    }
    await page.addScriptTag({ content: axeSource });
    const axe = await page.evaluate(async () =>
      // eslint-disable-next-line no-undef
      await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
    const violations = axe.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
    const shot = path.join(shots, `${name}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    const missing = Object.entries(counts).filter(([, c]) => c.found < c.min);
    // The college summary prints on one A4 page (print stylesheet).
    let printedPages = null;
    // The yearly evaluation prints on at most one A4 page per part (five parts, key figures
    // and the risk picture: seven).
    const maxPages = { college: 1, jaarevaluatie: 7, jaarevaluatie_district: 7 }[name];
    if (maxPages) {
      const pdf = await page.pdf({ format: "A4", preferCSSPageSize: true, path: path.join(shots, `${name}.pdf`) });
      printedPages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
    }
    const ok = response.status() === 200 && consoleErrors.length === 0 && foreign.length === 0
      && violations.length === 0 && missing.length === 0 && (printedPages === null || (printedPages >= 1 && printedPages <= maxPages));
    failed ||= !ok;
    report.push({ name, route, status: response.status(), ok, consoleErrors, foreign, violations, counts, printedPages, screenshot: shot });
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
process.exit(failed ? 1 : 0);
