//! Publish: writes a complete snapshot under `<out>/runs/<run_id>/`, then switches `<out>/current`
//! to it atomically; the lock against concurrent runs, `keep_runs`, `rollback` and the no-op when
//! no input changed. Nothing else in the crate writes under `<out>`.

mod parquet_out;
mod snapshot;

pub use parquet_out::{HIVE_NULL, PARTITION_COLUMN, write_table};
pub use snapshot::{
    DisclosureEntry, InputEntry, Manifest, OutputLock, PublishError, SafeCells, TableEntry,
    checkpoint, current_manifest, current_run, list_runs, publish, rollback,
};
