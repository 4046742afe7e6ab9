//! `[server]` of the config file: where the server listens, its accounts and dashboards, and the
//! limits of the analysts' SQL endpoint.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on (`serve --addr` overrides it).
    pub addr: String,
    /// Accounts with Argon2 hashes, managed by `risicobeeld user`.
    pub users_file: std::path::PathBuf,
    /// Dashboard files; a file here replaces the bundled one of the same name.
    pub dashboards_dir: std::path::PathBuf,
    /// With accounts configured: may visitors who are not logged in see the openbaar/ data?
    pub anonymous: bool,
    /// The banner says the snapshot is stale when it is older than this.
    pub stale_after_hours: u64,
    /// Limits of the analysts' SQL endpoint.
    pub sql_max_rows: usize,
    pub sql_timeout_secs: u64,
    /// An answer of the SQL endpoint larger than this (in memory) is refused.
    pub sql_max_response_mb: usize,
    /// Mark the session cookie `Secure` (set it when the server is reached over HTTPS, behind
    /// a TLS proxy): the browser then never sends it over plain HTTP.
    pub secure_cookie: bool,
    /// Connections served at once; more wait in the listen queue.
    pub max_connections: usize,
    /// A client that has not sent its request headers within this many seconds is closed.
    pub header_timeout_secs: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            addr: "127.0.0.1:8080".to_string(),
            users_file: "data/gebruikers.toml".into(),
            dashboards_dir: "dashboards".into(),
            anonymous: false,
            stale_after_hours: 36,
            sql_max_rows: 10_000,
            sql_timeout_secs: 10,
            sql_max_response_mb: 16,
            secure_cookie: false,
            max_connections: 512,
            header_timeout_secs: 10,
        }
    }
}
