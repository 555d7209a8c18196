//! The page in a real browser: headless Chromium driven over the DevTools protocol (real
//! mouse clicks, screenshots, console and network events), and `--dump-dom`.
//!
//! Chromium is Debian's `chromium` package, which `.ci/run` installs. Without it these
//! tests say so and pass on a developer's machine, but fail under CI (`CI` set), so a
//! missing install cannot pass unnoticed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use crate::workdir::{Workdir, fixture};

/// How every test starts chromium: headless, as root in a container, without a GPU.
const HEADLESS: [&str; 3] = ["--headless=new", "--no-sandbox", "--disable-gpu"];

pub(crate) fn chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(out) = Command::new("which").arg(name).output()
            && out.status.success()
        {
            return Some(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
        }
    }
    if std::env::var_os("CI").is_some() {
        panic!("chromium is not installed: .ci/run must install it");
    }
    eprintln!("skipped: no chromium on this machine (apt-get install chromium)");
    None
}

/// A headless Chromium with one page, driven over the DevTools protocol.
pub(crate) struct Browser {
    child: Child,
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
    _profile: tempfile::TempDir,
    /// Console errors and uncaught exceptions seen so far.
    pub(crate) errors: Vec<String>,
    /// Every URL the page asked for.
    pub(crate) requests: Vec<String>,
}

