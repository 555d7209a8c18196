//! The shipped Syria 2024 scenario: it checks clean, its quotes stand in the reports, the
//! spellings the news uses resolve, and the answers match what the reports say.

use frontline::Scenario;
use frontline::gazetteer::Resolution;

use crate::workdir::Workdir;

fn day(d: &str) -> chrono::NaiveDate {
    d.parse().unwrap()
}

#[test]
fn the_shipped_scenario_checks_with_conflicts_as_warnings() {
    let w = Workdir::new();
    let run = w.run(&["check"]);
    run.success()
        .says("0 error(s)")
        .says("warning: data/syria-2024/events.csv:")
        .says("conflicting claims for Damascus on 2024-12-07");
}

#[test]
fn every_quote_stands_in_its_report() {
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if !seeds.is_dir() {
        eprintln!("skipped: the reports are not at {}", seeds.display());
        return;
    }
    let w = Workdir::new();
    w.run(&["check", "--sources", seeds.to_str().unwrap()]).success().says("0 error(s)");
}

#[test]
fn news_spellings_resolve_to_one_place_each() {
    let s = Scenario::syria_2024().unwrap();
    let groups: &[&[&str]] = &[
        &["Hama", "Ḩamāh"],
        &["Deir el-Zor", "Deir ez-Zor", "Dayr az Zawr"],
        &["Qusayr", "Al-Qusayr", "Al Quşayr"],
        &["Sednaya", "Saydnaya", "Şaydnāyā"],
        &["Daraa", "Deraa", "Dar‘ā"],
        &["Tartous", "Ţarţūs"],
        &["Palmyra", "Tadmur"],
        &["Sweida", "As-Suwayda"],
        &["Aleppo", "Halab"],
        &["Homs"],
        &["Damascus"],
        &["Kobani"],
        &["Tall Abyad"],
        &["Manbij"],
    ];
    for group in groups {
        let ids: Vec<_> = group
            .iter()
            .map(|name| match s.gazetteer.resolve(name) {
                Resolution::Found(id) => s.gazetteer.get(id).key.clone(),
                other => panic!("{name} did not resolve to one place: {other:?}"),
            })
            .collect();
        assert!(ids.iter().all(|id| id == &ids[0]), "{group:?} resolved to {ids:?}");
    }
    match s.gazetteer.resolve("Şūrān") {
        Resolution::Ambiguous(ids) => assert_eq!(ids.len(), 2),
        other => panic!("Şūrān should be ambiguous, got {other:?}"),
    }
}

#[test]
fn the_model_follows_the_offensive() {
    let s = Scenario::syria_2024().unwrap();
    let model = s.model();
    let holder = |name: &str, d: &str| {
        let id = s.gazetteer.lookup(name, &frontline::Location::file("test")).unwrap();
        model.state(id, day(d)).holder.map(|f| s.faction(f).key.clone()).unwrap_or_default()
    };
    assert_eq!(holder("Aleppo", "2024-11-26"), "gov");
    assert_eq!(holder("Aleppo", "2024-12-01"), "hts");
    assert_eq!(holder("Hama", "2024-12-04"), "gov");
    assert_eq!(holder("Hama", "2024-12-06"), "hts");
    assert_eq!(holder("Damascus", "2024-12-07"), "gov");
    assert_eq!(holder("Damascus", "2024-12-08"), "hts");
    assert_eq!(holder("Daraa", "2024-12-08"), "south");
    assert_eq!(holder("Idlib", "2024-11-26"), "hts");
}

#[test]
fn control_json_has_the_documented_fields() {
    let w = Workdir::new();
    let json = w.run(&["control", "--date", "2024-12-08", "Damascus", "--format", "json"]).success().json();
    let d = &json[0];
    for field in ["place", "id", "faction", "status", "since", "sources", "evidence"] {
        assert!(d.get(field).is_some(), "missing {field} in {d}");
    }
    assert_eq!((d["faction"].as_str(), d["since"].as_str()), (Some("hts"), Some("2024-12-08")));
    assert!(d["evidence"].as_array().unwrap().len() >= 3);
}
