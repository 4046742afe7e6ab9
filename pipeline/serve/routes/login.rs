//! Logging in and out: the form, the login (attempts counted before the password is checked,
//! Argon2 a few at a time), the session cookie, and where a login may return to.

use axum::extract::{Form, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::*;

/// Where a login returns to: only a path on this site — one `/` then visible ASCII, no
/// backslash, no second `/` at the start, no whitespace or control character anywhere (a
/// browser drops a tab or a newline, so `/\t/evil.example/` would take it to another host),
/// no scheme — else the overview.
pub fn safe_return(path: Option<&str>) -> String {
    let same_site = |p: &str| {
        let mut chars = p.chars();
        chars.next() == Some('/')
            && !matches!(chars.next(), Some('/' | '\\'))
            && p.chars().all(|c| c.is_ascii_graphic() && c != '\\')
    };
    match path {
        Some(p) if same_site(p) => p.to_string(),
        _ => "/".to_string(),
    }
}

fn login_body(message: Option<&str>, terug: &str) -> Markup {
    html! {
        @if let Some(m) = message {
            p.melding role="alert" { (m) }
        }
        form.login method="post" action="/login" {
            input type="hidden" name="terug" value=(terug);
            label for="naam" { "Naam" }
            input id="naam" name="naam" autocomplete="username" required;
            label for="wachtwoord" { "Wachtwoord" }
            input id="wachtwoord" name="wachtwoord" type="password" autocomplete="current-password" required;
            button type="submit" { "Aanmelden" }
        }
    }
}

pub async fn login_form(State(state): Shared, RawQuery(q): RawQuery) -> Response {
    let pairs = parse_query(q.as_deref());
    let terug = safe_return(
        pairs
            .iter()
            .find(|(k, _)| k == "terug")
            .map(|(_, v)| v.as_str()),
    );
    let note = state
        .users()
        .users
        .is_empty()
        .then_some("Er zijn geen accounts ingesteld: iedereen ziet de openbare gegevens.");
    simple_page(StatusCode::OK, "Aanmelden", login_body(note, &terug), None)
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    naam: String,
    wachtwoord: String,
    terug: Option<String>,
}

pub async fn login(
    State(state): Shared,
    extensions: axum::http::Extensions,
    Form(form): Form<LoginForm>,
) -> Response {
    let terug = safe_return(form.terug.as_deref());
    let name = form.naam.trim().to_lowercase();
    // The client's address, when the server was started with it (`serve` is; a test router
    // without it throttles by name only).
    let address = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let Some(attempt) = state.sessions.begin_attempt(&name, address) else {
        let mut r = simple_page(
            StatusCode::TOO_MANY_REQUESTS,
            "Aanmelden",
            login_body(
                Some("Te veel mislukte pogingen; probeer het over een kwartier opnieuw."),
                &terug,
            ),
            None,
        );
        r.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(crate::auth::lockout_seconds()),
        );
        return r;
    };
    // A few password checks at a time: a burst of logins waits briefly, then gets 429.
    let Ok(Ok(_permit)) = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        state.password_checks.acquire(),
    )
    .await
    else {
        state.sessions.not_tried(&attempt);
        let mut r = simple_page(
            StatusCode::TOO_MANY_REQUESTS,
            "Aanmelden",
            login_body(Some("Het is nu te druk; probeer het zo opnieuw."), &terug),
            None,
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return r;
    };
    let users = state.users();
    let check_name = name.clone();
    let role = tokio::task::spawn_blocking(move || users.verify(&check_name, &form.wachtwoord))
        .await
        .ok()
        .flatten();
    match role {
        Some(role) => {
            state.sessions.succeeded(&attempt);
            let token = state.sessions.create(&name, role);
            let mut r = StatusCode::SEE_OTHER.into_response();
            let h = r.headers_mut();
            let cookie = crate::auth::session_cookie(&token, state.settings.secure_cookie);
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                h.insert(header::SET_COOKIE, v);
            }
            if let Ok(v) = HeaderValue::from_str(&terug) {
                h.insert(header::LOCATION, v);
            }
            r
        }
        None => simple_page(
            StatusCode::UNAUTHORIZED,
            "Aanmelden",
            login_body(Some("Onjuiste naam of wachtwoord."), &terug),
            None,
        ),
    }
}

pub async fn logout(State(state): Shared, headers: HeaderMap) -> Response {
    for c in headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        if let Some(t) = crate::auth::token_from_cookie(c) {
            state.sessions.end(t);
        }
    }
    let mut r = StatusCode::SEE_OTHER.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&crate::auth::expired_cookie(state.settings.secure_cookie))
    {
        h.insert(header::SET_COOKIE, v);
    }
    h.insert(header::LOCATION, HeaderValue::from_static("/"));
    r
}