impl Browser {
    pub(crate) fn launch(width: u32, height: u32) -> Option<Browser> {
        let exe = chromium()?;
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(exe)
            .args(HEADLESS)
            .args([
                "--hide-scrollbars",
                "--no-first-run",
                "--remote-debugging-port=0",
                "--force-device-scale-factor=1",
                &format!("--window-size={width},{height}"),
                &format!("--user-data-dir={}", profile.path().display()),
                "about:blank",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        // Owned at once, so a failure below still ends the browser.
        let mut child = KillOnDrop(Some(child));
        let port_file = profile.path().join("DevToolsActivePort");
        let started = Instant::now();
        let port = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file)
                && let Some(port) = text.lines().next().and_then(|l| l.trim().parse::<u16>().ok())
            {
                break port;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "chromium did not open its debugging port");
            std::thread::sleep(Duration::from_millis(50));
        };
        let url = page_socket(port);
        let (ws, _) = tungstenite::connect(url.as_str()).expect("a DevTools connection");
        let child = child.0.take().expect("the browser process");
        let mut b = Browser { child, ws, next: 0, _profile: profile, errors: Vec::new(), requests: Vec::new() };
        for method in ["Page.enable", "Runtime.enable", "Log.enable", "Network.enable"] {
            b.call(method, json!({}));
        }
        // The viewport exactly (a headless window has a minimum width of its own).
        b.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}),
        );
        // No network at all: the page must need none.
        b.call(
            "Network.emulateNetworkConditions",
            json!({"offline": true, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
        );
        Some(b)
    }

    /// Sends a command and waits for its answer, noting the events that come meanwhile.
    pub(crate) fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let msg = json!({"id": id, "method": method, "params": params}).to_string();
        self.ws.send(Message::Text(msg.into())).expect("send to chromium");
        loop {
            let text = match self.ws.read().expect("read from chromium") {
                Message::Text(t) => t.to_string(),
                _ => continue,
            };
            let v: Value = serde_json::from_str(&text).unwrap();
            if v["id"] == id {
                assert!(v.get("error").is_none(), "{method} failed: {v}");
                return v["result"].clone();
            }
            self.note(&v);
        }
    }

    fn note(&mut self, event: &Value) {
        let p = &event["params"];
        match event["method"].as_str() {
            Some("Runtime.exceptionThrown") => self.errors.push(p["exceptionDetails"].to_string()),
            Some("Runtime.consoleAPICalled") if p["type"] == "error" => self.errors.push(p["args"].to_string()),
            Some("Log.entryAdded") if p["entry"]["level"] == "error" => self.errors.push(p["entry"].to_string()),
            Some("Network.requestWillBeSent") => {
                self.requests.push(p["request"]["url"].as_str().unwrap_or_default().to_string())
            }
            _ => {}
        }
    }

    pub(crate) fn eval(&mut self, expression: &str) -> Value {
        let r = self.call("Runtime.evaluate", json!({"expression": expression, "returnByValue": true}));
        assert!(r.get("exceptionDetails").is_none(), "{expression} threw: {r}");
        r["result"]["value"].clone()
    }

    /// Opens `url` and waits until the page says it is ready and, when the address names
    /// a day, shows that day (a change of the hash alone does not reload the page).
    pub(crate) fn open(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
        let day = url.split_once('#').map(|(_, h)| h.split('/').next().unwrap_or_default().to_string());
        let check = match &day {
            Some(d) => format!(
                "document.body && document.body.dataset.ready === '1' && document.getElementById('date').dataset.date === '{d}'"
            ),
            None => "document.body && document.body.dataset.ready === '1'".to_string(),
        };
        let started = Instant::now();
        while self.eval(&check) != json!(true) {
            assert!(started.elapsed() < Duration::from_secs(20), "the page did not get ready: {:?}", self.errors);
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A real click: the mouse pressed and released at a point of the viewport.
    pub(crate) fn click(&mut self, x: f64, y: f64) {
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
    }

    /// The viewport as a picture, also saved as `target/tmp/browser-NAME.png` to look at.
    pub(crate) fn screenshot(&mut self, name: &str) -> Screenshot {
        let r = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let bytes = base64(r["data"].as_str().unwrap());
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tmp");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("browser-{name}.png")), &bytes);
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        let channels = info.color_type.samples();
        Screenshot { width: info.width, pixels: buf, channels }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Kills a process when dropped, unless taken.
struct KillOnDrop(Option<Child>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

pub(crate) struct Screenshot {
    width: u32,
    pixels: Vec<u8>,
    channels: usize,
}

impl Screenshot {
    pub(crate) fn at(&self, x: f64, y: f64) -> [u8; 3] {
        let i = ((y.round() as usize) * self.width as usize + x.round() as usize) * self.channels;
        [self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]]
    }
}

/// The DevTools socket of the browser's first page, from its HTTP endpoint.
fn page_socket(port: u16) -> String {
    let started = Instant::now();
    loop {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            // Chrome answers HTTP/1.1 only, and keeps the connection open: read the body by
            // its Content-Length.
            let request = format!("GET /json/list HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
            s.write_all(request.as_bytes()).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut raw = Vec::new();
            let mut buf = [0u8; 8192];
            let body = loop {
                let n = s.read(&mut buf).unwrap_or(0);
                if n == 0 {
                    break None;
                }
                raw.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&raw);
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string())
                        })
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(0);
                    if body.len() >= length {
                        break Some(body.to_string());
                    }
                }
            };
            if let Some(body) = body
                && let Ok(list) = serde_json::from_str::<Value>(&body)
                && let Some(page) = list.as_array().and_then(|l| l.iter().find(|t| t["type"] == "page"))
            {
                return page["webSocketDebuggerUrl"].as_str().unwrap().to_string();
            }
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no page target in chromium");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = text.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let v: Vec<u32> = chunk.iter().map(|c| u32::from(value(*c))).collect();
        let n = v.iter().enumerate().fold(0u32, |acc, (i, x)| acc | (x << (18 - 6 * i)));
        out.extend_from_slice(&n.to_be_bytes()[1..chunk.len()]);
    }
    out
}

pub(crate) fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

pub(crate) fn rgb(hex: &str) -> [u8; 3] {
    let b = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap();
    [b(1), b(3), b(5)]
}

pub(crate) fn close(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 12)
}

/// The screen position of a place's marker.
pub(crate) fn marker_xy(b: &mut Browser, id: &str) -> (f64, f64) {
    let p = b.eval(&format!(
        "(() => {{ const i = frontline.places.findIndex(p => p.id === '{id}'); \
         const pt = frontline.map.latLngToContainerPoint(frontline.markers[i].getLatLng()); \
         const r = document.getElementById('map').getBoundingClientRect(); return [pt.x + r.left, pt.y + r.top]; }})()"
    ));
    (p[0].as_f64().unwrap(), p[1].as_f64().unwrap())
}

