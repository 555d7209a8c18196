//! # frontline
//!
//! Maps of territorial control in a war, from a gazetteer of places, a log of dated
//! capture events with their sources, and a base map.
//!
//! ```no_run
//! use frontline::{ControlModel, Scenario};
//! let scenario = Scenario::syria_2024()?;
//! let model = scenario.model();
//! let hama = scenario.gazetteer.lookup("Ḩamāh", &frontline::Location::file("example"))?;
//! let day = chrono::NaiveDate::from_ymd_opt(2024, 12, 6).unwrap();
//! let who = model.control(hama, day);
//! println!("{:?} since {:?}", who.state.holder.map(|f| &scenario.faction(f).name), who.state.since());
//! # Ok::<(), frontline::Error>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod basemap;
pub mod check;
pub mod control;
pub mod error;
pub mod event;
pub mod export;
pub mod gazetteer;
pub mod import;
pub mod inference;
pub mod init;
pub mod population;
pub mod population_raster;
pub mod problem;
pub mod projection;
pub mod published;
pub mod raster;
pub mod region;
pub mod render;
pub mod scenario;
pub mod site;
pub mod stats;
pub mod synthetic;
pub mod synthetic_front;
mod table;
pub mod territory;

pub use control::{Basis, Control, ControlModel, PlaceState, Status};
pub use error::{Error, Location, Result};
pub use event::{Action, Colour, Confidence, Event, EventId, Faction, FactionId, Target};
pub use gazetteer::{Gazetteer, Place, PlaceId, PlaceKind};
pub use inference::Rule;
pub use problem::{Problem, Severity};
pub use region::{Region, RegionId, Regions};
pub use scenario::Scenario;
