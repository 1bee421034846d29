/* Hotline's live data for its OGraf graphics (lower-third.mjs, ticker.mjs;
 * docs/ograf.md). A graphic polls its show's on-air JSON
 * (/shows/<show>/on-air.json?lang=…) every few seconds; the browser
 * revalidates it with its ETag, so an unchanged answer costs a 304. Polling
 * over plain HTTP works in every renderer (SPX, CasparCG, OBS, a browser)
 * behind any proxy, and needs no library. */

export const DEFAULTS = Object.freeze({server: "", show: 0, lang: "zh_CN", pollSeconds: 2});

/** The Hotline to ask: `server` as given, else the one that served this module. */
export function serverOf(settings) {
  const given = String(settings.server || "").trim();
  const base = given || new URL("../../../", import.meta.url).href; // static/ograf/hotline/ → /
  return base.replace(/\/+$/, "");
}

/** The step a playAction() goes to (OGraf's step model); undefined: to the end. */
export function targetStep(current, params, stepCount) {
  const {goto, delta} = params || {};
  const target = goto !== undefined ? goto : (current === undefined ? -1 : current) + (delta === undefined ? 1 : delta);
  return target >= stepCount ? undefined : Math.max(0, target);
}

/** A graphic's styles, in its shadow root (a constructed sheet where supported). */
export function adopt(root, css) {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch (e) {
    const style = document.createElement("style");
    style.textContent = css;
    root.append(style);
  }
}

export const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The show's on-air data, fetched now and then every `pollSeconds`. */
export class OnAirFeed {
  constructor(onData) {
    this.onData = onData;
    this.settings = {...DEFAULTS};
    this.timer = null;
    this.last = null;
  }

  configure(data) {
    this.settings = {...this.settings, ...(data || {})};
    return Number(this.settings.show) > 0;
  }

  url() {
    const {show, lang} = this.settings;
    return `${serverOf(this.settings)}/shows/${encodeURIComponent(show)}/on-air.json?lang=${encodeURIComponent(lang || "zh_CN")}`;
  }

  async fetchOnce() {
    const response = await fetch(this.url(), {cache: "no-cache", credentials: "omit"});
    if (!response.ok) throw new Error(`Hotline answered ${response.status}`);
    this.last = await response.json();
    this.onData(this.last);
    return this.last;
  }

  start() {
    this.stop();
    const seconds = Math.max(1, Number(this.settings.pollSeconds) || DEFAULTS.pollSeconds);
    this.timer = setInterval(() => { this.fetchOnce().catch(() => { /* kept: the last data */ }); }, seconds * 1000);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
  }
}
