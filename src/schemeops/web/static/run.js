// Poll the run's progress every second; reload the page when it has finished.
(function () {
  var box = document.getElementById("progress");
  if (!box) return;
  var url = "/runs/" + box.dataset.run + "/progress";
  function tick() {
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (p) {
      document.getElementById("step").textContent = p.step || p.status;
      document.getElementById("bar").value = p.progress;
      if (p.status === "succeeded" || p.status === "failed") { window.location.reload(); }
      else { setTimeout(tick, 1000); }
    }).catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 1000);
})();
