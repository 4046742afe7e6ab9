//! The about page (`/over`): the snapshot, the last run, the sources and their freshness.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use maud::{Markup, html};

use super::*;

/// Status and sources, for people (the cron's view is `/status`).
pub async fn about(State(state): Shared, headers: HeaderMap) -> Response {
    let Some(viewer) = state.viewer(&headers) else {
        return login_redirect("/over");
    };
    let Some(snapshot) = state.snapshot() else {
        return no_snapshot();
    };
    let m = &snapshot.manifest;
    let details = viewer.role.sees_full_tables();
    let status = RunStatus::read(state.snapshots.out());
    let body = html! {
        h2 { "Laatste publicatie" }
        dl {
            dt { "Snapshot" } dd { (m.run_id) }
            dt { "Gestart" } dd { (m.started) }
            dt { "Gepubliceerd" } dd { (m.finished) }
            dt { "Versie" } dd { (m.tool_version) }
            dt { "Periode-indeling" } dd { (m.grain) }
        }
        @if let Some(status) = &status {
            h2 { "Laatste run" }
            p {
                (status.tijd) ": " (status.status.word())
                // The run's message can name files and paths: for analysts only.
                @if let Some(melding) = status.melding.as_ref().filter(|_| details) {
                    " – " (melding)
                }
            }
        }
        (sources_table(&m.inputs, details))
        p {
            a href="/dashboards/kwaliteit" { "Kwaliteit van de levering per gemeente" }
            " · " a href="/status" { "status als JSON" }
        }
    };
    live_page(&state, &snapshot, &viewer, "Status en bronnen", body)
}

/// The inputs of the run: per file for analysts, per source for everyone else (file names are
/// the data team's business, not the public's).
fn sources_table(inputs: &[risicobeeld_snapshot::manifest::InputEntry], per_file: bool) -> Markup {
    let mut rows: Vec<(String, String, u64, u64)> = Vec::new();
    for i in inputs {
        let file = if per_file {
            i.bestand.clone()
        } else {
            String::new()
        };
        match rows.iter_mut().find(|r| r.0 == i.bron && r.1 == file) {
            Some(r) => {
                r.2 += i.rows_read;
                r.3 += i.rows_quarantined;
            }
            None => rows.push((i.bron.clone(), file, i.rows_read, i.rows_quarantined)),
        }
    }
    let caption = if per_file {
        "Ingelezen bestanden"
    } else {
        "Ingelezen bronnen"
    };
    html! {
        h2 { "Bronnen" }
        div.tabel {
            table {
                caption { (caption) }
                thead {
                    tr {
                        th scope="col" { "bron" }
                        @if per_file { th scope="col" { "bestand" } }
                        th scope="col" { "rijen" }
                        th scope="col" { "in quarantaine" }
                    }
                }
                tbody {
                    @for (bron, file, read, quarantined) in &rows {
                        tr {
                            td { (bron) }
                            @if per_file { td { (file) } }
                            td.getal { (read) }
                            td.getal { (quarantined) }
                        }
                    }
                }
            }
        }
    }
}