pub(crate) fn syria_site(w: &Workdir) -> PathBuf {
    w.run(&["site", "--out", "site"]).success().says("index.html");
    w.path("site/index.html")
}

#[test]
fn the_page_shows_the_last_day_then_hama_turns_hts_and_aleppo_lists_its_evidence() {
    let w = Workdir::new();
    let page = syria_site(&w);
    let size = std::fs::metadata(&page).unwrap().len();
    assert!(size < 3_000_000, "the Syria page is {size} bytes");
    let Some(mut b) = Browser::launch(1280, 800) else { return };
    let url = file_url(&page);
    b.open(&url);
    assert_eq!(b.eval("document.getElementById('date').dataset.date"), json!("2024-12-10"), "opens on the last day");

    // Hama's marker: the government's colour on 3 Dec, HTS's on 5 Dec.
    let gov = rgb("#c0392b");
    let hts = rgb("#2e7d4f");
    let colour_on = |b: &mut Browser, day: &str| {
        b.open(&format!("{url}#{day}"));
        assert_eq!(b.eval("document.getElementById('date').textContent"), json!(day_text(day)));
        let (x, y) = marker_xy(b, "hama");
        b.screenshot(&format!("syria-{day}")).at(x, y)
    };
    let before = colour_on(&mut b, "2024-12-03");
    let after = colour_on(&mut b, "2024-12-05");
    assert!(close(before, gov), "Hama on 3 Dec is {before:?}, not the government's {gov:?}");
    assert!(close(after, hts), "Hama on 5 Dec is {after:?}, not HTS's {hts:?}");

    // A real click on Aleppo's marker lists its evidence with the outlets.
    let (x, y) = marker_xy(&mut b, "aleppo");
    b.click(x, y);
    let details = b.eval("document.getElementById('details').innerText").as_str().unwrap_or_default().to_string();
    assert!(details.contains("Aleppo") && details.contains("Evidence ("), "{details}");
    for outlet in ["Sky News", "The Guardian", "Daily Mail"] {
        assert!(details.contains(outlet), "{outlet} missing from Aleppo's evidence:\n{details}");
    }
    assert_eq!(b.eval("location.hash"), json!("#2024-12-05/aleppo"), "the address shares the day and the place");

    // The arrow keys move a day; the address follows.
    b.call(
        "Input.dispatchKeyEvent",
        json!({"type": "keyDown", "key": "ArrowRight", "code": "ArrowRight", "windowsVirtualKeyCode": 39}),
    );
    assert_eq!(b.eval("document.getElementById('date').dataset.date"), json!("2024-12-06"));

    // Search ignores case and diacritics, as the command line does.
    b.eval("(() => { const s = document.getElementById('search'); s.value = 'ḨAMĀH'; s.dispatchEvent(new Event('input')); })()");
    let found = b.eval("document.getElementById('results').innerText").as_str().unwrap_or_default().to_string();
    assert!(found.starts_with("Hama"), "{found}");

    let load_ms = b.eval("window.frontlineLoadMs").as_f64().unwrap_or(f64::NAN);
    eprintln!("page ready {load_ms:.0} ms after navigation start ({size} bytes)");
    assert!(b.errors.is_empty(), "console errors: {:#?}", b.errors);
    let outside: Vec<&String> = b
        .requests
        .iter()
        .filter(|u| !u.starts_with("file:") && !u.starts_with("data:") && !u.starts_with("about:"))
        .collect();
    assert!(outside.is_empty(), "the page asked the network for {outside:?}");
}

fn day_text(iso: &str) -> String {
    let d: chrono::NaiveDate = iso.parse().unwrap();
    d.format("%-d %B %Y").to_string()
}

