//! What the last run did, for the server's banner and `/status`: `<out>/laatste_run.json`,
//! written by the pipeline after every run (also a failed one), read by the server.

use std::path::Path;

pub const STATUS_FILE: &str = "laatste_run.json";

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    /// A new snapshot is current.
    Gepubliceerd,
    /// The inputs and the config were those of the current snapshot.
    NietsTeDoen,
    /// The inputs broke a validation rule; nothing was published.
    Ongeldig,
    /// The run stopped on an error; nothing was published.
    Mislukt,
}

impl RunState {
    /// The word in `laatste_run.json`, as pages show it.
    pub fn word(self) -> &'static str {
        match self {
            RunState::Gepubliceerd => "gepubliceerd",
            RunState::NietsTeDoen => "niets_te_doen",
            RunState::Ongeldig => "ongeldig",
            RunState::Mislukt => "mislukt",
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RunStatus {
    pub status: RunState,
    /// When the run ended (RFC 3339, UTC).
    pub tijd: String,
    pub run_id: Option<String>,
    pub melding: Option<String>,
}

impl RunStatus {
    pub fn failed(&self) -> bool {
        matches!(self.status, RunState::Ongeldig | RunState::Mislukt)
    }

    /// Whether this run failed at or after `published` (RFC 3339): a failure that the snapshot
    /// published then does not include. The times are compared as instants, whatever offset
    /// each is written with; a time that does not parse counts as after (the banner then says
    /// that a run failed, which is the safe side).
    pub fn failed_since(&self, published: &str) -> bool {
        let instant = |t: &str| chrono::DateTime::parse_from_rfc3339(t).ok();
        self.failed()
            && match (instant(&self.tijd), instant(published)) {
                (Some(failed), Some(published)) => failed >= published,
                _ => true,
            }
    }

    pub fn read(out: &Path) -> Option<RunStatus> {
        let text = std::fs::read_to_string(out.join(STATUS_FILE)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Written atomically; a failure to write it is logged, never an error (it must not fail
    /// the run it describes).
    pub fn write(&self, out: &Path) {
        let tmp = out.join(format!(".{STATUS_FILE}.{}", std::process::id()));
        let written = serde_json::to_vec_pretty(self)
            .map_err(std::io::Error::other)
            .and_then(|bytes| std::fs::write(&tmp, bytes))
            .and_then(|_| std::fs::rename(&tmp, out.join(STATUS_FILE)));
        if let Err(e) = written {
            tracing::warn!("cannot record the run status in {}: {e}", out.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(state: RunState, tijd: &str) -> RunStatus {
        RunStatus {
            status: state,
            tijd: tijd.into(),
            run_id: None,
            melding: None,
        }
    }

    #[test]
    fn a_failure_counts_from_the_instant_it_happened_not_from_how_it_is_written() {
        let published = "2026-11-26T10:00:00Z";
        // Written with an offset: 10:30+01:00 is 09:30Z, before the publication. As text it
        // sorts after it.
        assert!(!status(RunState::Mislukt, "2026-11-26T10:30:00+01:00").failed_since(published));
        assert!(status(RunState::Mislukt, "2026-11-26T11:00:00+01:00").failed_since(published));
        assert!(status(RunState::Ongeldig, "2026-11-26T10:00:00Z").failed_since(published));
        assert!(!status(RunState::Gepubliceerd, "2026-11-27T00:00:00Z").failed_since(published));
        assert!(status(RunState::Mislukt, "gisteren").failed_since(published));
    }

    #[test]
    fn the_status_file_keeps_its_dutch_words() {
        let status = RunStatus {
            status: RunState::NietsTeDoen,
            tijd: "2026-11-26T12:00:00Z".into(),
            run_id: Some("20261126T120000Z".into()),
            melding: None,
        };
        let text = serde_json::to_string(&status).expect("json");
        assert!(text.contains("\"status\":\"niets_te_doen\""), "{text}");
        let back: RunStatus = serde_json::from_str(&text).expect("back");
        assert!(!back.failed());
        for (word, failed) in [
            ("ongeldig", true),
            ("mislukt", true),
            ("gepubliceerd", false),
        ] {
            let text = format!(
                "{{\"status\":\"{word}\",\"tijd\":\"t\",\"run_id\":null,\"melding\":null}}"
            );
            let read: RunStatus = serde_json::from_str(&text).expect(word);
            assert_eq!(read.failed(), failed, "{word}");
        }
    }
}
