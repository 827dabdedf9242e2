// The what-if view: each change to a school's figures is posted (debounced, with the CSRF token) to
// planning:whatif-evaluate, which evaluates the county in memory and answers with the school's values
// and rule and the county's coefficients. Nothing is stored.
(function () {
  "use strict";
  const form = document.querySelector("form[data-whatif-url]");
  if (!form) return;
  const DELAY_MS = 400;
  const url = form.dataset.whatifUrl;
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const errors = form.querySelector("[data-whatif-errors]");
  const schoolBox = document.querySelector("[data-whatif-school]");
  const countyBox = document.querySelector("[data-whatif-county]");
  let timer = null;
  let latest = 0;

  function element(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function table(headers, rows) {
    const result = element("table", null, "figures");
    const head = result.createTHead().insertRow();
    headers.forEach((h) => head.appendChild(element("th", h)));
    const body = result.createTBody();
    rows.forEach((cells) => {
      const row = body.insertRow();
      if (cells.bad) row.className = "bad";
      cells.values.forEach((value) => row.appendChild(element("td", value)));
    });
    return result;
  }

  function showSchool(school) {
    const nodes = [];
    school.parts.forEach((part) => {
      nodes.push(element("h3", part.label));
      nodes.push(element("p", part.rule, part.passed ? "good" : "bad"));
      nodes.push(table(["指标", "实际值", "达标值", "基本值", "是否达标"], part.rows.map((r) => ({
        bad: r.above_floor === false,
        values: [r.indicator, r.value, r.threshold, r.floor, r.met],
      }))));
    });
    schoolBox.replaceChildren(...nodes);
  }

  function showCounty(county) {
    countyBox.replaceChildren(
      element("p", county.verdict, county.passed ? "good" : "bad"),
      table(["学段", "指标", "差异系数", "限值", "是否达标"], county.coefficients.map((c) => ({
        bad: c.passed === false,
        values: [c.level, c.indicator, c.cv_text, c.limit === null ? "—" : c.limit, c.passed ? "达标" : "未达标"],
      }))),
    );
  }

  async function evaluate() {
    const asked = ++latest;
    const response = await fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": token },
      body: new FormData(form),
      credentials: "same-origin",
    });
    if (asked !== latest) return; // an older answer arriving after a newer question
    const answer = await response.json();
    if (response.status === 422) {
      errors.replaceChildren(...answer.errors.map((e) => element("li", e.message)));
      return;
    }
    errors.replaceChildren();
    showSchool(answer.school);
    showCounty(answer.county);
  }

  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(evaluate, DELAY_MS);
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); evaluate(); });
  evaluate();
})();
