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

  // ---- Canvas patterns for the areas: the same stipple and hatching as the legend's.
  function tile(size, draw) {
    const c = document.createElement("canvas");
    c.width = size;
    c.height = size;
    draw(c.getContext("2d"));
    return c;
  }
  const patternCtx = document.createElement("canvas").getContext("2d");
  const stipples = D.factions.map((f) => patternCtx.createPattern(tile(7, (g) => {
    g.fillStyle = f.pale;
    g.fillRect(0, 0, 7, 7);
    g.fillStyle = f.colour;
    for (const [x, y] of [[1.75, 1.75], [5.25, 5.25]]) { g.beginPath(); g.arc(x, y, 1.1, 0, 2 * Math.PI); g.fill(); }
  }), "repeat"));
  const hatches = D.factions.map((f) => patternCtx.createPattern(tile(12, (g) => {
    g.strokeStyle = f.colour;
    g.lineWidth = 3;
    for (const o of [-12, 0, 12]) { g.beginPath(); g.moveTo(o, 12); g.lineTo(o + 12, 0); g.stroke(); }
  }), "repeat"));

  // ---- The map and what is the same every day.
  const map = L.map("map", { zoomSnap: 0.25, zoomControl: true, keyboard: true });
  // The scenario's credits are in the panel; the map names its drawing library.
  map.attributionControl.setPrefix("Leaflet");
  map.fitBounds(D.extent);
  const fitZoom = map.getZoom();
  L.control.scale({ imperial: false }).addTo(map);
  const panes = [["base", 200], ["areas", 400], ["hatch", 410], ["fronts", 420], ["frontlines", 425], ["rings", 590], ["places", 600], ["labels", 610]];
  for (const [name, z] of panes) map.createPane(name).style.zIndex = z;
  map.getPane("labels").style.pointerEvents = "none";
  // Canvas, not SVG: tens of thousands of cells and places draw in one pass.
  const renderer = (pane) => L.canvas({ pane, padding: 0.2 });
  const areaRenderer = renderer("areas");
  const hatchRenderer = renderer("hatch");
  const frontRenderer = renderer("frontlines");
  const ringRenderer = renderer("rings");
  const placeRenderer = renderer("places");
  for (const c of D.countries) {
    L.polygon(c.g, {
      pane: "base", interactive: false, weight: 0.8, color: D.colours.border, fillOpacity: 1,
      fillColor: c.focus ? D.colours.land : D.colours.neighbour,
    }).addTo(map);
  }
  for (const c of D.countries.filter((c) => c.focus)) {
    L.polygon(c.g, { pane: "fronts", interactive: false, weight: 1.6, color: D.colours.outline, fill: false }).addTo(map);
  }

  // ---- The land, stored once as arcs shared between cells (src/site/topo.rs).
  const T = D.topo;
  const arcs = T.arcs.map((a) => {
    const pts = [];
    let x = 0;
    let y = 0;
    for (let k = 0; k < a.length; k += 2) {
      x = k === 0 ? a[0] : x + a[k];
      y = k === 0 ? a[1] : y + a[k + 1];
      pts.push(L.latLng(T.origin[1] + y * T.scale, T.origin[0] + x * T.scale));
    }
    return pts;
  });
  const cellRings = T.rings.map((rings) => rings.map((refs) => {
    const out = [];
    for (const r of refs) {
      const a = r >= 0 ? arcs[r] : arcs[~r].slice().reverse();
      for (let k = out.length ? 1 : 0; k < a.length; k++) out.push(a[k]);
    }
    return out;
  }));
  const thin = new Uint8Array(T.place.length);
  for (const c of T.thin) thin[c] = 1;

  // ---- The days, in chunks: inlined, or script files beside the page loaded when needed
  // (browsers refuse fetch() from file://, but run <script src> beside the page).
  const chunks = D.chunks || [];
  const waiting = new Map();
  window.frontlineDays = (c) => {
    const k = D.chunkFirst.indexOf(c.first);
    chunks[k] = c;
    for (const then of waiting.get(k) || []) then(c);
    waiting.delete(k);
  };
  const chunkOf = (day) => {
    let k = 0;
    while (k + 1 < D.chunkFirst.length && D.chunkFirst[k + 1] <= day) k++;
    return k;
  };
  function withChunk(k, then) {
    if (chunks[k]) return then(chunks[k]);
    if (waiting.has(k)) return waiting.get(k).push(then);
    waiting.set(k, [then]);
    const s = document.createElement("script");
    s.src = D.chunkFiles[k];
    s.onerror = () => {
      waiting.delete(k);
      $("dayinfo").textContent = `Could not load ${D.chunkFiles[k]}: keep the page's folder together.`;
    };
    document.head.append(s);
  }
  // Every place's record on a day: [holder, challenger, since, basis, rule, evidence, disputed].
  function recordsOn(day, chunk) {
    const cur = chunk.start.slice();
    for (const [d, p, st] of chunk.moves) {
      if (d > day) break;
      cur[p] = st;
    }
    return cur.map((i) => chunk.states[i]);
  }

  // A day's areas (cells grouped by holder and basis), the hatching of
  // contested places and the fronts (arcs whose two sides have different holders).
  function dayLayer(rec) {
    const nf = D.factions.length;
    const ncells = T.place.length;
    const group = new Int32Array(ncells);
    const rings = Array.from({ length: nf * 3 }, () => []);
    const hatch = Array.from({ length: nf }, () => []);
    for (let c = 0; c < ncells; c++) {
      const r = rec[T.place[c]];
      const g = !r || r[0] === null ? -1 : r[0] * 3 + (r[3] === "inferred" ? 1 : thin[c] ? 2 : 0);
      group[c] = g;
      if (g < 0) continue;
      for (const ring of cellRings[c]) rings[g].push(ring);
      if (r[1] !== null && !thin[c]) for (const ring of cellRings[c]) hatch[r[1]].push(ring);
    }
    const fronts = [];
    for (let a = 0; a < arcs.length; a++) {
      const r = T.right[a];
      const gl = group[T.left[a]];
      const gr = r >= 0 ? group[r] : -1;
      if (gl >= 0 && gr >= 0 && Math.floor(gl / 3) !== Math.floor(gr / 3)) fronts.push(arcs[a]);
    }
    const layer = L.layerGroup();
    const base = { interactive: false, renderer: areaRenderer };
    rings.forEach((rs, g) => {
      if (!rs.length) return;
      const f = D.factions[Math.floor(g / 3)];
      const kind = g % 3;
      // Assessed land: dotted where a rule gave it, pale where it is only thinly held
      // (land no place settles), as on the frames. A hairline of the fill's own colour
      // (the stipple's ground) along every cell edge hides the anti-aliasing seams between
      // cells and against neighbouring areas.
      const fill = kind === 1 ? stipples[Math.floor(g / 3)] : kind === 2 ? f.pale : f.tint;
      L.polygon(rs, { ...base, weight: 0.8, color: kind === 0 ? f.tint : f.pale, fillColor: fill, fillOpacity: 1, fillRule: "nonzero" }).addTo(layer);
    });
    hatch.forEach((rs, f) => {
      if (rs.length) {
        L.polygon(rs, { interactive: false, renderer: hatchRenderer, stroke: false, fillColor: hatches[f], fillOpacity: 1, fillRule: "nonzero" }).addTo(layer);
      }
    });
    if (fronts.length) {
      L.polyline(fronts, { interactive: false, renderer: frontRenderer, color: "#fff", weight: 5, opacity: 0.9 }).addTo(layer);
      L.polyline(fronts, { interactive: false, renderer: frontRenderer, color: D.colours.front, weight: 2.2 }).addTo(layer);
    }
    return layer;
  }
  // The last few days drawn, kept to scrub back and forth quickly.
  const layers = new Map();
  function layerFor(day, rec) {
    if (layers.has(day)) return layers.get(day);
    const layer = dayLayer(rec);
    layers.set(day, layer);
    if (layers.size > 6) {
      const [oldest] = layers.keys();
      if (oldest !== shownLayerDay) layers.delete(oldest);
    }
    return layer;
  }

  // ---- Places: markers by population, as many as the zoom has room for.
  const radius = (p) => (["city", "town", "village"].includes(p.kind) ? Math.max(2.5, Math.min(9, 2 + Math.sqrt(p.pop || 0) / 190)) : 4);
  const byPopulation = D.places.map((p, i) => i).sort((a, b) => (D.places[b].pop || 0) - (D.places[a].pop || 0));
  const rank = new Int32Array(D.places.length);
  byPopulation.forEach((p, r) => { rank[p] = r; });
  const MARKERS_AT_FIT = 1500;
  const markers = D.places.map((p, i) => {
    const m = L.circleMarker([p.lat, p.lng], { renderer: placeRenderer, radius: radius(p), color: "#fff", weight: 1, fillOpacity: 1, fillColor: "#8a8a8f" });
    // Control on claims alone says so where the reader looks: the tooltip and a dashed edge.
    m.bindTooltip(() => text(records && records[i][7] === "claimed" ? `${p.name} (claimed only)` : p.name),
      { direction: "top", offset: [0, -4] });
    m.on("click", () => select(i, false));
    return m;
  });
  const rings = L.layerGroup().addTo(map);
  let changedToday = new Set();
  function showMarkers() {
    const budget = MARKERS_AT_FIT * Math.pow(4, Math.max(0, map.getZoom() - fitZoom));
    markers.forEach((m, p) => {
      const visible = rank[p] < budget || changedToday.has(p) || p === selected;
      if (visible !== map.hasLayer(m)) visible ? m.addTo(map) : map.removeLayer(m);
    });
  }
  map.on("zoomend", showMarkers);

  // ---- Place names: the most populous first, each beside its marker where it overlaps
  // no other name, as many as the zoom makes room for.
  const HIGHLIGHT = "#1a4f8b";
  const labelLayer = el("div", { className: "labels" });
  map.getPane("labels").append(labelLayer);
  const measure = document.createElement("canvas").getContext("2d");
  measure.font = "600 12px system-ui, 'DejaVu Sans', sans-serif";
  const LABELS_AT_FIT = 14;
  function placeLabels() {
    const size = map.getSize();
    const cap = LABELS_AT_FIT * Math.pow(2.5, Math.max(0, map.getZoom() - fitZoom));
    const taken = [];
    const out = [];
    const overlaps = (a) => taken.some((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h);
    const order = selected === null ? byPopulation : [selected, ...byPopulation.filter((p) => p !== selected)];
    for (const p of order) {
      if (out.length >= cap) break;
      if (!map.hasLayer(markers[p])) continue;
      const place = D.places[p];
      const pt = map.latLngToContainerPoint([place.lat, place.lng]);
      if (pt.x < 0 || pt.y < 0 || pt.x > size.x || pt.y > size.y) continue;
      const w = measure.measureText(place.name).width + 8;
      const h = 17;
      const r = radius(place) + (p === selected ? 11 : 3);
      const spots = [[pt.x + r, pt.y - h / 2], [pt.x - r - w, pt.y - h / 2], [pt.x - w / 2, pt.y - r - h], [pt.x - w / 2, pt.y + r]];
      const spot = spots.map(([x, y]) => ({ x, y, w, h }))
        .find((b) => b.x >= 0 && b.y >= 0 && b.x + b.w <= size.x && b.y + b.h <= size.y && !overlaps(b));
      if (!spot) continue;
      taken.push(spot);
      out.push([p, spot]);
    }
    labelLayer.replaceChildren(...out.map(([p, b]) => {
      const at = map.containerPointToLayerPoint([b.x, b.y]);
      const label = el("div", { className: p === selected ? "place-name chosen" : "place-name", textContent: D.places[p].name });
      label.dataset.place = D.places[p].id;
      label.style.transform = `translate(${Math.round(at.x)}px, ${Math.round(at.y)}px)`;
      return label;
    }));
  }
  map.on("zoomstart", () => labelLayer.replaceChildren());
  map.on("moveend", placeLabels);

  // ---- The day.
  let day = D.days.length - 1;
  let wanted = day;
  let selected = null;
  let shownLayerDay = null;
  let records = null;
  let changes = [];
  const slider = $("slider");
  slider.max = String(D.days.length - 1);

  function showDay(i) {
    wanted = Math.max(0, Math.min(D.days.length - 1, i));
    slider.value = String(wanted);
    withChunk(chunkOf(wanted), (chunk) => {
      if (chunkOf(wanted) === D.chunkFirst.indexOf(chunk.first)) drawDay(wanted, chunk);
    });
  }

  function drawDay(i, chunk) {
    day = i;
    records = recordsOn(day, chunk);
    changes = chunk.changes[day - chunk.first];
    if (shownLayerDay !== day) {
      if (shownLayerDay !== null && layers.has(shownLayerDay)) map.removeLayer(layers.get(shownLayerDay));
      shownLayerDay = day;
      layerFor(day, records).addTo(map);
    }
    markers.forEach((m, p) => {
      const f = faction(records[p][0]);
      const colour = f ? f.colour : "#8a8a8f";
      const claimed = records[p][7] === "claimed";
      if (m.options.fillColor !== colour || (m.options.dashArray !== null) !== claimed) {
        m.setStyle({ fillColor: colour, color: claimed ? "#1d1d1f" : "#fff", weight: claimed ? 1.6 : 1,
          dashArray: claimed ? "2 2" : null });
      }
    });
    changedToday = new Set(changes.filter((c) => c.p !== null).map((c) => c.p));
    rings.clearLayers();
    for (const p of changedToday) {
      const place = D.places[p];
      L.circleMarker([place.lat, place.lng], { renderer: ringRenderer, interactive: false, radius: radius(place) + 5, color: D.colours.front, weight: 2.5, fill: false })
        .addTo(rings);
    }
    showMarkers();
    placeLabels();
    const iso = D.days[day];
    $("date").textContent = longDate(iso);
    $("date").dataset.date = iso;
    $("dayinfo").textContent = D.dayOf.replace("{day}", day + 1).replace("{days}", D.days.length);
    const words = summary(iso, changes);
    $("summary").textContent = words;
    $("map").setAttribute("aria-label", words);
    slider.value = String(day);
    const list = $("changes");
    list.replaceChildren(...changes.map((c) => {
      if (c.p === null) return el("li", { textContent: c.text });
      const b = el("button", { type: "button", textContent: c.text });
      b.addEventListener("click", () => select(c.p, true));
      return el("li", {}, b);
    }));
    if (selected !== null) details(selected);
    const hash = `#${iso}${selected !== null ? "/" + D.places[selected].id : ""}`;
    if (location.hash !== hash) history.replaceState(null, "", hash);
    // Read the next chunk ahead, so playing on does not wait for it.
    const k = chunkOf(day);
    if (k + 1 < D.chunkFirst.length && D.chunkFirst[k + 1] - day < 7) withChunk(k + 1, () => {});
    document.body.dataset.ready = "1";
  }

  // The day in words: the map's alt text, and the summary under the date.
  function summary(iso, changes) {
    const rows = D.stats.filter((r) => r.date === iso && typeof r.share === "number" && r.share >= 0.05).sort((a, b) => b.share - a.share);
    const shares = rows.map((r) => `${D.factions[r.f].name} ${r.share.toFixed(1)} %`).join(", ");
    const moved = changes.filter((c) => c.p !== null).length;
    return `Map of ${D.title} on ${longDate(iso)}.` + (shares ? ` Share of the land held: ${shares}.` : "") +
      ` ${moved === 0 ? "No place" : moved === 1 ? "One place" : `${moved} places`} changed hands this day.`;
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
    const [holder, challenger, since, basis, rule, evidence, disputed, strength] = records[p];
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

  // The chosen place: a ring of its own, and its name always labelled.
  const highlight = L.layerGroup().addTo(map);
  function select(p, fly, animate = true) {
    selected = p;
    if (records) details(p);
    const place = D.places[p];
    highlight.clearLayers();
    L.circleMarker([place.lat, place.lng], { renderer: ringRenderer, interactive: false, radius: radius(place) + 9, color: HIGHLIGHT, weight: 4, fill: false })
      .addTo(highlight);
    showMarkers();
    if (fly) {
      const zoom = Math.max(map.getZoom(), 9);
      if (animate) map.flyTo([place.lat, place.lng], zoom, { duration: 0.6 });
      else map.setView([place.lat, place.lng], zoom, { animate: false });
    }
    placeLabels();
    history.replaceState(null, "", `#${D.days[day]}/${place.id}`);
  }

  // ---- Search, in any script the gazetteer carries: Latin spellings by the matching key,
  // any other script (حماة, Запоріжжя...) by the names and aliases as written, without
  // Arabic vowel marks and tatweel.
  const written = (t) => String(t).normalize("NFKC").toLowerCase().replace(/[\u064B-\u0652\u0670\u0640]/g, "").trim();
  const writtenNames = D.places.map((p) => [p.name, ...p.aliases].map(written));
  $("search").addEventListener("input", () => {
    const raw = $("search").value.trim();
    const key = normalize(raw);
    const as = written(raw);
    const results = $("results");
    if (!key && !as) return results.replaceChildren();
    const hits = D.places.map((p, i) => [p, i])
      .filter(([p, i]) => p.id === raw.toLowerCase() || (key && p.keys.some((k) => k.includes(key))) ||
        writtenNames[i].some((n) => n.includes(as)))
      .sort((a, b) => (b[0].pop || 0) - (a[0].pop || 0)).slice(0, 8);
    results.replaceChildren(...(hits.length ? hits.map(([p, i]) => {
      const b = el("button", { type: "button", textContent: `${p.name} (${p.admin1})` });
      b.addEventListener("click", () => select(i, true));
      return el("li", {}, b);
    }) : [el("li", { className: "muted no-match", textContent: `No place matches “${raw}”.` })]));
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
    showDay(i >= 0 ? i : D.days.length - 1);
    // A shared address zooms to its place and rings it.
    if (p >= 0) select(p, true, false);
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
  // The chart drawn for the panel's width: the narrow one on phones, so its words stay legible.
  let chartShown = null;
  function showChart() {
    const source = D.chartNarrow && $("chart").clientWidth < 520 ? D.chartNarrow : D.chart;
    if (source === chartShown) return;
    chartShown = source;
    $("chart").replaceChildren(...inertSvg(source));
    const chartSvg = $("chart").querySelector("svg");
    if (chartSvg && !chartSvg.getAttribute("viewBox")) {
      chartSvg.setAttribute("viewBox", `0 0 ${chartSvg.getAttribute("width")} ${chartSvg.getAttribute("height")}`);
    }
    if (chartSvg) {
      chartSvg.setAttribute("role", "img");
      chartSvg.setAttribute("aria-label", "Stacked area chart of the area each faction held, day by day");
    }
  }
  showChart();
  window.addEventListener("resize", showChart);
  // Figures others published (the scenario's `published` tables) beside ours: one line
  // each, so long faction names wrap in the narrow panel.
  if (D.published && D.published.length) {
    const verdictText = (c) => c.verdict === "shown" ? "compared, not judged"
      : `${c.verdict} its ${c.tolerance_pts}-point tolerance`;
    const names = (keys) => keys.split("|").map((k) => (D.factions.find((f) => f.key === k) || { name: k }).name).join(" + ");
    const items = D.published.map((c) => {
      const url = webUrl(c.url);
      const by = url ? el("a", { href: url, textContent: c.publisher || c.url, rel: "noopener", target: "_blank" })
        : el("span", { textContent: c.publisher });
      const what = c.measure === "population" ? "people" : "land";
      return el("li", { className: `verdict-${c.verdict}` },
        el("b", { textContent: `${longDate(c.day)}, ${names(c.factions)}` }), el("br"),
        `${what}: ours ${c.ours_pct.toFixed(1)} %, theirs ${c.published_pct} % (`, by, `): ${verdictText(c)}`);
    });
    $("published-list").append(...items);
    $("published").hidden = false;
  }
  const credits = $("credits");
  for (const c of D.credits) credits.append(el("div", { textContent: c }));
  credits.append(el("div", { textContent: `${D.events.length} rows from ${D.sources.length} reports and pages; every answer lists its rows. Map: Leaflet (BSD-2-Clause).` }));

  // For scripts and tests driving the page: the map, the markers and the two actions.
  window.frontline = { map, markers, showDay, select, places: D.places, days: D.days };
  fromHash();
  window.frontlineLoadMs = performance.now();

  // ---- Embedded in another page's iframe: lay out at its natural height and report it to
  // the parent, as Datawrapper's responsive iframes do (see `frontline site --embed`).
  if (window.parent !== window) {
    document.body.classList.add("embedded");
    const report = () => window.parent.postMessage({ "frontline-height": Math.ceil($("app").getBoundingClientRect().height) }, "*");
    new ResizeObserver(report).observe($("app"));
    map.invalidateSize();
    report();
  }
})();
