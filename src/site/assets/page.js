// frontline's page: scrub the days, click a place for its evidence.
// Everything it needs is inlined in the page: Leaflet above, the data in #frontline-data.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("frontline-data").textContent);
  const $ = (id) => document.getElementById(id);
  const el = (tag, props, ...children) => {
    const e = document.createElement(tag);
    Object.assign(e, props || {});
    for (const c of children) e.append(c);
    return e;
  };
  const SVG = "http://www.w3.org/2000/svg";
  // Every text from the data (names, notes, outlets, titles) reaches the page as a text
  // node, never as markup: a place called `<img onerror=…>` is shown, not run. Leaflet's
  // tooltips take HTML when given a string, so they get a node from here too.
  const text = (s) => document.createTextNode(s === null || s === undefined ? "" : String(s));
  // Only web addresses become links: a `javascript:` or `data:` url in sources.csv stays text.
  const webUrl = (u) => (typeof u === "string" && /^https?:\/\//i.test(u.trim()) ? u.trim() : null);
  const svgNode = (tag, attrs) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };

  // ---- Names: the same matching key as the command line (see gazetteer/normalize.rs),
  // under the scenario's folding rules (D.folding) and letter tables (D.cyrillic, D.turkic).
  const ARTICLES = new Set(["al", "el", "ad", "ar", "as", "ash", "az", "ez", "at", "ath", "adh", "an",
    "ed", "er", "es", "et", "en", "ul"]);
  const RULES = new Set(D.folding);
  const collapse = (t) => {
    let out = "";
    for (const c of t) if (c !== out[out.length - 1]) out += c;
    return out;
  };
  function foldRomanisation(t) {
    const letters = [...t.replace(/zh/g, "Z").replace(/kh/g, "h").replace(/ts|tz/g, "c")
      .replace(/g/g, "h").replace(/w/g, "v").replace(/[yj]/g, "i")];
    return letters.filter((c, i) => !(c === "i" && "aeou".includes(letters[i + 1] || "-"))).join("");
  }
  const foldTurkic = (t) => t.replace(/kh/g, "x").replace(/gh/g, "g").replace(/ch/g, "c").replace(/sh/g, "s")
    .replace(/j/g, "c").replace(/q/g, "g").replace(/y/g, "i").replace(/e/g, "a");
  function foldToken(t) {
    let out = RULES.has("turkic") ? foldTurkic(t) : t;
    if (RULES.has("cyrillic")) out = foldRomanisation(out);
    if (RULES.has("double-letters") || RULES.has("cyrillic")) out = collapse(out);
    if (RULES.has("arabic-ending") && out.length > 3 && (out.endsWith("ah") || out.endsWith("eh"))) {
      out = out.slice(0, -1);
    }
    return out;
  }
  function normalize(name) {
    let text = name.toLowerCase();
    if (RULES.has("turkic")) text = [...text].map((c) => D.turkic[c] ?? c).join("");
    if (RULES.has("cyrillic")) text = [...text].map((c) => D.cyrillic[c] ?? c).join("");
    const ascii = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[\u02bb-\u02bf\u2018\u2019'"`]/g, "").toLowerCase();
    const tokens = ascii.replace(/[^a-z0-9]+/g, " ").trim().split(/\s+/).filter(Boolean);
    const keep = !RULES.has("arabic-article") || tokens.every((t) => ARTICLES.has(t));
    return tokens.filter((t) => keep || !ARTICLES.has(t)).map(foldToken).join("");
  }

  // ---- Formatting.
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  // The scenario's own date words ([text] in scenario.toml) for its days; English otherwise.
  const dayLabel = new Map(D.days.map((d, i) => [d, D.dayLabels[i]]));
  const longDate = (iso) => {
    if (dayLabel.has(iso)) return dayLabel.get(iso);
    const [y, m, d] = iso.split("-").map(Number);
    return `${d} ${MONTHS[m - 1]} ${y}`;
  };
  const faction = (i) => (i === null || i === undefined ? null : D.factions[i]);
  const sourceById = new Map(D.sources.map((s) => [s.id, s]));
  const sourceOf = (name) => sourceById.get(name) || D.sources.find((s) => s.file && s.file === name);

  // ---- Patterns: the assessed stipple and the contested hatching, per faction.
  const defs = $("patterns");
  D.factions.forEach((f, i) => {
    const stipple = document.createElementNS(SVG, "pattern");
    stipple.setAttribute("id", `stipple-${i}`);
    stipple.setAttribute("width", "7");
    stipple.setAttribute("height", "7");
    stipple.setAttribute("patternUnits", "userSpaceOnUse");
    stipple.append(svgNode("rect", { width: 7, height: 7, fill: f.pale }),
      svgNode("circle", { cx: 1.75, cy: 1.75, r: 1.1, fill: f.colour }),
      svgNode("circle", { cx: 5.25, cy: 5.25, r: 1.1, fill: f.colour }));
    const hatch = document.createElementNS(SVG, "pattern");
    hatch.setAttribute("id", `hatch-${i}`);
    hatch.setAttribute("width", "9");
    hatch.setAttribute("height", "9");
    hatch.setAttribute("patternUnits", "userSpaceOnUse");
    hatch.setAttribute("patternTransform", "rotate(45)");
    hatch.append(svgNode("rect", { width: 3, height: 9, fill: f.colour }));
    defs.append(stipple, hatch);
  });

  // The chart is SVG drawn by the program, its labels escaped there; it is parsed as XML
  // (which runs nothing) and only drawing elements and attributes are kept, so a label
  // can never become a live element or handler, whatever the escaping upstream.
  const CHART_TAGS = new Set(["svg", "g", "defs", "rect", "line", "polyline", "polygon", "path", "circle",
    "ellipse", "text", "tspan", "clippath", "title", "desc"]);
  function inertSvg(source) {
    const doc = new DOMParser().parseFromString(source, "image/svg+xml");
    const root = doc.documentElement;
    if (!root || root.localName !== "svg" || root.namespaceURI !== SVG) return [];
    for (const node of [root, ...root.querySelectorAll("*")]) {
      if (!CHART_TAGS.has(node.localName.toLowerCase())) { node.remove(); continue; }
      for (const a of [...node.attributes]) {
        const name = a.name.toLowerCase();
        if (name.startsWith("on") || name.endsWith("href") || name === "style" && /url\s*\(/i.test(a.value)) {
          node.removeAttribute(a.name);
        }
      }
    }
    return [document.importNode(root, true)];
  }

  // ---- The map and what is the same every day.
  const map = L.map("map", { zoomSnap: 0.25, zoomControl: true, keyboard: true });
  // The scenario's credits are in the panel; the map names its drawing library.
  map.attributionControl.setPrefix("Leaflet");
  map.fitBounds(D.extent);
  L.control.scale({ imperial: false }).addTo(map);
  const panes = [["base", 200], ["areas", 400], ["hatch", 410], ["fronts", 420], ["rings", 590], ["places", 600]];
  for (const [name, z] of panes) map.createPane(name).style.zIndex = z;
  for (const c of D.countries) {
    L.polygon(c.g, {
      pane: "base", interactive: false, weight: 0.8, color: D.colours.border, fillOpacity: 1,
      fillColor: c.focus ? D.colours.land : D.colours.neighbour,
    }).addTo(map);
  }
  for (const c of D.countries.filter((c) => c.focus)) {
    L.polygon(c.g, { pane: "fronts", interactive: false, weight: 1.6, color: D.colours.outline, fill: false }).addTo(map);
  }

  // One layer group per distinct state, built on first use.
  const stateLayers = new Map();
  function stateLayer(k) {
    if (stateLayers.has(k)) return stateLayers.get(k);
    const st = D.states[k];
    const group = L.layerGroup();
    for (const a of st.areas) {
      const f = D.factions[a.f];
      // Assessed land: dotted where a rule gave it, pale where it is only thinly held
      // (beyond every place's reach), as on the frames.
      const assessed = a.basis === "inferred" || a.land === "thin";
      const fill = a.basis === "inferred" ? `url(#stipple-${a.f})` : a.land === "thin" ? f.pale : f.tint;
      // A hairline of the fill's own colour hides the anti-aliasing seam between
      // neighbouring areas of one faction (reported beside assessed, say).
      L.polygon(a.g, { pane: "areas", interactive: false, stroke: true, weight: 0.8, color: assessed ? f.pale : f.tint, fillColor: fill, fillOpacity: 1 }).addTo(group);
    }
    for (const h of st.hatch) {
      const cell = D.cells[String(h.p)];
      if (cell && cell.length) {
        L.polygon(cell, { pane: "hatch", interactive: false, stroke: false, fillColor: `url(#hatch-${h.c})`, fillOpacity: 1 })
          .addTo(group);
      }
    }
    if (st.fronts.length) {
      L.polyline(st.fronts, { pane: "fronts", interactive: false, color: "#fff", weight: 5, opacity: 0.9 }).addTo(group);
      L.polyline(st.fronts, { pane: "fronts", interactive: false, color: D.colours.front, weight: 2.2 }).addTo(group);
    }
    stateLayers.set(k, group);
    return group;
  }

  const radius = (p) => (["city", "town", "village"].includes(p.kind) ? Math.max(2.5, Math.min(9, 2 + Math.sqrt(p.pop || 0) / 190)) : 4);
  const markers = D.places.map((p, i) => {
    const m = L.circleMarker([p.lat, p.lng], { pane: "places", radius: radius(p), color: "#fff", weight: 1, fillOpacity: 1 });
    // Control on claims alone says so where the reader looks: the tooltip and a dashed edge.
    m.bindTooltip(() => text(D.control[day][i][7] === "claimed" ? `${p.name} (claimed only)` : p.name),
      { direction: "top", offset: [0, -4] });
    m.on("click", () => select(i, false));
    m.addTo(map);
    return m;
  });
  const rings = L.layerGroup().addTo(map);

  // ---- The day.
  let day = D.days.length - 1;
  let selected = null;
  let shown = null;
  const slider = $("slider");
  slider.max = String(D.days.length - 1);

  function showDay(i) {
    day = Math.max(0, Math.min(D.days.length - 1, i));
    const k = D.dayState[day];
    if (shown !== k) {
      if (shown !== null) map.removeLayer(stateLayer(shown));
      stateLayer(k).addTo(map);
      shown = k;
    }
    const control = D.control[day];
    markers.forEach((m, p) => {
      const f = faction(control[p][0]);
      const claimed = control[p][7] === "claimed";
      m.setStyle({ fillColor: f ? f.colour : "#8a8a8f", color: claimed ? "#1d1d1f" : "#fff", weight: claimed ? 1.6 : 1,
        dashArray: claimed ? "2 2" : null });
    });
    rings.clearLayers();
    for (const c of D.changes[day]) {
      if (c.p === null) continue;
      const p = D.places[c.p];
      L.circleMarker([p.lat, p.lng], { pane: "rings", interactive: false, radius: radius(p) + 5, color: D.colours.front, weight: 2.5, fill: false })
        .addTo(rings);
    }
    const iso = D.days[day];
    $("date").textContent = longDate(iso);
    $("date").dataset.date = iso;
    $("dayinfo").textContent = D.dayOf.replace("{day}", day + 1).replace("{days}", D.days.length);
    slider.value = String(day);
    const list = $("changes");
    list.replaceChildren(...D.changes[day].map((c) => {
      if (c.p === null) return el("li", { textContent: c.text });
      const b = el("button", { type: "button", textContent: c.text });
      b.addEventListener("click", () => select(c.p, true));
      return el("li", {}, b);
    }));
    if (selected !== null) details(selected);
    const hash = `#${iso}${selected !== null ? "/" + D.places[selected].id : ""}`;
    if (location.hash !== hash) history.replaceState(null, "", hash);
  }

  // ---- A place and its evidence.
  const STRENGTH = { confirmed: 0, reported: 1, claimed: 2 };
  function evidenceList(ids) {
    // Strongest first, then newest.
    const sorted = [...ids].sort((a, b) => (STRENGTH[D.events[a].confidence] - STRENGTH[D.events[b].confidence]) ||
      D.events[b].date.localeCompare(D.events[a].date));
    return el("ol", {}, ...sorted.map((id) => {
      const e = D.events[id];
      const src = sourceOf(e.source);
      const outlet = src ? (src.outlet || src.file || src.id) : e.source;
      const li = el("li");
      li.append(el("b", { textContent: outlet }), ` · ${longDate(e.date)} · ${e.confidence} · `,
        `${D.factions[e.f].key} ${e.action} ${e.applies}`);
      if (e.quote) li.append(el("br"), el("q", { textContent: e.quote }));
      if (e.note) li.append(el("br"), el("span", { className: "muted", textContent: e.note }));
      if (src && src.url) {
        const url = webUrl(src.url);
        li.append(el("br"), url ? el("a", { href: url, textContent: "the page", rel: "noopener", target: "_blank" }) : text("the page"),
          el("span", { className: "muted", textContent: ` (${src.title || src.url})` }));
      }
      li.append(el("span", { className: "muted", textContent: ` · events.csv line ${e.line}` }));
      return li;
    }));
  }

  const BASIS = {
    events: "reported: rows name this place",
    region: "reported for its region: rows name a region it is in",
    baseline: "the pre-offensive lines (an approximation); no row since",
    inferred: "assessed: no row states it directly",
  };
  function details(p) {
    const place = D.places[p];
    const [holder, challenger, since, basis, rule, evidence, disputed, strength] = D.control[day][p];
    const f = faction(holder);
    const box = $("details");
    box.hidden = false;
    box.dataset.place = place.id;
    const swatch = el("span", { className: "swatch" });
    swatch.style.background = f ? f.tint : D.colours.land;
    const status = challenger !== null ? `contested: ${faction(challenger).name} fighting inside` : (f ? "held" : "unheld");
    box.replaceChildren(
      el("h3", { textContent: place.name }),
      el("p", { className: "muted", textContent: [place.admin1, place.kind, place.pop ? `population ${place.pop.toLocaleString("en")}` : ""].filter(Boolean).join(" · ") }),
      el("p", {}, swatch, el("b", { textContent: f ? f.name : "Nobody" }), ` since ${since ? longDate(since) : "before the scenario"}`),
      el("p", { textContent: `Status: ${status}` }),
      el("p", {}, "Basis: ", el("span", { className: `badge ${basis}`, textContent: basis + (rule ? ` (${rule})` : "") }), ` ${BASIS[basis]}`),
      strength ? el("p", { className: "strength" }, "Strength: ", el("span", { className: `badge ${strength}`, textContent: strength === "claimed" ? "claimed only" : strength }),
        strength === "claimed" ? " a party's own claim; no report confirms it" : "") : "",
      el("h4", { textContent: `Evidence (${evidence.length})` }),
      evidence.length ? evidenceList(evidence) : el("p", { className: "muted", textContent: "No row: the baseline holds." }),
    );
    if (disputed.length) box.append(el("h4", { textContent: `Rows that lost (${disputed.length})` }), evidenceList(disputed));
  }

  function select(p, fly) {
    selected = p;
    details(p);
    if (fly) map.flyTo([D.places[p].lat, D.places[p].lng], Math.max(map.getZoom(), 9), { duration: 0.6 });
    history.replaceState(null, "", `#${D.days[day]}/${D.places[p].id}`);
  }

  // ---- Search.
  $("search").addEventListener("input", () => {
    const raw = $("search").value.trim();
    const key = normalize(raw);
    const results = $("results");
    if (!key) return results.replaceChildren();
    const hits = D.places.map((p, i) => [p, i])
      .filter(([p]) => p.id === raw.toLowerCase() || p.keys.some((k) => k.includes(key)))
      .sort((a, b) => (b[0].pop || 0) - (a[0].pop || 0)).slice(0, 8);
    results.replaceChildren(...(hits.length ? hits.map(([p, i]) => {
      const b = el("button", { type: "button", textContent: `${p.name} (${p.admin1})` });
      b.addEventListener("click", () => select(i, true));
      return el("li", {}, b);
    }) : [el("li", { className: "muted", textContent: "No place has that name." })]));
  });

  // ---- Playing, keys and the address.
  let timer = null;
  function play(on) {
    clearInterval(timer);
    timer = null;
    if (on) {
      if (day === D.days.length - 1) showDay(0);
      timer = setInterval(() => (day < D.days.length - 1 ? showDay(day + 1) : play(false)), 800);
    }
    $("play").textContent = on ? "❚❚ Pause" : "▶ Play";
    $("play").setAttribute("aria-label", on ? "Pause" : "Play");
  }
  $("play").addEventListener("click", () => play(timer === null));
  $("prev").addEventListener("click", () => showDay(day - 1));
  $("next").addEventListener("click", () => showDay(day + 1));
  slider.addEventListener("input", () => showDay(Number(slider.value)));
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (t === slider || (t.tagName === "INPUT" && t.type !== "range") || e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === "ArrowLeft") { showDay(day - 1); e.preventDefault(); }
    if (e.key === "ArrowRight") { showDay(day + 1); e.preventDefault(); }
  });
  function fromHash() {
    const [iso, id] = decodeURIComponent(location.hash.slice(1)).split("/");
    const i = D.days.indexOf(iso);
    const p = id ? D.places.findIndex((q) => q.id === id) : -1;
    if (p >= 0) selected = p;
    showDay(i >= 0 ? i : D.days.length - 1);
  }
  window.addEventListener("hashchange", fromHash);

  // ---- The panel's fixed parts.
  $("title").textContent = D.title;
  $("subtitle").textContent = D.subtitle || "";
  $("mode").textContent = D.evidenceOnly ? "Evidence only: no assessed control on this page." : "";
  const legend = $("legend");
  for (const f of D.factions) {
    const s = el("span", { className: "swatch" });
    s.style.background = f.tint;
    s.style.boxShadow = `inset 0 0 0 5px ${f.tint}, inset 0 0 0 9px ${f.colour}`;
    legend.append(el("li", {}, s, f.name));
  }
  const patternSwatch = (fill) => {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "swatch");
    svg.append(svgNode("rect", { width: 26, height: 16, fill }));
    return svg;
  };
  legend.append(
    el("li", {}, patternSwatch("url(#hatch-0)"), "Contested: fighting inside (hatched, the challenger's colour)"),
    el("li", {}, patternSwatch("url(#stipple-0)"), "Assessed: no direct report (pale, dotted)"),
    el("li", {}, patternSwatch(D.factions[0].pale), "Thinly held: no place near, given to the nearest (pale)"),
    el("li", {}, patternSwatch(D.colours.land), "Nobody known to hold it"),
    el("li", {}, patternSwatch(D.colours.front), "Frontline (the thin dark band)"),
    el("li", { textContent: "◯ Ringed: changed hands this day (a row names it)" }),
    el("li", { className: "claimed-key" }, el("span", { className: "claimed-marker" }), "Dashed edge: claimed only (a party's claim; no report confirms it)"),
  );
  $("chart").replaceChildren(...inertSvg(D.chart));
  const chartSvg = $("chart").querySelector("svg");
  if (chartSvg && !chartSvg.getAttribute("viewBox")) {
    chartSvg.setAttribute("viewBox", `0 0 ${chartSvg.getAttribute("width")} ${chartSvg.getAttribute("height")}`);
    chartSvg.setAttribute("role", "img");
    chartSvg.setAttribute("aria-label", "Stacked area chart of the area each faction held, day by day");
  }
  const credits = $("credits");
  for (const c of D.credits) credits.append(el("div", { textContent: c }));
  credits.append(el("div", { textContent: `${D.events.length} rows from ${D.sources.length} reports and pages; every answer lists its rows. Map: Leaflet (BSD-2-Clause).` }));

  fromHash();
  // For scripts and tests driving the page: the map, the markers and the two actions.
  window.frontline = { map, markers, showDay, select, places: D.places, days: D.days };
  document.body.dataset.ready = "1";
  window.frontlineLoadMs = performance.now();
})();
