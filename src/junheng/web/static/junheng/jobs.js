// A background job's progress (jobs/_progress.html): the status is asked for every 1.5 s and its step,
// stage and seconds shown; when the job has finished or failed the page is loaded again, so that the
// server shows the result as it does after any reload. A form marked data-job-form disables its button
// on submit, so that a second click does not queue the work twice.
(function () {
  "use strict";
  const INTERVAL_MS = 1500;

  for (const form of document.querySelectorAll("form[data-job-form]")) {
    form.addEventListener("submit", () => {
      for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
    });
  }

  for (const box of document.querySelectorAll("[data-job-status][data-job-active='1']")) {
    const url = box.dataset.jobStatus;
    const show = (name, value) => {
      const shown = box.querySelector(`[data-job-${name}]`);
      if (shown) shown.textContent = value; // a page whose stage counts for itself shows no step
    };
    const bar = box.querySelector("progress");

    async function poll() {
      let status;
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        if (!response.ok) throw new Error(String(response.status));
        status = await response.json();
      } catch (_) {
        show("stage", "暂时无法获取进度，正在重试…");
        window.setTimeout(poll, INTERVAL_MS * 2);
        return;
      }
      if (!status.active) {
        window.location.reload();
        return;
      }
      show("label", status.label);
      show("stage", status.stage || "等待后台任务程序开始处理");
      show("step", String(status.step));
      show("steps", String(status.steps));
      show("seconds", String(status.seconds));
      if (bar) {
        bar.max = status.steps;
        bar.value = status.step;
      }
      window.setTimeout(poll, INTERVAL_MS);
    }
    window.setTimeout(poll, INTERVAL_MS);
  }
})();
