//! Importers that turn other people's data into a scenario's files.
//!
//! - [`geonames`]: GeoNames' country dump into gazetteer rows, merged with the user's.

pub mod geonames;
