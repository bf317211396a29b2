// Forms that explain themselves: a refused form stays on screen with what was typed, and each
// problem appears next to its field (in the page's language, from the server's error page).
// Without this script the browser shows the error page instead.
"use strict";

function clearProblems(form) {
  form.querySelectorAll(".field-error, .form-error").forEach((node) => node.remove());
  form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
}

function showProblems(form, refusal) {
  clearProblems(form);
  let first = null;
  const general = [];
  refusal.querySelectorAll("[data-field]").forEach((item, index) => {
    const field = form.elements.namedItem(item.dataset.field);
    const input = field && (field.length !== undefined && !field.tagName ? field[0] : field);
    const text = item.textContent.replace(/^[^:]*:\s*/, "");
    if (!input || input.type === "hidden") {
      general.push(item.textContent);
      return;
    }
    const note = document.createElement("p");
    note.className = "field-error error";
    note.id = `problem-${index}-${item.dataset.field}`;
    note.textContent = text;
    const anchor = input.closest("label") || input;
    anchor.insertAdjacentElement("afterend", note);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", note.id);
    first = first || input;
  });
  const message = refusal.querySelector(".error-message");
  if (message) general.push(message.textContent);
  const offers = refusal.querySelectorAll(".error-action");
  if (general.length || offers.length) {
    const note = document.createElement("p");
    note.className = "form-error error";
    note.setAttribute("role", "alert");
    note.textContent = general.join(" ");
    offers.forEach((offer) => note.append(" ", document.importNode(offer, true)));
    form.insertAdjacentElement("afterbegin", note);
    first = first || note;
  }
  if (first) {
    first.scrollIntoView({ block: "center" });
    if (first.focus) first.focus();
  }
}

// Only forms where something is typed or chosen can be refused for a field; a form of buttons
// (accept, approve, mark done) submits as the browser does.
const ENTRY = "input:not([type=hidden]):not([type=submit]):not([type=checkbox]):not([type=radio]), select, textarea";

async function submitInPlace(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method !== "post" || "plain" in form.dataset
      || !form.querySelector(ENTRY)) {
    return;
  }
  event.preventDefault();
  const submitter = event.submitter;
  const data = new FormData(form, submitter);
  const body = form.enctype === "multipart/form-data" ? data : new URLSearchParams(data);
  if (submitter) submitter.disabled = true;
  try {
    const response = await fetch(form.action, { method: "POST", body, credentials: "same-origin" });
    const html = await response.text();
    const page = new DOMParser().parseFromString(html, "text/html");
    const refusal = page.querySelector("#refusal[data-status='422']");
    if (refusal) {
      showProblems(form, refusal);
    } else if (response.redirected) {
      window.location.assign(response.url);
    } else {
      document.open();
      document.write(html);
      document.close();
    }
  } catch (error) {
    form.submit(); // the network failed: let the browser try and show what happens
  } finally {
    if (submitter) submitter.disabled = false;
  }
}

document.addEventListener("submit", submitInPlace);
