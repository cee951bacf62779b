// live.js keeps a headlines page current: it follows the page's live
// stream (#live's data-events) and inserts, updates and removes the
// headlines of the list (#headlines) as articles are posted, edited and
// deleted. #live's data-live says whether the stream is open.
(function () {
  "use strict";
  var live = document.getElementById("live");
  var list = document.getElementById("headlines");
  if (!live || !list || !window.EventSource) return;
  var d = live.dataset;
  var text = live.querySelector(".live-text");
  var fmt;
  try {
    fmt = new Intl.DateTimeFormat(document.documentElement.lang, {
      dateStyle: "long", timeStyle: "short", timeZone: d.tz || undefined
    });
  } catch (e) {
    fmt = new Intl.DateTimeFormat(undefined, { dateStyle: "long", timeStyle: "short" });
  }

  function state(on) {
    live.setAttribute("data-live", on ? "on" : "off");
    if (text) text.textContent = on ? d.textOn : d.textOff;
  }

  // key is a category's name as the server matches it (feed.CategoryKey).
  function key(s) { return String(s).normalize("NFC").trim().split(/\s+/).join(" ").toLowerCase(); }

  function catHref(name) {
    var seg = encodeURIComponent(name);
    if (/^\.+$/.test(seg)) seg = seg.replace(/\./g, "%2E");
    return d.base + "category/" + seg + "/";
  }

  function el(tag, cls, txt) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (txt) e.textContent = txt;
    return e;
  }

  // item builds a headline as list.html writes one.
  function item(m) {
    var li = el("li", "story");
    li.setAttribute("data-id", m.id);
    var h = el("h2", "story-title");
    var a = el("a", "", m.title);
    a.href = m.url;
    h.appendChild(a);
    li.appendChild(h);
    var summary = (m.summary || "").split("\n")[0];
    if (summary) li.appendChild(el("p", "excerpt", summary));
    var meta = el("p", "meta");
    var t = el("time");
    var when = new Date(m.published);
    t.dateTime = m.published;
    t.textContent = isNaN(when) ? "" : fmt.format(when);
    meta.appendChild(t);
    (m.categories || []).forEach(function (c) {
      var ca = el("a", "cat", c);
      ca.href = catHref(c);
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(ca);
    });
    li.appendChild(meta);
    return li;
  }

  function find(id) {
    var items = list.children;
    for (var i = 0; i < items.length; i++) {
      if (items[i].getAttribute("data-id") === id) return items[i];
    }
    return null;
  }

  function apply(m) {
    var old = find(m.id);
    var inPage = !d.category || (m.categories || []).some(function (c) {
      return key(c) === key(d.category);
    });
    if (m.type === "deleted" || !inPage) {
      if (old) old.remove();
      return;
    }
    if (m.type !== "created" && m.type !== "updated") return;
    var li = item(m);
    if (old) {
      // Keep its image, which the stream does not carry.
      var fig = old.querySelector(".hero");
      if (fig) li.insertBefore(fig, li.firstChild);
      old.replaceWith(li);
    } else if (m.type === "created") {
      list.insertBefore(li, list.firstChild);
      var empty = document.getElementById("empty");
      if (empty) empty.remove();
      // As long as the server would list it, no longer.
      while (list.children.length > (+d.max || 30)) list.lastElementChild.remove();
    }
  }

  var es = new EventSource(d.events);
  es.onopen = function () { state(true); };
  es.onerror = function () { state(es.readyState === EventSource.OPEN); };
  es.onmessage = function (ev) {
    var m;
    try { m = JSON.parse(ev.data); } catch (e) { return; }
    if (m.type === "reset") {
      // The stream could not replay what was missed: read the page again.
      location.reload();
      return;
    }
    apply(m);
  };
  window.addEventListener("pagehide", function () { es.close(); state(false); });
})();
