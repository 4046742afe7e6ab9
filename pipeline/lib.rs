//! risicobeeld: the batch pipeline (ingest → validate → locate → transform → publish) that turns
//! a drop of municipal exports into published per-district Parquet tables of risk indicators
//! for human trafficking. See ARCHITECTURE.md for the map of the code.

pub mod calendar;
pub use risicobeeld_snapshot::codes;
pub mod config;
pub mod demo;
pub mod disclosure;
pub mod hashing;
pub mod ingest;
pub mod locate;
pub mod publish;
pub mod run;
pub mod transform;
pub mod validate;

/// The Arrow and Parquet versions this crate writes with, for tests and tools that read back.
pub use datafusion as datafusion_reexport;
