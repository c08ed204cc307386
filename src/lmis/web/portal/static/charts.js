/* Analytics charts: "PNG image" buttons draw a chart's inline SVG on a canvas and download it; the operations page
   updates its figures every minute (with a button to pause). Progressive enhancement only: without this script
   every chart still has its SVG and CSV downloads and its data table, and the operations page a Refresh link. */
(function () {
  "use strict";

  function svgOf(key) {
    var holder = document.querySelector('.chart-image[data-chart="' + key + '"]');
    return holder ? holder.querySelector("svg") : null;
  }

  function savePng(button) {
    var svg = svgOf(button.getAttribute("data-chart"));
    if (!svg || !window.XMLSerializer) { return; }
    var width = Number(svg.getAttribute("width")) || 720;
    var height = Number(svg.getAttribute("height")) || 320;
    var markup = new XMLSerializer().serializeToString(svg);
    var image = new Image();
    image.onload = function () {
      var scale = 2;
      var canvas = document.createElement("canvas");
      canvas.width = width * scale;
      canvas.height = height * scale;
      var context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        if (!blob) { return; }
        var url = URL.createObjectURL(blob);
        var link = document.createElement("a");
        link.href = url;
        link.download = button.getAttribute("data-filename") || "chart.png";
        document.body.appendChild(link);
        link.click();
        link.remove();
        window.setTimeout(function () { URL.revokeObjectURL(url); }, 2000);
      }, "image/png");
    };
    // The page's CSP allows images from data: URLs (img-src 'self' data:).
    image.src = "data:image/svg+xml;base64," + window.btoa(unescape(encodeURIComponent(markup)));
  }

  function enablePng() {
    var buttons = document.querySelectorAll("button.png-download");
    Array.prototype.forEach.call(buttons, function (button) {
      if (button.getAttribute("data-bound")) { return; }
      button.setAttribute("data-bound", "1");
      button.addEventListener("click", function () { savePng(button); });
      var item = button.closest(".png-item");
      if (item) { item.hidden = false; }
    });
  }

  function followLive() {
    var live = document.getElementById("live");
    if (!live || !window.fetch || !window.DOMParser) { return; }
    var seconds = Math.max(15, Number(live.getAttribute("data-live")) || 60);
    var toggle = document.getElementById("live-toggle");
    var paused = false;
    if (toggle) {
      toggle.closest(".live-controls").hidden = false;
      toggle.addEventListener("click", function () {
        paused = !paused;
        toggle.textContent = toggle.getAttribute(paused ? "data-resume" : "data-pause");
        toggle.setAttribute("aria-pressed", paused ? "true" : "false");
      });
    }
    window.setInterval(function () {
      if (paused || document.hidden) { return; }
      window.fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (text) {
          if (!text) { return; }
          var fresh = new DOMParser().parseFromString(text, "text/html");
          var content = fresh.getElementById("live");
          var status = fresh.getElementById("live-status");
          if (content) { live.innerHTML = content.innerHTML; enablePng(); }
          var here = document.getElementById("live-status");
          if (status && here) { here.textContent = status.textContent; }
        })
        .catch(function () { /* the next round tries again */ });
    }, seconds * 1000);
  }

  enablePng();
  followLive();
})();
