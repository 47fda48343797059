// Safe actions (docs/web.md, "Safe actions"): a form or the button that submits it may carry
// data-confirm, the sentence naming what the action does; the form is sent only once the user
// agrees. A form with data-download (an export) is sent by fetch, so the file downloads and
// the page stays to tell the outcome, from that sentence and the export's numbers.
(function () {
  "use strict";

  function tell(text) {
    var box = document.getElementById("outcome");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
    box.scrollIntoView({block: "nearest"});
  }

  // the outcome is told once: reloading or bookmarking the page does not tell it again
  if (window.history.replaceState && /[?&]done=/.test(window.location.search)) {
    var url = new URL(window.location.href);
    url.searchParams.delete("done");
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  }

  function fileName(response) {
    var m = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
    return m ? m[1] : "download";
  }

  function number(response, header) {
    var n = parseInt(response.headers.get(header) || "", 10);
    return isNaN(n) ? "?" : String(n);
  }

  function download(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    fetch(form.action, {method: "POST", body: data, credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { form.submit(); return; }  // the server's error page says why
        return response.blob().then(function (blob) {
          var link = document.createElement("a");
          link.href = URL.createObjectURL(blob);
          link.download = fileName(response);
          document.body.appendChild(link);
          link.click();
          link.remove();
          tell(form.dataset.download
            .replace("{export}", number(response, "X-Export-Id"))
            .replace("{lines}", number(response, "X-Export-Lines"))
            .replace("{new}", number(response, "X-New-Credit-Notes")));
        });
      })
      .catch(function () { form.submit(); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (form.dataset.download !== undefined) {
      event.preventDefault();
      download(form, submitter);
    }
  });
})();
