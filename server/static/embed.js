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
  const me = document.currentScript;
  if (!me || !window.fetch || !window.EventSource) return;
  const base = new URL(".", me.src).href;
  const css = STYLE;
  let sheet;
  const rtf = window.Intl && Intl.RelativeTimeFormat ? new Intl.RelativeTimeFormat(undefined, { numeric: "auto" }) : null;
  const abs = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  const units = [["second", 60], ["minute", 3600], ["hour", 86400], ["day", 604800]];
  const key = (s) => String(s).trim().toLowerCase();

  // ago is time t (ms) as the reader's locale says how long ago it was.
  const ago = (t) => {
    const s = (t - Date.now()) / 1000;
    let per = 1;
    for (const [unit, max] of units) {
      if (rtf && Math.abs(s) < max) return rtf.format(Math.round(s / per), unit);
      per = max;
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
      const m = /^(?:only )?(light|dark)$/.exec((c || "").trim());
      if (m) return m[1];
    }
    return "auto";
  };

  // One EventSource per stream for every widget of the page that follows
  // it: a browser opens only a few connections to one host.
  const streams = {};
  const stream = (url, sub) => {
    let st = streams[url];
    if (!st) {
      st = streams[url] = { subs: [], es: new EventSource(url) };
      st.es.onopen = () => st.subs.forEach((s) => s.open(true));
      st.es.onerror = () => st.subs.forEach((s) => s.open(false));
      st.es.onmessage = (e) => {
        let m;
        try {
          m = JSON.parse(e.data);
        } catch (err) {
          return; // not an event this version knows
        }
        st.subs.forEach((s) => s.message(m));
      };
    }
    st.subs.push(sub);
    if (st.es.readyState === 1) sub.open(true);
  };

  const mount = (host) => {
    if (host._sokbo) return;
    host._sokbo = true;
    const d = host.dataset;
    const limit = Math.min(Math.max(parseInt(d.limit, 10) || 5, 1), 20);
    const cat = (d.category || "").trim();
    const images = d.images !== undefined && d.images !== "false";
    const root = host.shadowRoot || host.attachShadow({ mode: "open" });
    let list, wrap;

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
      time.title = abs.format(li._t);
      meta.appendChild(time);
      for (const c of m.categories || []) meta.appendChild(el("span", "c", c));
      b.appendChild(meta);
      li.appendChild(b);
      return li;
    };

    const render = (data) => {
      wrap = el("div", "w " + theme(host) + (host.getAttribute("data-live") === "on" ? " on" : ""));
      list = el("ol");
      list.setAttribute("aria-label", data.title);
      for (const m of data.items.slice(0, limit)) list.appendChild(item(m));
      const foot = el("p", "f");
      foot.appendChild(link(el("a", "", data.title), data.home_page_url));
      wrap.append(list, foot);
      root.replaceChildren(wrap);
      adopt(root);
      host.setAttribute("data-state", "ready");
    };

    const find = (id) => [...list.children].find((li) => li.dataset.id === id);

    // apply puts an event's change in the list: one <li> inserted,
    // replaced or removed.
    const apply = (m) => {
      if (m.type === "reset") return load(true);
      if (!m.id) return;
      const old = find(m.id);
      const gone = m.type === "deleted" || (cat && !(m.categories || []).some((c) => key(c) === key(cat)));
      if (gone) {
        if (old) {
          old.remove();
          refill();
        }
        return;
      }
      if (m.type !== "created" && m.type !== "updated") return;
      if (old) return old.replaceWith(item(m));
      insert(m, true);
    };

    // insert puts a headline in its place by time, newest first.
    const insert = (m, fresh) => {
      const li = item(m);
      if (fresh) li.className = "new";
      const next = [...list.children].find((x) => x._t <= li._t);
      list.insertBefore(li, next || null);
      while (list.children.length > limit) list.lastChild.remove();
    };

    const live = (url) => {
      if (host._live) return;
      host._live = true;
      stream(url, {
        open(on) {
          host.setAttribute("data-live", on ? "on" : "off");
          wrap.classList.toggle("on", on);
        },
        message: apply,
      });
    };

    // query reads the headlines; again (after a change) past the
    // browser's cache, which may keep them a minute.
    const query = (again) => {
      const q = new URLSearchParams({ limit: String(limit) });
      if (cat) q.set("category", cat);
      return fetch(base + "embed.json?" + q, { cache: again ? "no-cache" : "default" }).then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))));
    };

    // load draws the list; a failure is tried again, less and less often.
    let retry = 5000;
    const load = (again) => {
      host.setAttribute("data-state", "loading");
      query(again)
        .then((data) => {
          render(data);
          live(data.events);
        })
        .catch(() => {
          host.setAttribute("data-state", "error");
          setTimeout(() => load(true), (retry = Math.min(retry * 2, 300000)));
        });
    };

    // refill tops the list up to its limit after a removal, appending
    // the headlines it lacks: nothing shown is drawn again.
    const refill = () =>
      query(true)
        .then((data) => {
          for (const m of data.items) if (list.children.length < limit && !find(m.id)) insert(m, false);
        })
        .catch(() => {});

    load();
    setInterval(() => {
      if (!list) return;
      for (const t of list.querySelectorAll("time")) t.textContent = ago(Date.parse(t.dateTime));
    }, 30000);
  };

  const run = () => document.querySelectorAll("[data-sokbo-headlines]").forEach(mount);
  run();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
})();
