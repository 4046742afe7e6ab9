//! The published snapshot, the one contract between the batch pipeline (which writes it) and the
//! dashboard server (which reads only it): the tables and their sensitive columns, the
//! `_onderdrukt` naming rule, the manifest, the last run's status, the safe shape of an area
//! code, the published vocabulary (levels, signal phases), the indicator registry, what every
//! published column is and the check a public table must pass, and reading a published table.
//! Neither program's code is needed to read a snapshot.

pub mod check;
pub mod codes;
pub mod indicators;
pub mod manifest;
pub mod run;
pub mod schema;
pub mod status;
pub mod tables;
pub mod vocabulary;

pub use manifest::Manifest;
pub use run::{OpenError, OpenRun, open_run};
pub use status::{RunState, RunStatus, STATUS_FILE};
pub use tables::TABLES;
