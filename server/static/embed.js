// sokbo's headlines widget (docs/embed.md). A site adds
//   <div data-sokbo-headlines data-category="Breaking" data-limit="5"></div>
//   <script src="https://NEWS-HOST/embed.js" async></script>
// and each such div shows the latest headlines in its shadow root, where
// neither the site's CSS nor the widget's leaks across, kept live over
// the site's stream: a new headline is one <li> inserted, not a redraw.
// The div's data-state says loading, ready or error; data-live whether
// the stream is open. The server puts the CSS in place of STYLE.
(() => {
  "use strict";
  const me = document.currentScript || document.querySelector('script[src$="/embed.js"]');
  if (!me || !window.fetch || !window.EventSource) return;
  const base = new URL(".", me.src).href;
  const css = STYLE;
  let sheet;
  const rtf = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }) : null;
  const abs = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  // A unit is used while the rounded count stays below the next unit.
  const units = [["second", 1, 60], ["minute", 60, 3600], ["hour", 3600, 86400], ["day", 86400, 604800]];
  // key is a category's name as the server matches it (feed.CategoryKey).
  const key = (s) => String(s).normalize("NFC").trim().split(/\s+/).join(" ").toLowerCase();

  // ago is time t (ms) as the reader's locale says how long ago it was.
  const ago = (t) => {
    if (!t) return "";
    const s = (t - Date.now()) / 1000;
    for (const [unit, size, max] of units) {
      if (rtf && Math.abs(s) < max - size / 2) return rtf.format(Math.round(s / size), unit);
    }
    return abs.format(t);
  };

  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  };

  const adopt = (root) => {
    try {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
      }
      root.adoptedStyleSheets = [sheet];
    } catch (e) {
      root.appendChild(el("style", "", css));
    }
  };

  // theme is the widget's light or dark: its data-theme, else what the
  // host page declares of its own, else (auto) the reader's preference.
  const theme = (host) => {
    const t = host.dataset.theme;
    if (t === "light" || t === "dark") return t;
    const meta = document.querySelector('meta[name="color-scheme"]');
    const cs = [getComputedStyle(host.parentElement || document.documentElement).colorScheme, meta && meta.content];
    for (const c of cs) {
      const m = /^(?:only\s+)?(light|dark)(?:\s+only)?$/.exec((c || "").trim());
      if (m) return m[1];
    }
    return "auto";
  };

  // The streams: one EventSource per URL for every widget of the page
  // that follows it (a browser opens only a few connections to a host).
  // One the server refused (a 503 when full, a proxy's 502) is opened
  // again, less and less often, from the last event its widgets saw.
  const streams = {};
  const follow = (url, sub) => {
    let st = streams[url];
    if (!st) {
      st = streams[url] = { subs: new Set(), wait: 5000, last: "" };
      const open = () => {
        const q = st.last ? (url.includes("?") ? "&" : "?") + "last_event_id=" + encodeURIComponent(st.last) : "";
        const es = (st.es = new EventSource(url + q));
        es.onopen = () => {
          st.wait = 5000;
          st.subs.forEach((s) => s.open(true, !st.last));
        };
        es.onerror = () => {
          st.subs.forEach((s) => s.open(false));
          if (es.readyState === 2 && st.subs.size) {
            st.timer = setTimeout(open, st.wait);
            st.wait = Math.min(st.wait * 2, 300000);
          }
        };
        es.onmessage = (e) => {
          if (e.lastEventId) st.last = e.lastEventId;
          let m;
          try {
            m = JSON.parse(e.data);
          } catch (err) {
            return; // not an event this version knows
          }
          st.subs.forEach((s) => s.message(m));
        };
      };
      open();
    }
    st.subs.add(sub);
    if (st.es.readyState === 1) sub.open(true, true);
    return () => {
      st.subs.delete(sub);
      if (!st.subs.size) {
        st.es.close();
        clearTimeout(st.timer);
        delete streams[url];
      }
    };
  };

  const widgets = new Set();

  const mount = (host) => {
    if (host._sokbo) return;
    host._sokbo = true;
    const d = host.dataset;
    const limit = Math.min(Math.max(parseInt(d.limit, 10) || 5, 1), 20);
    const cat = (d.category || "").trim();
    const images = d.images !== undefined && d.images !== "false" && d.images !== "0";
    let root;
    try {
      root = host.shadowRoot || host.attachShadow({ mode: "open" });
    } catch (e) {
      host.setAttribute("data-state", "error"); // an element that cannot hold a shadow root
      return;
    }
    let list, wrap, live = false, timer, retry = 5000;
    // pending are the events that came before the list was drawn; gone,
    // the ids deleted (or moved out) since the page opened, which an
    // answer made before their event cannot bring back.
    let pending = [];
    const gone = new Set();

    const link = (a, href) => {
      a.href = href;
      if (d.target) {
        a.target = d.target;
        a.rel = "noopener";
      }
      return a;
    };

    // item is one headline, from /embed.json or from an event alike.
    const item = (m) => {
      const li = el("li");
      li.dataset.id = m.id;
      li._t = Date.parse(m.published) || 0;
      if (images && m.image) {
        const img = el("img");
        img.alt = "";
        img.loading = "lazy";
        img.onerror = () => img.remove();
        img.src = m.image;
        li.appendChild(img);
      }
      const b = el("div", "b");
      b.appendChild(link(el("a", "h", m.title), m.url));
      const meta = el("p", "m");
      const time = el("time", "", ago(li._t));
      time.dateTime = m.published;
      if (li._t) time.title = abs.format(li._t);
      meta.appendChild(time);
      for (const c of m.categories || []) meta.appendChild(el("span", "c", c));
      b.appendChild(meta);
      li.appendChild(b);
      return li;
    };

    const find = (id) => [...list.children].find((li) => li.dataset.id === id);

    // insert puts a headline in its place by time, newest first.
    const insert = (m, fresh) => {
      const li = item(m);
      if (fresh) li.className = "new";
      const next = [...list.children].find((x) => x._t <= li._t);
      list.insertBefore(li, next || null);
      while (list.children.length > limit) list.lastChild.remove();
    };

    const render = (data) => {
      wrap = el("div", "w " + theme(host) + (live ? " on" : ""));
      list = el("ol");
      list.setAttribute("aria-label", data.title);
      for (const m of data.items.filter((m) => !gone.has(m.id)).slice(0, limit)) list.appendChild(item(m));
      const foot = el("p", "f");
      foot.appendChild(link(el("a", "", data.title), data.home_page_url));
      wrap.append(list, foot);
      root.replaceChildren(wrap);
      adopt(root);
      host.setAttribute("data-state", "ready");
      const early = pending;
      pending = [];
      early.forEach(apply);
    };

    // apply puts an event's change in the list: one <li> inserted,
    // moved or removed.
    const apply = (m) => {
      if (!list) return pending.push(m);
      if (m.type === "reset") return load();
      if (!m.id) return;
      const old = find(m.id);
      if (old) old.remove();
      const out = m.type === "deleted" || (cat && !(m.categories || []).some((c) => key(c) === key(cat)));
      if (out) {
        gone.add(m.id);
        if (old) refill();
        return;
      }
      if (m.type !== "created" && m.type !== "updated") return;
      gone.delete(m.id);
      insert(m, !old);
    };

    // query reads the headlines, past the browser's cache (which may keep
    // them a minute): what a stream opened before it does not bring, the
    // answer has.
    const query = () => {
      const q = new URLSearchParams({ limit: String(limit) });
      if (cat) q.set("category", cat);
      return fetch(base + "embed.json?" + q, { cache: "no-cache" }).then((r) =>
        r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))
      );
    };

    // load draws the list; a failure is tried again, less and less often,
    // the list shown (if any) staying as it was.
    const load = () => {
      clearTimeout(timer);
      if (!list) host.setAttribute("data-state", "loading");
      query()
        .then((data) => {
          retry = 5000;
          render(data);
        })
        .catch(() => {
          if (!list) host.setAttribute("data-state", "error");
          timer = setTimeout(load, retry);
          retry = Math.min(retry * 2, 300000);
        });
    };

    // refill tops the list up to its limit after a removal, appending
    // the headlines it lacks: nothing shown is drawn again.
    const refill = () =>
      query()
        .then((data) => {
          for (const m of data.items) if (list.children.length < limit && !gone.has(m.id) && !find(m.id)) insert(m, false);
        })
        .catch(() => {});

    // The stream opens first and the list is read once it is open, so
    // that nothing posted in between is missed; the list is read again
    // whenever the stream opens afresh (it may have missed events).
    let loaded = false;
    const unfollow = follow(base + "events" + (cat ? "?category=" + encodeURIComponent(cat) : ""), {
      open(on, afresh) {
        live = on;
        host.setAttribute("data-live", on ? "on" : "off");
        if (wrap) wrap.classList.toggle("on", on);
        if ((on && afresh) || !loaded) {
          loaded = true;
          load();
        }
      },
      message: apply,
    });
    const tick = setInterval(() => {
      if (list) for (const t of list.querySelectorAll("time")) t.textContent = ago(Date.parse(t.dateTime) || 0);
    }, 30000);
    widgets.add(() => {
      if (host.isConnected) return false;
      unfollow();
      clearInterval(tick);
      clearTimeout(timer);
      return true;
    });
  };

  // Widgets come and go with the page (a site that renders on the
  // client): mount new ones, and close what a removed one held.
  const run = () => {
    document.querySelectorAll("[data-sokbo-headlines]").forEach(mount);
    for (const gone of widgets) if (gone()) widgets.delete(gone);
  };
  run();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  new MutationObserver(run).observe(document.documentElement, { childList: true, subtree: true });
})();
