/* Hotline's ticker as an EBU OGraf graphic (ticker.ograf.json): the show's
 * commitments with their deadlines, crawling, kept current from Hotline
 * (hotline-data.mjs). playAction() shows it, stopAction() takes it off.
 * Text only (textContent). */

import {OnAirFeed, adopt, targetStep, wait} from "./hotline-data.mjs";

const SPEED = 0.09; // of the screen's width per second

const CSS = `
:host { position: absolute; inset: 0; font-size: 2.2vh; pointer-events: none;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
.bar { position: absolute; left: 0; right: 0; bottom: 2%; display: flex; align-items: stretch;
  background: rgba(10, 28, 58, .92); color: #fff; opacity: 0; transition: opacity .35s ease; }
.bar.on { opacity: 1; }
.instant, .instant * { transition: none !important; }
.label { flex: none; padding: .45em 1em; background: #e5a00d; color: #0a1c3a; font-weight: 700; }
.window { position: relative; flex: 1; overflow: hidden; }
.track { position: absolute; top: 0; bottom: 0; display: flex; align-items: center; white-space: nowrap; margin: 0; }
.item { padding: 0 2.5em 0 0; }
`;

class HotlineTicker extends HTMLElement {
  constructor() {
    super();
    this.feed = new OnAirFeed((data) => this.show(data));
    this.step = undefined;
    this.parts = null;
    this.text = null;
    this.crawl = null;
  }

  async load(params) {
    if (params.renderType && params.renderType !== "realtime") {
      return {statusCode: 400, statusMessage: "Only real-time rendering is supported"};
    }
    const root = this.shadowRoot || this.attachShadow({mode: "open"});
    root.replaceChildren();
    adopt(root, CSS);
    const bar = document.createElement("div");
    bar.className = "bar";
    bar.setAttribute("part", "bar");
    const label = document.createElement("span");
    label.className = "label";
    const view = document.createElement("div");
    view.className = "window";
    const track = document.createElement("p");
    track.className = "track";
    view.append(track);
    bar.append(label, view);
    root.append(bar);
    this.parts = {bar, label, view, track};
    if (!this.feed.configure(params.data)) {
      return {statusCode: 400, statusMessage: "Set `show`: the id of the Hotline show"};
    }
    try {
      await this.feed.fetchOnce();
    } catch (e) {
      return {statusCode: 502, statusMessage: String(e.message || e)};
    }
    this.feed.start();
    return {statusCode: 200};
  }

  show(data) {
    if (!this.parts) return;
    const ticker = (data && data.ticker) || {label: "", items: []};
    this.parts.label.textContent = ticker.label || "";
    const text = ticker.items.map((item) => item.text).join("\n");
    if (text !== this.text) { // new items: a new crawl (an unchanged poll leaves it running)
      this.text = text;
      this.parts.track.replaceChildren(...ticker.items.map((item) => {
        const span = document.createElement("span");
        span.className = "item";
        span.textContent = item.text;
        return span;
      }));
      this.restart();
    }
    this.parts.bar.classList.toggle("on", this.step !== undefined && ticker.items.length > 0);
  }

  restart() {
    if (this.crawl) this.crawl.cancel();
    const {view, track} = this.parts;
    const from = view.clientWidth || window.innerWidth;
    const distance = from + track.scrollWidth;
    const perSecond = Math.max(1, (window.innerWidth || 1920) * SPEED);
    this.crawl = track.animate(
      [{transform: `translateX(${from}px)`}, {transform: `translateX(${-track.scrollWidth}px)`}],
      {duration: (distance / perSecond) * 1000, iterations: Infinity},
    );
  }

  async playAction(params = {}) {
    const target = targetStep(this.step, params, 1);
    if (target === undefined) {
      await this.stopAction(params);
      return {statusCode: 200, currentStep: undefined};
    }
    this.step = target;
    this.classList.toggle("instant", Boolean(params.skipAnimation));
    this.show(this.feed.last);
    if (!params.skipAnimation) await wait(350);
    return {statusCode: 200, currentStep: this.step};
  }

  async stopAction(params = {}) {
    this.step = undefined;
    this.classList.toggle("instant", Boolean(params.skipAnimation));
    this.show(this.feed.last);
    if (!params.skipAnimation) await wait(350);
    return {statusCode: 200};
  }

  async updateAction(params = {}) {
    if (!this.feed.configure(params.data)) return {statusCode: 400, statusMessage: "Set `show`"};
    try {
      await this.feed.fetchOnce();
    } catch (e) {
      return {statusCode: 502, statusMessage: String(e.message || e)};
    }
    this.feed.start();
    return {statusCode: 200};
  }

  async customAction(params = {}) {
    return {statusCode: 404, statusMessage: `No custom action ${params.id}`};
  }

  async dispose() {
    this.feed.stop();
    if (this.crawl) this.crawl.cancel();
    if (this.shadowRoot) this.shadowRoot.replaceChildren();
    this.parts = null;
    this.text = null;
    return {statusCode: 200};
  }
}

export default HotlineTicker;
