/* Hotline: passkeys (WebAuthn) for the second step of signing in.
 *
 * A form marked data-passkey="create" (adding one, /auth/factors) or "get"
 * (signing in, /auth/verify) carries the server's options as JSON in
 * data-options. On submit we ask the browser for the passkey, put its answer
 * (JSON, binary fields in base64url) in the form's "credential" field and
 * send the form as usual; the server checks it. Static file, no inline
 * script: the CSP stays strict. Without WebAuthn the passkey parts stay hidden.
 */
(() => {
  "use strict";

  function fromBase64url(text) {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    const bytes = new Uint8Array(buffer);
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  const withBinaryId = (c) => Object.assign({}, c, { id: fromBase64url(c.id) });

  function creationOptions(json) {
    const options = JSON.parse(json);
    options.challenge = fromBase64url(options.challenge);
    options.user.id = fromBase64url(options.user.id);
    options.excludeCredentials = (options.excludeCredentials || []).map(withBinaryId);
    return options;
  }

  function requestOptions(json) {
    const options = JSON.parse(json);
    options.challenge = fromBase64url(options.challenge);
    options.allowCredentials = (options.allowCredentials || []).map(withBinaryId);
    return options;
  }

  // The browser's answer as py_webauthn reads it.
  function answer(credential) {
    const r = credential.response;
    const out = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(r.clientDataJSON) },
    };
    if (credential.authenticatorAttachment) {
      out.authenticatorAttachment = credential.authenticatorAttachment;
    }
    if (r.attestationObject) {
      out.response.attestationObject = toBase64url(r.attestationObject);
      if (r.getTransports) out.response.transports = r.getTransports();
    } else {
      out.response.authenticatorData = toBase64url(r.authenticatorData);
      out.response.signature = toBase64url(r.signature);
      if (r.userHandle) out.response.userHandle = toBase64url(r.userHandle);
    }
    return JSON.stringify(out);
  }

  document.addEventListener("submit", async (evt) => {
    const form = evt.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.passkey) return;
    const field = form.querySelector('input[name$="credential"]');
    const status = form.querySelector("[data-passkey-status]");
    evt.preventDefault();
    if (status) status.hidden = true;
    try {
      const credential =
        form.dataset.passkey === "create"
          ? await navigator.credentials.create({ publicKey: creationOptions(form.dataset.options) })
          : await navigator.credentials.get({ publicKey: requestOptions(form.dataset.options) });
      field.value = answer(credential);
      form.submit(); // no submit event this time: straight to the server
    } catch (err) {
      if (status) {
        status.textContent = form.dataset.msgFailed || String(err);
        status.hidden = false;
      }
    }
  });

  function reveal() {
    if (!window.PublicKeyCredential || !navigator.credentials) return;
    for (const el of document.querySelectorAll("[data-passkey-only]")) el.hidden = false;
    for (const el of document.querySelectorAll("[data-passkey-missing]")) el.hidden = true;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", reveal);
  else reveal();
  document.addEventListener("htmx:load", reveal);
})();