#[test]
fn dump_dom_shows_the_date_and_the_days_changes() {
    let w = Workdir::new();
    let page = syria_site(&w);
    let Some(exe) = chromium() else { return };
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(exe)
        .args(HEADLESS)
        .args([
            "--virtual-time-budget=5000",
            &format!("--user-data-dir={}", profile.path().display()),
            "--dump-dom",
            &format!("{}#2024-12-07", file_url(&page)),
        ])
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(dom.contains(r#"data-date="2024-12-07""#), "the date is not shown:\n{}", &dom[..dom.len().min(2000)]);
    assert!(dom.contains("7 December 2024"));
    let changes = &dom[dom.find(r#"id="changes""#).expect("the changes list")..];
    let changes = &changes[..changes.find("</ul>").unwrap()];
    for expected in ["Homs", "Daraa", "Palmyra"] {
        assert!(changes.contains(expected), "{expected} is not among the changes of 7 Dec: {changes}");
    }
}

#[test]
fn the_page_works_for_another_scenario_and_on_a_phone() {
    let w = Workdir::with_mini();
    // This scenario folds names as Cyrillic romanisations: Bravo is renamed, with no alias.
    let manifest = w.read("mini/scenario.toml");
    w.write("mini/scenario.toml", &manifest.replacen("[map]", "[names]\nfold = [\"cyrillic\"]\n\n[map]", 1));
    let gazetteer = w.read("mini/gazetteer.csv");
    w.write("mini/gazetteer.csv", &gazetteer.replace("bravo,Bravo,,", "bravo,Zaporizhzhia,,"));
    let baseline = w.read("mini/baseline.csv");
    w.write("mini/baseline.csv", &baseline.replace("place,Bravo,", "place,Zaporizhia,"));
    w.run(&["--scenario", "mini", "site", "--out", "mini-site"]).success();
    let Some(mut b) = Browser::launch(360, 740) else { return };
    let url = file_url(&w.path("mini-site/index.html"));
    b.open(&format!("{url}#2024-03-02"));
    assert_eq!(b.eval("document.getElementById('title').textContent"), json!("Testland"));
    assert_eq!(b.eval("document.getElementById('date').dataset.date"), json!("2024-03-02"));
    let changes = b.eval("document.getElementById('changes').innerText").as_str().unwrap_or_default().to_string();
    assert!(changes.contains("Alpha: contested"), "{changes}");
    // Nothing wider than the phone's screen.
    let wide = b.eval(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361 && !e.closest('.leaflet-pane'))\
         .map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)",
    );
    assert_eq!(wide, json!([]), "wider than the phone");
    // Alpha's marker is Red's (the holder) while Blue fights inside.
    let (x, y) = marker_xy(&mut b, "alpha");
    let shot = b.screenshot("mini-phone");
    assert!(close(shot.at(x, y), rgb("#c0392b")), "{:?}", shot.at(x, y));
    // The search box folds as the scenario says: Cyrillic finds the romanised name.
    b.eval("(() => { const s = document.getElementById('search'); s.value = 'Запоріжжя'; s.dispatchEvent(new Event('input')); })()");
    let found = b.eval("document.getElementById('results').innerText").as_str().unwrap_or_default().to_string();
    assert!(found.starts_with("Zaporizhzhia"), "{found}");
    assert!(b.errors.is_empty(), "console errors: {:#?}", b.errors);
    let _ = fixture("mini");
}

#[test]
fn stats_km2_equal_the_exported_areas() {
    let w = Workdir::new();
    let stats = w.run(&["stats", "--format", "json", "--from", "2024-12-07", "--to", "2024-12-07"]).success().json();
    w.run(&["export", "--date", "2024-12-07", "--out", "day.geojson"]).success();
    let geo: Value = serde_json::from_str(&w.read("day.geojson")).unwrap();
    for row in stats.as_array().unwrap().iter().filter(|r| r["faction"] != "(unheld)") {
        let key = row["faction"].as_str().unwrap();
        let exported: f64 = geo["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["properties"]["layer"] == "area" && f["properties"]["faction"] == key)
            .map(|f| f["properties"]["area_km2"].as_f64().unwrap())
            .sum();
        let stated = row["area_km2"].as_f64().unwrap();
        // Both are rounded to 0.1 km², the export once per faction and basis.
        assert!((stated - exported).abs() <= 0.3, "{key}: stats {stated} km², export {exported} km²");
    }
    w.run(&["stats", "--chart", "chart.png"]).success().says("wrote the chart");
    let png = std::fs::read(w.path("chart.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000);
    w.run(&["stats", "--chart", "chart.svg"]).success();
    roxmltree::Document::parse(&w.read("chart.svg")).expect("the SVG chart parses");
    w.run(&["stats", "--chart", "chart.gif"]).failure().says(".png or .svg");
}

/// Markup that, if the page ever treated it as HTML, would append `!tag` to the page's title.
fn hostile(tag: &str) -> String {
    format!("<img src=x onerror=document.title+='!{tag}'>")
}

#[test]
fn hostile_text_from_every_input_shows_as_text_and_runs_nothing() {
    let w = Workdir::with_mini();
    let title = format!("Testland{}", hostile("title"));
    let faction = format!("Blue{}", hostile("faction"));
    w.edit("mini/scenario.toml", "title = \"Testland\"", &format!("title = \"{title}\""));
    w.edit("mini/scenario.toml", "name = \"Blue front\"", &format!("name = \"{faction}\""));
    // The gazetteer: a name, an alias (which an event uses) and a region.
    let (name, alias, admin1) = (
        format!("Delta{}", hostile("gaz-name")),
        format!("Delta{}", hostile("gaz-alias")),
        format!("East{}", hostile("gaz-admin1")),
    );
    let mut gazetteer = w.read("mini/gazetteer.csv");
    gazetteer.push_str(&format!("delta,{name},{alias},34.0,36.1,5000,{admin1},town,invented\n"));
    w.write("mini/gazetteer.csv", &gazetteer);
    // The sources: an outlet and a title, and a web address with markup in it (shown as
    // text where a page has no title).
    let (outlet, source_title) = (format!("Wire{}", hostile("outlet")), format!("Story{}", hostile("source-title")));
    let url = "https://example.org/<img/src/onerror=document.title+='!url'>";
    w.write(
        "mini/sources.csv",
        &format!(
            "id,file,outlet,title,published,url,kind\nr1,r1.txt,Invented Wire,Blue advance,2024-03-04,,\n\
             r2,,{outlet},{source_title},2024-03-03,https://example.org/a,page\nr3,,Plain Paper,,2024-03-03,{url},page\n"
        ),
    );
    // The events: a quote and a note, on a row naming the place by its hostile alias.
    let (quote, note) = (format!("Quote{}", hostile("quote")), format!("Note{}", hostile("note")));
    let mut events = w.read("mini/events.csv");
    events.push_str(&format!("2024-03-02,{alias},blue,entered,reported,r1,{quote},{note}\n"));
    events.push_str("2024-03-03,delta,blue,captured,reported,r2,,A page says Blue took Delta.\n");
    events.push_str("2024-03-04,delta,red,captured,claimed,r3,,A page says Red took Delta back.\n");
    w.write("mini/events.csv", &events);
    // A table of published figures: a publisher and a web address with markup in them.
    let publisher = format!("Monitor{}", hostile("publisher"));
    let published_url = "https://example.org/<img/src/onerror=document.title+='!published'>";
    w.write(
        "mini/theirs.csv",
        &format!(
            "day,factions,published_pct,tolerance_pts,publisher,url\n2024-03-03,blue,40,5,{publisher},{published_url}\n"
        ),
    );
    w.edit("mini/scenario.toml", "events = \"events.csv\"", "events = \"events.csv\"\npublished = [\"theirs.csv\"]");
    w.run(&["--scenario", "mini", "check"]).success().says("0 error(s)");
    // GeoNames: a place name and a region name.
    let (geo_name, geo_admin1) =
        (format!("Nova{}", hostile("geonames")), format!("North{}", hostile("geonames-admin1")));
    let dump = std::fs::read_to_string(fixture("geonames").join("XX.txt")).unwrap();
    w.write("XX.txt", &dump.replacen("Nova Vila\tNova Vila\t", &format!("{geo_name}\t{geo_name}\t"), 1));
    let codes = std::fs::read_to_string(fixture("geonames").join("admin1CodesASCII.txt")).unwrap();
    w.write(
        "admin1.txt",
        &codes.replace("Northern Province\tNorthern Province", &format!("{geo_admin1}\t{geo_admin1}")),
    );
    w.run(&["--scenario", "mini", "import", "geonames", "XX.txt", "--admin1", "admin1.txt"]).success();
    // ACLED: a location (a new place) and an outlet.
    let (acled_place, acled_outlet) =
        (format!("Newtown{}", hostile("acled-place")), format!("Paper{}", hostile("acled-outlet")));
    let export = std::fs::read_to_string(fixture("acled").join("export.csv")).unwrap();
    w.write("export.csv", &export.replace("Newtown", &acled_place).replace("Other Paper", &acled_outlet));
    let actors = fixture("acled").join("actors.toml");
    w.run(&["--scenario", "mini", "import", "acled", "export.csv", "--actors", actors.to_str().unwrap()]).success();
    w.run(&["--scenario", "mini", "check"]).success().says("0 error(s)");
    w.run(&["--scenario", "mini", "site", "--out", "site"]).success();

    let Some(mut b) = Browser::launch(1280, 800) else { return };
    b.open(&file_url(&w.path("site/index.html")));
    // Every sink: each place's details on each day, each marker's tooltip, the day's
    // changes, the search results for each name, the legend and the chart.
    let seen = b.eval(
        r#"(() => {
          const out = [];
          frontline.days.forEach((d, day) => {
            frontline.showDay(day);
            out.push(document.getElementById('changes').innerText);
            frontline.places.forEach((p, i) => { frontline.select(i, false); out.push(document.getElementById('details').innerText); });
          });
          frontline.markers.forEach((m) => { m.openTooltip(); out.push(m.getTooltip().getElement().textContent); m.closeTooltip(); });
          const search = document.getElementById('search');
          for (const p of frontline.places) {
            for (const q of [p.name, ...p.aliases]) {
              search.value = q; search.dispatchEvent(new Event('input'));
              out.push(document.getElementById('results').innerText);
            }
          }
          out.push(document.getElementById('panel').innerText);
          out.push([...document.querySelectorAll('#chart text')].map((t) => t.textContent).join('\n'));
          return out.join('\n');
        })()"#,
    );
    let seen = seen.as_str().unwrap_or_default().to_string();
    // Give any handler that did get in the time to run (an image's error comes later).
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(b.eval("document.title"), json!(title), "script from the data ran");
    assert_eq!(
        b.eval("document.querySelectorAll('img, [onerror], [onload]').length"),
        json!(0),
        "markup from the data"
    );
    for (input, text) in [
        ("scenario title", title.as_str()),
        ("faction name", faction.as_str()),
        ("gazetteer name", name.as_str()),
        ("gazetteer alias (as an event's place)", alias.as_str()),
        ("gazetteer admin1", admin1.as_str()),
        ("event quote", quote.as_str()),
        ("event note", note.as_str()),
        ("sources outlet", outlet.as_str()),
        ("sources title", source_title.as_str()),
        ("sources url", url),
        ("GeoNames name", geo_name.as_str()),
        ("GeoNames admin1", geo_admin1.as_str()),
        ("ACLED location", acled_place.as_str()),
        ("ACLED outlet", acled_outlet.as_str()),
        ("published figure's publisher", publisher.as_str()),
    ] {
        assert!(seen.contains(text), "the {input} is not shown literally: {text:?}");
    }
    let chart = b.eval("[...document.querySelectorAll('#chart svg text')].map((t) => t.textContent).join('\\n')");
    assert!(chart.as_str().unwrap_or_default().contains(&faction), "the chart's legend lost the faction: {chart}");
    let links = b
        .eval("[...document.querySelectorAll('a[href]')].map((a) => a.href).filter((h) => !/^(https?|file):/.test(h))");
    assert_eq!(links, json!([]), "links that are not web addresses");
    assert!(b.errors.is_empty(), "console errors: {:#?}", b.errors);
    let outside: Vec<&String> =
        b.requests.iter().filter(|u| !u.starts_with("file:") && !u.starts_with("about:")).collect();
    assert!(outside.is_empty(), "the page asked the network for {outside:?}");
}

#[test]
fn the_page_dashes_claimed_only_markers_and_folds_turkic_names() {
    let w = Workdir::with_mini();
    // Charlie falls on Blue's claim alone; Bravo takes an Azerbaijani spelling.
    w.edit("mini/events.csv", "Tall Charlie,blue,captured,reported", "Tall Charlie,blue,captured,claimed");
    let manifest = w.read("mini/scenario.toml");
    w.write(
        "mini/scenario.toml",
        &manifest.replacen("[map]", "[names]\nfold = [\"turkic\", \"double-letters\"]\n\n[map]", 1),
    );
    let gazetteer = w.read("mini/gazetteer.csv");
    w.write("mini/gazetteer.csv", &gazetteer.replace("bravo,Bravo,,", "bravo,Laçın,,"));
    let baseline = w.read("mini/baseline.csv");
    w.write("mini/baseline.csv", &baseline.replace("place,Bravo,", "place,Lachin,"));
    w.run(&["--scenario", "mini", "site", "--out", "mini-site"]).success();
    let Some(mut b) = Browser::launch(1280, 800) else { return };
    let url = file_url(&w.path("mini-site/index.html"));
    b.open(&format!("{url}#2024-03-04"));
    // Markers are drawn on a canvas, from the dash pattern in their options.
    let dash = |b: &mut Browser, id: &str| {
        b.eval(&format!(
            "(() => {{ const i = frontline.places.findIndex(p => p.id === '{id}'); \
             return frontline.markers[i].options.dashArray; }})()"
        ))
    };
    assert!(dash(&mut b, "charlie").as_str().is_some_and(|d| !d.is_empty()), "Charlie's edge is dashed");
    assert_eq!(dash(&mut b, "alpha"), json!(null), "Alpha rests on confirmed footage: a plain edge");
    // The tooltip and the details say so in words; the legend explains the dashes.
    let tooltip = b.eval(
        "(() => { const i = frontline.places.findIndex(p => p.id === 'charlie'); const m = frontline.markers[i]; \
         m.openTooltip(); return m.getTooltip().getElement().innerText; })()",
    );
    assert_eq!(tooltip, json!("Charlie (claimed only)"));
    let (x, y) = marker_xy(&mut b, "charlie");
    b.click(x, y);
    let details = b.eval("document.getElementById('details').innerText").as_str().unwrap_or_default().to_string();
    assert!(details.contains("Strength: claimed only"), "{details}");
    let legend = b.eval("document.getElementById('legend').innerText").as_str().unwrap_or_default().to_string();
    assert!(legend.contains("Dashed edge: claimed only"), "{legend}");
    // The search box folds Turkic Latin as the command line does.
    b.eval("(() => { const s = document.getElementById('search'); s.value = 'Lachin'; s.dispatchEvent(new Event('input')); })()");
    let found = b.eval("document.getElementById('results').innerText").as_str().unwrap_or_default().to_string();
    assert!(found.starts_with("Laçın"), "{found}");
    assert!(b.errors.is_empty(), "console errors: {:#?}", b.errors);
}

/// The Syria page lists ours beside each figure its data carries (`published` in
/// scenario.toml), as `stats --published` prints them.
#[test]
fn the_page_sets_our_shares_beside_the_published_ones() {
    let w = Workdir::new();
    let page = syria_site(&w);
    let expected = w.run(&["stats", "--published", "--format", "json"]).success().json();
    let Some(mut b) = Browser::launch(1280, 800) else { return };
    b.open(&file_url(&page));
    let items = b.eval("[...document.querySelectorAll('#published-list li')].map((li) => li.innerText)");
    let items: Vec<String> = items.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
    let figures = expected.as_array().unwrap();
    assert_eq!(items.len(), figures.len(), "{items:#?}");
    for (item, figure) in items.iter().zip(figures) {
        let ours = format!("ours {:.1} %", figure["ours_pct"].as_f64().unwrap());
        assert!(item.contains(&ours) && item.contains(figure["publisher"].as_str().unwrap()), "{item} for {figure}");
        let judged = if figure["verdict"] == "shown" {
            "compared, not judged".to_string()
        } else {
            format!("{} its", figure["verdict"].as_str().unwrap())
        };
        assert!(item.contains(&judged), "{item} for {figure}");
    }
    assert!(b.errors.is_empty(), "console errors: {:#?}", b.errors);
}
