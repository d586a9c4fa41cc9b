// deskpilot console: the live feed over server-sent events. No framework, no build step.
(function () {
  "use strict";
  var body = document.getElementById("feed");
  if (!body || !window.EventSource) { return; }
  var state = document.getElementById("feed-state");
  var MAX_ROWS = 200;
  var source = new EventSource("/feed/events?after=" + encodeURIComponent(body.dataset.after || "$"));
  function cell(row, text, href) {
    var td = document.createElement("td");
    if (href) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      td.appendChild(a);
    } else {
      td.textContent = text;
    }
    row.appendChild(td);
  }
  source.onopen = function () { state.textContent = "live"; state.className = "badge ok"; };
  source.onerror = function () { state.textContent = "reconnecting"; state.className = "badge warn"; };
  source.onmessage = function (message) {
    var data = JSON.parse(message.data);
    var row = document.createElement("tr");
    row.className = data.kind + " new";
    cell(row, data.at);
    cell(row, data.ticket, "/ticket?q=" + encodeURIComponent(data.ticket));
    cell(row, data.rule || "");
    cell(row, data.text);
    body.insertBefore(row, body.firstChild);
    while (body.rows.length > MAX_ROWS) { body.deleteRow(body.rows.length - 1); }
  };
}());
