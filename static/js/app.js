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
// A typed date that does not exist (31/02/2026) is kept as typed for the server to refuse with
// its message, never rolled over to another day (flatpickr's own parser gives 03/03/2026).
function cchcStrictDate(text) {
  var m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?\s*$/.exec(text || "");
  var iso = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(text || "");
  var day, month, year, hour, minute;
  if (m) {
    day = +m[1]; month = +m[2]; year = +m[3]; hour = m[4] ? +m[4] : 0; minute = m[5] ? +m[5] : 0;
  } else if (iso) {
    year = +iso[1]; month = +iso[2]; day = +iso[3]; hour = iso[4] ? +iso[4] : 0; minute = iso[5] ? +iso[5] : 0;
  } else {
    return undefined;
  }
  var date = new Date(year, month - 1, day, hour, minute);
  var exists = date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day;
  return exists && hour < 24 && minute < 60 ? date : undefined;
}

function cchcDatePickers(root) {
  if (typeof window.flatpickr !== "function") {
    return;
  }
  var fields = (root || document).querySelectorAll("input[data-datepicker]:not(.flatpickr-input)");
  Array.prototype.forEach.call(fields, function (field) {
    var withTime = field.getAttribute("data-datepicker") === "datetime";
    // Before flatpickr reads the field on leaving it: what was typed, to put back if it was no date.
    field.addEventListener("blur", function () {
      var typed = field.value;
      window.setTimeout(function () {
        if (!field.value && typed.trim()) {
          field.value = typed;
        }
      }, 0);
    }, true);
    window.flatpickr(field, {
      locale: (window.flatpickr.l10ns && window.flatpickr.l10ns.vn) || "default",
      dateFormat: withTime ? "d/m/Y H:i" : "d/m/Y",
      parseDate: cchcStrictDate,
      enableTime: withTime,
      time_24hr: true,
      allowInput: true,
      disableMobile: true,
      minDate: field.getAttribute("data-min") || null,
      maxDate: field.getAttribute("data-max") || null
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { cchcDatePickers(document); });
document.addEventListener("htmx:afterSwap", function (event) { cchcDatePickers(event.target); });

// A paper form's print page (procedures: Mẫu 01-06): its "In" button, hidden without script, prints.
document.addEventListener("DOMContentLoaded", function () {
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});

// A form whose typed text must not be lost (data-unsaved="<message>", e.g. the report's page):
// leaving the page with unsaved changes asks first, and the forms marked
// data-needs-saved="<that form's id>" (the report's file buttons, which make the file from the
// saved report) refuse with the message while it has unsaved changes.
document.addEventListener("DOMContentLoaded", function () {
  Array.prototype.forEach.call(document.querySelectorAll("form[data-unsaved][id]"), function (form) {
    var dirty = false;
    var message = form.getAttribute("data-unsaved");
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
    var selector = 'form[data-needs-saved="' + form.id + '"]';
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (other) {
      other.addEventListener("submit", function (event) {
        if (dirty) { event.preventDefault(); event.stopImmediatePropagation(); window.alert(message); }
      }, true);
      other.addEventListener("htmx:confirm", function (event) {
        if (dirty) { event.preventDefault(); window.alert(message); }
      });
    });
  });
});
