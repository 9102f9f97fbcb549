// The report's one button: print (or "Save as PDF" in the browser's print dialog). Shown only when
// script runs, so a copy opened without the service has no dead button.
document.addEventListener('DOMContentLoaded', () => {
  const button = document.getElementById('print-report');
  if (button) {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  }
});
