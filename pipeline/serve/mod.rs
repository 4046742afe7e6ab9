//! The dashboard server (`risicobeeld serve`, server.md): routes, access per role, security
//! headers, and the glue between the snapshot store, the dashboards and the renderers.
//! Pages live in `routes/`, the API in `api.rs` and `sql.rs`; this file owns the state, the
//! router and the connection loop.

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
pub mod markdown;
pub mod render;
pub mod routes;
pub mod settings;
pub mod snapshot;
pub mod sql;
pub mod xlsx;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
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
    pub rendered: render::RenderCache,
    /// Where the analysts' SQL runs: a runtime of its own, so that a query that will not stop
    /// can hold one thread of it and nothing the pages need (`sql::SqlRunner`).
    pub sql: sql::SqlRunner,
    /// Argon2 runs for a few logins at a time (each takes ~19 MB and a core for a moment);
    /// the rest wait briefly or get 429.
    pub password_checks: tokio::sync::Semaphore,
    users_file: PathBuf,
    users: Mutex<(Option<SystemTime>, Arc<UsersFile>)>,
    /// Once the server has seen accounts it requires them, whatever the users file later says:
    /// a users file that disappears or is emptied never opens the server to anonymous visitors.
    accounts_required: std::sync::atomic::AtomicBool,
    loading: Mutex<()>,
}

/// Argon2 checks at once (`AppState::password_checks`).
pub const PASSWORD_CHECKS: usize = 2;

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
            rendered: render::RenderCache::default(),
            sql: sql::SqlRunner::new()?,
            password_checks: tokio::sync::Semaphore::new(PASSWORD_CHECKS),
            users_file,
            accounts_required: std::sync::atomic::AtomicBool::new(!users.users.is_empty()),
            users: Mutex::new((modified(&settings.users_file), Arc::new(users))),
            settings,
            loading: Mutex::new(()),
        };
        state.snapshots.refresh()?;
        Ok(Arc::new(state))
    }

    /// The accounts, read again when the file changed (so `user add` and `user remove` need
    /// no restart). A file that has disappeared or cannot be read keeps the accounts read
    /// before (and logs an error): it never makes the server open.
    pub fn users(&self) -> Arc<UsersFile> {
        let now = modified(&self.users_file);
        // A panic elsewhere while the lock was held leaves the accounts as they were: keep
        // using them. (Answering "no accounts" here would open the server to anonymous visitors.)
        let mut cached = self
            .users
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cached.0 != now {
            match now.map(|_| UsersFile::load(&self.users_file)) {
                Some(Ok(u)) => {
                    if !u.users.is_empty() {
                        self.accounts_required
                            .store(true, std::sync::atomic::Ordering::Release);
                    }
                    *cached = (now, Arc::new(u));
                }
                // Logged once per change of the file, not on every request.
                Some(Err(e)) => {
                    tracing::error!("{e}; keeping the accounts read before");
                    cached.0 = now;
                }
                None => {
                    tracing::error!(
                        "the users file {} has disappeared; keeping the accounts read before",
                        self.users_file.display()
                    );
                    cached.0 = now;
                }
            }
        }
        cached.1.clone()
    }

    /// Does this server require an account (it has, or has had, accounts)?
    pub fn accounts_required(&self) -> bool {
        // Reading the accounts first takes up a file that gained them.
        let users = self.users();
        !users.users.is_empty()
            || self
                .accounts_required
                .load(std::sync::atomic::Ordering::Acquire)
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

    /// The role of a request: its session — only while its account still exists with the
    /// role the session was made for (a removed or demoted account's session ends at its next
    /// request) — or anonymous where that is allowed.
    pub fn viewer(&self, headers: &HeaderMap) -> Option<Viewer> {
        let session = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| auth::token_from_cookie(c).map(|t| (t, self.sessions.get(t))));
        if let Some((token, Some(s))) = session {
            let users = self.users();
            let current = users.users.iter().find(|u| u.naam == s.user);
            if current.is_some_and(|u| u.rol == s.role) {
                return Some(Viewer {
                    role: s.role,
                    user: Some(s.user),
                });
            }
            tracing::info!(user = %s.user, "session ended: the account was removed or its role changed");
            self.sessions.end(token);
        }
        (!self.accounts_required() || self.settings.anonymous).then_some(Viewer {
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

/// Why a state-changing request is a browser's cross-site request, if it is: a
/// `Sec-Fetch-Site` other than `same-origin` (or `none`, typed by the user), or an `Origin`
/// whose host is not the request's `Host` (`null` included). A request with neither header is
/// not a browser's cross-site request (a script, curl) and passes; `SameSite=Strict` already
/// keeps the session cookie off cross-site requests, this refuses them outright.
pub fn cross_site(headers: &HeaderMap) -> Option<&'static str> {
    if let Some(site) = headers.get("sec-fetch-site")
        && !matches!(site.to_str(), Ok("same-origin" | "none"))
    {
        return Some("Sec-Fetch-Site");
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let origin_host = origin
            .to_str()
            .ok()
            .and_then(|o| o.split_once("://"))
            .map(|(_, rest)| rest.trim_end_matches('/'));
        if origin_host.is_none() || origin_host != host {
            return Some("Origin");
        }
    }
    None
}

/// Refuses (403) a request that changes state — a login, a logout, a SQL query sent by POST —
/// when a browser says it comes from another site (`cross_site`).
async fn same_site_only(request: Request, next: Next) -> Response {
    use axum::http::Method;
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if !safe && let Some(header) = cross_site(request.headers()) {
        tracing::info!(header, path = %request.uri().path(), "refused a cross-site request");
        return (
            axum::http::StatusCode::FORBIDDEN,
            "verzoek van een andere website geweigerd",
        )
            .into_response();
    }
    next.run(request).await
}

/// All routes of server.md (and a few more: downloads, comparison, assets, OpenAPI).
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(routes::explorer))
        .route("/gebied/{gebiedscode}", get(routes::area))
        .route("/college/{gemeentecode}", get(routes::college))
        .route(
            "/college/{gemeentecode}/export",
            get(routes::college_export),
        )
        .route("/jaarevaluatie/{gebiedscode}", get(routes::jaarevaluatie))
        .route(
            "/jaarevaluatie/{gebiedscode}/export",
            get(routes::jaarevaluatie_export),
        )
        .route("/vergelijk", get(routes::compare))
        .route("/dashboards", get(routes::dashboard_list))
        .route("/dashboards/{name}", get(routes::dashboard))
        .route(
            "/dashboards/{name}/paneel/{index}",
            get(api::panel_download),
        )
        .route("/over", get(routes::about))
        .route("/status", get(api::status))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/sql", get(sql::sql_get).post(sql::sql_post))
        .route("/api/{table}", get(api::table))
        .route("/login", get(routes::login_form).post(routes::login))
        .route("/logout", post(routes::logout))
        .route("/assets/style.css", get(routes::style))
        .route("/assets/app.js", get(routes::script))
        .route("/assets/favicon.svg", get(routes::favicon))
        .route("/favicon.ico", get(routes::favicon))
        .fallback(routes::not_found)
        .layer(axum::middleware::from_fn(same_site_only))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// How many connections are served at once, and how long a client may take to send its
/// request headers (hyper's `header_read_timeout`: a half-sent request, or an idle kept-alive
/// connection, is closed after it).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    pub header_timeout: std::time::Duration,
}

