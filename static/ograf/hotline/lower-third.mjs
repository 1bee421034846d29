/* Hotline's lower third as an EBU OGraf graphic (lower-third.ograf.json):
 * whatever the desk put on air for a show (a call, a commitment, the earlier
 * promise, a 回音壁 item, a voters' topic) with its verification code (核验码),
 * read from Hotline (hotline-data.mjs). playAction() shows it while there is
 * something on air; stopAction() takes it off. Text only (textContent): what
 * Hotline sends is never parsed as HTML. */

import {OnAirFeed, adopt, targetStep, wait} from "./hotline-data.mjs";

const CSS = `
:host { position: absolute; inset: 0; font-size: 2.4vh; pointer-events: none;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
.card { position: absolute; left: 5%; right: 5%; bottom: 7%; padding: .7em 1.2em;
  background: rgba(10, 28, 58, .92); color: #fff; border-left: .35em solid #e5a00d; border-radius: .3em;
  opacity: 0; transform: translateY(1.5em); transition: opacity .35s ease, transform .35s ease; }
.card.on { opacity: 1; transform: none; }
.instant, .instant * { transition: none !important; }
p { margin: 0; line-height: 1.35; }
.kicker { font-size: .85em; color: #ffd37a; }
.headline { font-size: 1.45em; font-weight: 700; }
.detail { font-size: .95em; }
.code { font-size: .75em; opacity: .85; margin-top: .2em; }
p:empty { display: none; }
`;

class HotlineLowerThird extends HTMLElement {
  constructor() {
    super();
    this.feed = new OnAirFeed((data) => this.show(data));
    this.step = undefined;
    this.parts = null;
  }

  async load(params) {
    if (params.renderType && params.renderType !== "realtime") {
      return {statusCode: 400, statusMessage: "Only real-time rendering is supported"};
    }
    const root = this.shadowRoot || this.attachShadow({mode: "open"});
    root.replaceChildren();
    adopt(root, CSS);
    const card = document.createElement("div");
    card.className = "card";
    card.setAttribute("part", "card");
    const parts = {card};
    for (const name of ["kicker", "headline", "detail", "code"]) {
      parts[name] = document.createElement("p");
      parts[name].className = name;
      card.append(parts[name]);
    }
    root.append(card);
    this.parts = parts;
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
    const card = (data && data.lower_third) || null;
    for (const name of ["kicker", "headline", "detail"]) this.parts[name].textContent = card ? card[name] || "" : "";
    this.parts.code.textContent = card ? card.code_text || "" : "";
    this.dataset.kind = card ? card.kind : "";
    this.parts.card.classList.toggle("on", this.step !== undefined && card !== null);
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
    if (this.shadowRoot) this.shadowRoot.replaceChildren();
    this.parts = null;
    return {statusCode: 200};
  }
}

export default HotlineLowerThird;
