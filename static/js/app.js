// Behaviour that would otherwise be inline handlers (the Content-Security-Policy allows no inline
// script): a select marked data-autosubmit submits its form when it changes.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});

// Dates are typed and shown as dd/mm/yyyy whatever the browser's language: every input marked
// data-datepicker (core.forms.DateInput / DateTimeInput, or a filter written by hand) is a text
// input that also opens the vendored flatpickr calendar in Vietnamese. Typing stays possible
// (allowInput); the server parses what is typed, so the page works without this script too.
function cchcDatePickers(root) {
  if (typeof window.flatpickr !== "function") {
    return;
  }
  var fields = (root || document).querySelectorAll("input[data-datepicker]:not(.flatpickr-input)");
  Array.prototype.forEach.call(fields, function (field) {
    var withTime = field.getAttribute("data-datepicker") === "datetime";
    window.flatpickr(field, {
      locale: (window.flatpickr.l10ns && window.flatpickr.l10ns.vn) || "default",
      dateFormat: withTime ? "d/m/Y H:i" : "d/m/Y",
      enableTime: withTime,
      time_24hr: true,
      allowInput: true,
      disableMobile: true,
      clickOpens: true,
      minDate: field.getAttribute("data-min") || null,
      maxDate: field.getAttribute("data-max") || null
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { cchcDatePickers(document); });
document.addEventListener("htmx:afterSwap", function (event) { cchcDatePickers(event.target); });
