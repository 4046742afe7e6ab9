//! The render cache: whole dashboard pages, plain and gzipped once, per run, role, parameters,
//! banner and account. A snapshot never changes, so a page is rendered once per run; the last
//! few runs are kept side by side while a new one is taken up.

use super::{Dashboard, RenderContext};

/// Rendered dashboard pages, whole (frame, banner and account included) and also gzipped. A
/// snapshot never changes, so the same dashboard, role, parameters, banner and account give the
/// same page for as long as its run is served; the last few runs are kept.
#[derive(Default)]
pub struct RenderCache {
    /// Per run (the most recently used last), the pages of that run by key.
    runs: std::sync::Mutex<
        std::collections::VecDeque<(String, std::collections::HashMap<String, Slot>)>,
    >,
}

/// One page of one run: rendered once, by the first request that asks for it; the requests that
/// ask meanwhile wait for that render instead of starting their own. (Should the first request
/// be dropped before it is done, a waiting one takes the render over.)
type Slot = std::sync::Arc<tokio::sync::OnceCell<std::sync::Arc<RenderedPage>>>;

/// A whole HTML page as it is sent: plain, and gzipped once for the browsers that accept it (a
/// page with its data tables is some 400 KB; gzipped about a tenth of that).
pub struct RenderedPage {
    pub html: axum::body::Bytes,
    pub gzip: Option<axum::body::Bytes>,
}

impl RenderedPage {
    pub fn new(html: String) -> RenderedPage {
        use std::io::Write as _;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let gzip = encoder
            .write_all(html.as_bytes())
            .and_then(|()| encoder.finish())
            .ok()
            .map(axum::body::Bytes::from);
        RenderedPage {
            html: html.into(),
            gzip,
        }
    }
}

const CACHE_ENTRIES: usize = 2048;

/// Runs whose pages are kept: while a newly published run is taken up, requests that still hold
/// the previous one (or the one before) keep their pages as well, instead of each clearing the
/// other's.
const CACHE_RUNS: usize = 3;

impl RenderCache {
    /// What a dashboard's body depends on besides the snapshot: the dashboard's definition (so
    /// an edited file is rendered anew), role, mode, sort, parameters and path. The caller adds
    /// what its frame depends on.
    pub fn key(d: &Dashboard, rc: &RenderContext<'_>) -> String {
        use std::hash::{Hash, Hasher};
        let mut definition = std::collections::hash_map::DefaultHasher::new();
        format!("{d:?}").hash(&mut definition);
        format!(
            "{:x}|{}|{}|{:?}|{:?}|{:?}|{}",
            definition.finish(),
            rc.role.name(),
            rc.name,
            rc.mode,
            rc.sort,
            rc.bound.values,
            rc.path
        )
    }

    /// The slot of one page of one run (a fresh, unshared one if the cache's lock is poisoned).
    fn slot(&self, run_id: &str, key: String) -> Slot {
        let Ok(mut runs) = self.runs.lock() else {
            return Slot::default();
        };
        let at = match runs.iter().position(|(id, _)| id == run_id) {
            Some(at) => at,
            None => {
                if runs.len() >= CACHE_RUNS {
                    runs.pop_front();
                }
                runs.push_back((run_id.to_string(), Default::default()));
                runs.len() - 1
            }
        };
        // The most recently used run goes last, so the one evicted is the least recently used.
        if let Some(run) = runs.remove(at) {
            runs.push_back(run);
        }
        let Some((_, pages)) = runs.back_mut() else {
            return Slot::default();
        };
        if pages.len() >= CACHE_ENTRIES && !pages.contains_key(&key) {
            pages.clear();
        }
        pages.entry(key).or_default().clone()
    }

    /// The page under `key` of run `run_id`, rendered by `render` only if no earlier request
    /// has (or is doing so).
    pub async fn page<F>(
        &self,
        run_id: &str,
        key: String,
        render: F,
    ) -> std::sync::Arc<RenderedPage>
    where
        F: std::future::Future<Output = String>,
    {
        let slot = self.slot(run_id, key);
        slot.get_or_init(|| async { std::sync::Arc::new(RenderedPage::new(render.await)) })
            .await
            .clone()
    }
}

#[cfg(test)]
mod cache_tests {
    use super::*;

    #[test]
    fn one_slot_per_page_and_run_and_the_least_recently_used_run_goes_first() {
        let same = |x: &Slot, y: &Slot| std::sync::Arc::ptr_eq(x, y);
        let cache = RenderCache::default();
        let one = cache.slot("run1", "p".into());
        assert!(same(&one, &cache.slot("run1", "p".into())));
        assert!(!same(&one, &cache.slot("run1", "q".into())));
        let two = cache.slot("run2", "p".into());
        assert!(!same(&one, &two));
        let three = cache.slot("run3", "p".into());
        // run1 is used again, so of the three runs kept, run2 is the least recently used …
        assert!(same(&one, &cache.slot("run1", "p".into())));
        // … and the one a fourth run pushes out.
        cache.slot("run4", "p".into());
        assert!(same(&one, &cache.slot("run1", "p".into())));
        assert!(same(&three, &cache.slot("run3", "p".into())));
        assert!(!same(&two, &cache.slot("run2", "p".into())));
    }

    #[test]
    fn the_gzipped_page_is_the_page() {
        use std::io::Read as _;
        let html = "<p>Wijk 01 Oostduinen</p>".repeat(1000);
        let page = RenderedPage::new(html.clone());
        let gzip = page.gzip.expect("gzip of a page");
        assert!(gzip.len() < html.len() / 10);
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&gzip[..])
            .read_to_string(&mut unzipped)
            .expect("valid gzip");
        assert_eq!(unzipped, html);
        assert_eq!(&page.html[..], html.as_bytes());
    }

    #[tokio::test]
    async fn requests_for_the_same_page_share_one_render() {
        let cache = RenderCache::default();
        let renders = std::sync::atomic::AtomicUsize::new(0);
        let render = || async {
            renders.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::task::yield_now().await;
            std::sync::Arc::new(RenderedPage::new("page".to_string()))
        };
        let (s1, s2) = (cache.slot("r", "p".into()), cache.slot("r", "p".into()));
        let (x, y) = tokio::join!(s1.get_or_init(render), s2.get_or_init(render));
        assert_eq!((&x.html[..], &y.html[..]), (&b"page"[..], &b"page"[..]));
        assert_eq!(renders.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
