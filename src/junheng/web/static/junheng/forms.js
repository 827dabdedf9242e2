// Forms in Chinese whatever the browser's language (html lang is not enough: a browser words its own
// validation bubbles, file buttons and date pickers in its user interface language).
// - Validation messages: each invalid field gets a Chinese message through setCustomValidity.
// - File inputs: the real input is visually hidden behind a "选择文件" button and the chosen file names.
// - Date inputs: a Chinese calendar (vendored flatpickr), still sending ISO dates (2025-08-31).
(function () {
  "use strict";

  function message(field) {
    var v = field.validity;
    if (v.valueMissing) {
      if (field.type === "file") { return "请选择要上传的文件"; }
      if (field.type === "checkbox") { return "请勾选此项"; }
      if (field.type === "radio" || field.tagName === "SELECT") { return "请选择一项"; }
      return "请填写此项";
    }
    if (v.badInput) {
      return field.type === "number" ? "请输入数字" : "请输入有效的值";
    }
    if (v.typeMismatch) {
      if (field.type === "email") { return "请输入有效的电子邮箱地址，如 name@example.cn"; }
      if (field.type === "url") { return "请输入有效的网址，如 https://example.cn"; }
      return "格式不正确";
    }
    if (v.patternMismatch) { return field.title ? "格式不正确：" + field.title : "格式不正确"; }
    if (v.tooLong) { return "最多 " + field.maxLength + " 个字符（现为 " + field.value.length + " 个）"; }
    if (v.tooShort) { return "至少 " + field.minLength + " 个字符（现为 " + field.value.length + " 个）"; }
    if (v.rangeUnderflow) { return "不能小于 " + field.min; }
    if (v.rangeOverflow) { return "不能大于 " + field.max; }
    if (v.stepMismatch) {
      return field.step === "1" || field.step === "" ? "请输入整数" : "请输入 " + field.step + " 的整数倍";
    }
    return "";
  }

  // The browser checks a field before a submit ("invalid") and when asked; the message is set then, and
  // cleared as soon as the field changes so that the browser checks it afresh.
  document.addEventListener("invalid", function (event) {
    var field = event.target;
    field.setCustomValidity("");
    if (!field.validity.valid) { field.setCustomValidity(message(field)); }
  }, true);
  ["input", "change"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      if (event.target.setCustomValidity) { event.target.setCustomValidity(""); }
    }, true);
  });

  function fileNames(input) {
    var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
    return names.length ? names.join("、") : "未选择文件";
  }

  document.querySelectorAll("input[type=file]").forEach(function (input) {
    var picker = document.createElement("label");
    picker.className = "file-picker";
    var button = document.createElement("span");
    button.className = "button";
    button.textContent = input.multiple ? "选择文件（可多选）" : "选择文件";
    var chosen = document.createElement("span");
    chosen.className = "file-name";
    chosen.textContent = fileNames(input);
    input.parentNode.insertBefore(picker, input);
    picker.appendChild(input);
    picker.appendChild(button);
    picker.appendChild(chosen);
    input.addEventListener("change", function () { chosen.textContent = fileNames(input); });
  });

  if (window.flatpickr) {
    document.querySelectorAll("input[type=date]").forEach(function (input) {
      var required = input.required;
      window.flatpickr(input, {
        locale: Object.assign({}, window.flatpickr.l10ns.zh, { firstDayOfWeek: 1 }),  // weeks begin on 周一
        dateFormat: "Y-m-d",
        allowInput: true,  // typing 2025-08-31 works too, and the browser still checks a required field
        disableMobile: true,  // a phone's own picker follows the phone's language
        minDate: input.min || null,
        maxDate: input.max || null,
      });
      input.placeholder = "如 2025-08-31";
      input.pattern = "\\d{4}-\\d{2}-\\d{2}";
      input.title = "请按“年-月-日”填写，如 2025-08-31";
      input.required = required;
    });
  }
})();
