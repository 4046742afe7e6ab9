//! The dashboard server (`risicobeeld serve`, server.md): routes, access per role, security
//! headers, and the glue between the snapshot store, the dashboards and the renderers.
//! Pages and API live in `pages.rs` and `api.rs`; this file owns the state and the router.

pub mod api;
pub mod auth;
pub mod charts;
pub mod dashboards;
pub mod error;
pub mod frame;
pub mod functions;
pub mod funnel_plot;
pub mod html;
pub mod indicators;
pub mod map;
pub mod page;
pub mod pages;
pub mod settings;
pub mod snapshot;
pub mod xlsx;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};

use auth::{Sessions, UsersFile};
use dashboards::DashboardStore;
pub use settings::ServerConfig;
use snapshot::{Role, Snapshot, SnapshotStore};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Snapshot(#[from] snapshot::SnapshotError),
    #[error(transparent)]
    Auth(#[from] auth::AuthError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error(
        "refusing to listen on {0}: no accounts are configured, so the server binds to 127.0.0.1 only (add users with `risicobeeld user add`)"
    )]
    OpenWithoutAccounts(String),
    #[error("server stopped: {0}")]
    Io(#[from] std::io::Error),
}

/// Everything a request handler may use. No global state: one `Arc<AppState>` per server.
pub struct AppState {
    pub snapshots: Arc<SnapshotStore>,
    pub dashboards: DashboardStore,
    pub sessions: Sessions,
    pub settings: ServerConfig,
    pub rendered: page::RenderCache,
    users_file: PathBuf,
    users: Mutex<(Option<SystemTime>, Arc<UsersFile>)>,
    loading: Mutex<()>,
}

/// Who is asking.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub role: Role,
    pub user: Option<String>,
}

impl AppState {
    pub fn new(out: &Path, settings: ServerConfig) -> Result<Arc<AppState>, ServeError> {
        let users_file = settings.users_file.clone();
        let users = UsersFile::load(&users_file)?;
        let state = AppState {
            snapshots: Arc::new(SnapshotStore::new(out)),
            dashboards: DashboardStore::new(&settings.dashboards_dir),
            sessions: Sessions::default(),
            rendered: page::RenderCache::default(),
            users_file,
            users: Mutex::new((modified(&settings.users_file), Arc::new(users))),
            settings,
            loading: Mutex::new(()),
        };
        state.snapshots.refresh()?;
        Ok(Arc::new(state))
    }

    /// The accounts, read again when the file changed (so `user add` needs no restart).
    pub fn users(&self) -> Arc<UsersFile> {
        let now = modified(&self.users_file);
        // A panic elsewhere while the lock was held leaves the accounts as they were: keep
        // using them. (Answering "no accounts" here would open the server to anonymous visitors.)
        let mut cached = self
            .users
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cached.0 != now {
            match UsersFile::load(&self.users_file) {
                Ok(u) => *cached = (now, Arc::new(u)),
                Err(e) => tracing::error!("{e}; keeping the accounts read before"),
            }
        }
        cached.1.clone()
    }

    /// The snapshot for one request. A newly published run is loaded in the background
    /// (`SnapshotStore::refresh_in_background`): requests keep the snapshot they have until it
    /// is ready, and a run that fails to load is retried with a back-off. Only while nothing is
    /// served yet does a request load the run itself (one at a time).
    pub fn snapshot(&self) -> Option<Arc<Snapshot>> {
        if self.snapshots.is_behind() {
            if self.snapshots.get().is_some() {
                self.snapshots.refresh_in_background();
            } else if !self.snapshots.waiting_after_failure()
                && let Ok(_guard) = self.loading.try_lock()
            {
                let _ = self.snapshots.refresh();
            }
        }
        self.snapshots.get()
    }

    /// The role of a request: its session, or anonymous where that is allowed.
    pub fn viewer(&self, headers: &HeaderMap) -> Option<Viewer> {
        let session = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| auth::token_from_cookie(c).and_then(|t| self.sessions.get(t)));
        if let Some(s) = session {
            return Some(Viewer {
                role: s.role,
                user: Some(s.user),
            });
        }
        let no_accounts = self.users().users.is_empty();
        (no_accounts || self.settings.anonymous).then_some(Viewer {
            role: Role::Anoniem,
            user: None,
        })
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The strict headers on every response: only this server's own assets, no framing.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    let set = |h: &mut HeaderMap, name: &'static str, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(
        h,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    set(h, "x-frame-options", "DENY");
    set(h, "x-content-type-options", "nosniff");
    set(h, "referrer-policy", "no-referrer");
    set(h, "cross-origin-opener-policy", "same-origin");
    if !h.contains_key(header::CACHE_CONTROL) {
        set(h, "cache-control", "no-store");
    }
    response
}

/// All routes of server.md (and a few more: downloads, comparison, assets, OpenAPI).
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(pages::explorer))
        .route("/gebied/{gebiedscode}", get(pages::area))
        .route("/college/{gemeentecode}", get(pages::college))
        .route("/college/{gemeentecode}/export", get(pages::college_export))
        .route("/jaarevaluatie/{gebiedscode}", get(pages::jaarevaluatie))
        .route(
            "/jaarevaluatie/{gebiedscode}/export",
            get(pages::jaarevaluatie_export),
        )
        .route("/vergelijk", get(pages::compare))
        .route("/dashboards", get(pages::dashboard_list))
        .route("/dashboards/{name}", get(pages::dashboard))
        .route(
            "/dashboards/{name}/paneel/{index}",
            get(api::panel_download),
        )
        .route("/over", get(pages::about))
        .route("/status", get(api::status))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/sql", get(api::sql_get).post(api::sql_post))
        .route("/api/{table}", get(api::table))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/assets/style.css", get(pages::style))
        .route("/assets/app.js", get(pages::script))
        .route("/assets/favicon.svg", get(pages::favicon))
        .route("/favicon.ico", get(pages::favicon))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// `risicobeeld serve`: loads the current snapshot and serves until stopped.
pub async fn serve(out: &Path, settings: ServerConfig) -> Result<(), ServeError> {
    let addr = settings.addr.clone();
    let state = AppState::new(out, settings)?;
    let loopback =
        addr.starts_with("127.") || addr.starts_with("[::1]") || addr.starts_with("localhost");
    if state.users().users.is_empty() && !loopback {
        return Err(ServeError::OpenWithoutAccounts(addr));
    }
    if let Some(s) = state.snapshot() {
        let loaded = state.dashboards.all(&s).await;
        let broken = loaded.iter().filter(|d| d.result.is_err()).count();
        tracing::info!(
            run_id = %s.run_id,
            dashboards = loaded.len() - broken,
            broken,
            "serving on http://{addr}/"
        );
    }
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .map_err(|source| ServeError::Bind {
            addr: addr.clone(),
            source,
        })?;
    println!("risicobeeld serves http://{addr}/ (Ctrl-C stops)");
    // With each connection's address, so that failed logins are limited per client as well.
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).await?;
    Ok(())
}
