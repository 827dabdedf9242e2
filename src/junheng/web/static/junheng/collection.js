// Checking a school's figures as the clerk types: the form is posted (debounced, with the CSRF token) to
// collection:validate, which answers with the importer's own messages per field. Without JavaScript the
// same messages appear next to the fields after 保存, so this only brings them sooner. The answer also
// carries the plausibility warnings (junheng.plausibility), shown beside the fields; they never block.
// A figure carried from last year loses its 沿用上年 mark once the clerk changes it; after a save with
// errors the cursor goes to the first field in error.
(function () {
  "use strict";
  const form = document.querySelector("form[data-validate-url]");
  if (!form) return;
  const DELAY_MS = 400;
  const url = form.dataset.validateUrl;
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const summary = form.querySelector("[data-validation-summary]");
  const general = form.querySelector("[data-general-errors]");
  const slots = Array.from(form.querySelectorAll("[data-errors-for]"));
  const warningSlots = Array.from(form.querySelectorAll("[data-warnings-for]"));
  // Fields the clerk has been to, and those the server already marked: an empty field nobody has reached
  // yet is not filled in rather than wrong, so its "不能为空" waits until the clerk gets there.
  const touched = new Set(slots.filter((slot) => slot.textContent.trim()).map((slot) => slot.dataset.errorsFor));
  let timer = null;
  let latest = 0;

  function lines(messages) {
    return messages.flatMap((message, i) => (i ? [document.createElement("br"), message] : [message]));
  }

  function warn(warnings) {
    for (const slot of warningSlots) slot.replaceChildren(...lines(warnings[slot.dataset.warningsFor] || []));
  }

  function show(errors, generalMessages) {
    let count = 0;
    for (const slot of slots) {
      const key = slot.dataset.errorsFor;
      const input = form.elements.namedItem(key);
      const shown = touched.has(key) || (input !== null && input.value.trim() !== "") ? errors[key] || [] : [];
      slot.replaceChildren(...lines(shown));
      if (input !== null) input.setAttribute("aria-invalid", shown.length ? "true" : "false");
      count += shown.length;
    }
    general.replaceChildren(
      ...generalMessages.map((message) => {
        const p = document.createElement("p");
        p.className = "error";
        p.textContent = message;
        return p;
      }),
    );
    count += generalMessages.length;
    summary.textContent = count ? `还有 ${count} 处需要修改` : "已检查，暂未发现问题";
  }

  async function check() {
    const ticket = ++latest;
    try {
      const response = await fetch(url, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-CSRFToken": token, "X-Requested-With": "XMLHttpRequest" },
        credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      const answer = await response.json();
      if (ticket === latest) {
        show(answer.errors, answer.general);
        warn(answer.warnings || {});
      }
    } catch {
      if (ticket === latest) summary.textContent = "暂时无法即时检查；保存时仍会检查全部数据";
    }
  }

  function schedule(event) {
    const name = event.target.name;
    if (!name || name === "reason") return;
    touched.add(name);
    const carried = form.querySelector(`[data-carried-for="${CSS.escape(name)}"]`);
    if (carried) carried.remove();
    clearTimeout(timer);
    timer = setTimeout(check, DELAY_MS);
  }

  if (document.querySelector("[data-error-summary]")) {
    const first = form.querySelector("[aria-invalid=true]");
    if (first) {
      first.focus();
      first.scrollIntoView({ block: "center" });
    }
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
