//! Integration tests of the `risicobeeld` binary and its published tables, one module per area.

mod util;

mod architecture;
mod bad_input;
mod browser;
mod disclosure;
mod docs;
mod evaluatie;
mod golden;
mod interop;
mod peers;
mod properties;
mod publishing;
mod security;
mod server;
mod statistics;
