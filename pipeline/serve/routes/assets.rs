//! The server's own assets: the stylesheet, the one script and the icon, compiled in.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

pub async fn style() -> Response {
    asset("text/css; charset=utf-8", crate::html::STYLE)
}

pub async fn script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../assets/app.js"),
    )
}

pub async fn favicon() -> Response {
    asset("image/svg+xml", include_str!("../assets/favicon.svg"))
}
