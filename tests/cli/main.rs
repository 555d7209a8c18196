//! The one integration-test binary: runs the real `frontline` program in temporary
//! folders, on the shipped scenario and on broken copies of a small fixture.

mod workdir;

mod assessed;
mod bounds;
mod browser;
mod check;
mod export;
mod fuzz_quick;
mod hardening;
mod init;
mod labels;
mod land;
mod own_conflict;
mod page;
mod probe;
mod queries;
mod readme;
mod render;
mod syria;
mod tools;
mod wikimap;
mod wrong_maps;
