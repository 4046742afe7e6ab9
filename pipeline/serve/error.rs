//! How a request fails after it was understood: a failure inside the server is logged with a
//! reference id, and the response shows only that id — never the underlying text, a path or a
//! query plan. (A bad parameter is the visitor's to fix and keeps its message: `routes`, `api`.)

use std::fmt::Display;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A failure inside the server while answering a request (500).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Internal {
    /// What the log line of this failure carries, so that an administrator can find its cause.
    pub reference: String,
}

impl Internal {
    /// Logs `cause` (with `what` the server was doing) under a new reference id.
    pub fn logged(what: &str, cause: impl Display) -> Internal {
        let reference = reference_id();
        tracing::error!(reference = %reference, what, "request failed: {cause}");
        Internal { reference }
    }

    /// The Dutch text a visitor sees.
    pub fn message(&self) -> String {
        format!(
            "Er ging iets mis in de server (referentie {}). Meld die referentie aan de beheerder: \
             die vindt de oorzaak in het logboek.",
            self.reference
        )
    }

    /// The API's JSON answer: `{"fout": …, "referentie": …}` with status 500.
    pub fn json(&self) -> Response {
        let body = serde_json::json!({ "fout": self.message(), "referentie": self.reference });
        (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
    }
}

/// Twelve hex digits from the clock and the thread: distinct for failures that are not logged
/// in the same microsecond on the same thread, which is all a reference needs.
fn reference_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let micros = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_micros());
    let mut hasher = foldhash::fast::FixedState::with_seed(0x5249_4543).build_hasher();
    hasher.write_u128(micros);
    hasher.write(format!("{:?}", std::thread::current().id()).as_bytes());
    format!("{:012x}", hasher.finish() & 0xffff_ffff_ffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_internal_failure_shows_its_reference_and_not_its_cause() {
        let failure = Internal::logged(
            "test",
            "Parquet error at /srv/risicobeeld/runs/x/openbaar: bad magic",
        );
        assert_eq!(failure.reference.len(), 12);
        let response = failure.json();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .expect("body");
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains(&failure.reference), "{text}");
        assert!(
            !text.contains("/srv") && !text.contains("Parquet"),
            "{text}"
        );
    }

    #[test]
    fn references_differ_between_failures() {
        let a = Internal::logged("test", "a");
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = Internal::logged("test", "b");
        assert_ne!(a.reference, b.reference);
    }
}
