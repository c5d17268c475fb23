// Behaviour that would otherwise be inline handlers (the Content-Security-Policy allows no inline
// script): a select marked data-autosubmit submits its form when it changes.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) {
    field.form.submit();
  }
});