/// Accepts connections until the process stops: at most `max_connections` at a time (the
/// others wait in the listen queue), each served by hyper's HTTP/1 connection with a header
/// read timeout, its requests carrying the client's address (`ConnectInfo`) for the login
/// limits.
pub async fn serve_connections(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: ConnectionLimits,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors and the like: wait a moment instead of spinning.
                tracing::warn!("accepting a connection failed: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let app = app.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(
                move |mut request: axum::http::Request<hyper::body::Incoming>| {
                    request
                        .extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    tower::ServiceExt::oneshot(app.clone(), request)
                },
            );
            let served = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(e) = served {
                tracing::debug!("connection from {peer}: {e}");
            }
            drop(slot);
        });
    }
}

/// `risicobeeld serve`: loads the current snapshot and serves until stopped.
pub async fn serve(out: &Path, settings: ServerConfig) -> Result<(), ServeError> {
    let addr = settings.addr.clone();
    let state = AppState::new(out, settings)?;
    let loopback =
        addr.starts_with("127.") || addr.starts_with("[::1]") || addr.starts_with("localhost");
    if !state.accounts_required() && !loopback {
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
    let limits = ConnectionLimits {
        max_connections: state.settings.max_connections.max(1),
        header_timeout: std::time::Duration::from_secs(state.settings.header_timeout_secs.max(1)),
    };
    serve_connections(listener, router(state), limits).await;
    Ok(())
}
