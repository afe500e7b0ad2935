// Polls an enrolment job's status and updates the progress bar; reloads the
// page when the job ends so the results appear. Served as a static file: the
// site's Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || !box.dataset.statusUrl) { return; }
  var bar = box.querySelector("progress");
  var text = document.getElementById("job-progress-text");
  var fallback = document.getElementById("job-progress-refresh");
  if (fallback) { fallback.hidden = true; }
  var finished = ["succeeded", "refused", "failed"];

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (job) {
        var percent = Math.round(job.progress * 100);
        bar.value = percent;
        text.textContent = percent + "% (" + job.rows_done + " of " + job.rows_total + " rows, " + job.phase + ")";
        if (finished.indexOf(job.status) >= 0) { window.location.reload(); return; }
        window.setTimeout(poll, 1500);
      })
      .catch(function () {
        if (fallback) { fallback.hidden = false; }
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
}());
