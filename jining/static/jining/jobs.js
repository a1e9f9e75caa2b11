// The jobs page (任务): refresh the progress of running jobs every second; reload when one ends.
(function () {
  "use strict";
  function poll(box) {
    var url = box.getAttribute("data-status-url");
    var bar = box.querySelector("progress");
    var text = box.querySelector(".job-progress-text");
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          if (data.percent === null) { bar.removeAttribute("value"); } else { bar.value = data.percent; }
          text.textContent = data.text;
          if (data.finished) { window.location.reload(); } else { window.setTimeout(tick, 1000); }
        })
        .catch(function () { window.setTimeout(tick, 3000); });
    }
    window.setTimeout(tick, 1000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".job-progress[data-finished='0']").forEach(poll);
  });
})();
