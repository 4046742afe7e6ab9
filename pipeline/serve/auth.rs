//! Accounts and sessions: the users file (TOML, Argon2id hashes) managed by `risicobeeld user`,
//! in-memory sessions behind an HttpOnly SameSite=Strict cookie (Secure behind TLS), and a limit
//! on login attempts per account name and client address, counted before a password is checked.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use password_hash::rand_core::{OsRng, RngCore};
use password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};

use super::snapshot::Role;

pub const COOKIE: &str = "risicobeeld_sessie";
const SESSION_LIFETIME: Duration = Duration::from_secs(8 * 3600);
/// Failed logins per account name within the window before logins are refused.
pub const MAX_FAILURES: usize = 5;
const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// The cause of a users-file error: an I/O or a TOML error.
type BoxedError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("cannot read the users file {path}: {source}")]
    Read { path: String, source: BoxedError },
    #[error("cannot write the users file {path}: {source}")]
    Write { path: String, source: BoxedError },
    #[error("user {0:?} already exists (remove it first to change the password)")]
    Exists(String),
    #[error("no user {0:?}")]
    NoSuchUser(String),
    #[error("a user name is 1–64 characters a-z, 0-9, '.', '-' or '_'")]
    BadName,
    #[error("a password needs at least 12 characters")]
    WeakPassword,
    #[error("role {0:?} is not analist or college")]
    BadRole(String),
    #[error("hashing failed: {0}")]
    Hash(password_hash::Error),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub naam: String,
    pub rol: Role,
    pub hash: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct UsersFile {
    #[serde(default, rename = "gebruiker")]
    pub users: Vec<User>,
}

impl UsersFile {
    /// Reads the users file; a missing file is no accounts.
    pub fn load(path: &Path) -> Result<UsersFile, AuthError> {
        let read_err = |source: BoxedError| AuthError::Read {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => toml::from_str(&text).map_err(|e| read_err(e.into())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(UsersFile::default()),
            Err(e) => Err(read_err(e.into())),
        }
    }

    /// Writes the file atomically (temporary file, then rename), readable by the owner only.
    pub fn save(&self, path: &Path) -> Result<(), AuthError> {
        let write_err = |source: BoxedError| AuthError::Write {
            path: path.display().to_string(),
            source,
        };
        let text = toml::to_string(self).map_err(|e| write_err(e.into()))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| write_err(e.into()))?;
        }
        let tmp = path.with_extension("toml.tmp");
        std::fs::write(&tmp, text).map_err(|e| write_err(e.into()))?;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| write_err(e.into()))?;
        std::fs::rename(&tmp, path).map_err(|e| write_err(e.into()))
    }

    pub fn add(&mut self, name: &str, role: Role, password: &str) -> Result<(), AuthError> {
        if !valid_user_name(name) {
            return Err(AuthError::BadName);
        }
        if role == Role::Anoniem {
            return Err(AuthError::BadRole(role.name().into()));
        }
        if password.chars().count() < 12 {
            return Err(AuthError::WeakPassword);
        }
        if self.users.iter().any(|u| u.naam == name) {
            return Err(AuthError::Exists(name.into()));
        }
        let salt = SaltString::generate(&mut OsRng);
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(AuthError::Hash)?
            .to_string();
        self.users.push(User {
            naam: name.to_string(),
            rol: role,
            hash,
        });
        Ok(())
    }

    pub fn remove(&mut self, name: &str) -> Result<(), AuthError> {
        let before = self.users.len();
        self.users.retain(|u| u.naam != name);
        if self.users.len() == before {
            return Err(AuthError::NoSuchUser(name.into()));
        }
        Ok(())
    }

    /// The user's role when the password is right. Verifies against a dummy hash when the user
    /// does not exist, so timing does not tell which names exist.
    pub fn verify(&self, name: &str, password: &str) -> Option<Role> {
        let user = self.users.iter().find(|u| u.naam == name);
        let stored = user.map(|u| u.hash.as_str()).unwrap_or(DUMMY_HASH);
        let parsed = PasswordHash::new(stored).ok()?;
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        match (ok, user) {
            (true, Some(u)) => Some(u.rol),
            _ => None,
        }
    }
}

/// Argon2id hash of a random password nobody knows.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1ZfBVqIWWvrj2Ls6YXn9Y6E3T9kEJ0c3J0kxGJ3bHx8";

pub fn valid_user_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c))
}

#[derive(Debug, Clone)]
pub struct Session {
    pub user: String,
    pub role: Role,
    expires: Instant,
}

/// Sessions and failed-login counts, in memory (a restart logs everyone out).
#[derive(Default)]
pub struct Sessions {
    sessions: Mutex<HashMap<String, Session>>,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Sessions {
    pub fn create(&self, user: &str, role: Role) -> String {
        let token = new_token();
        if let Ok(mut s) = self.sessions.lock() {
            let now = Instant::now();
            s.retain(|_, v| v.expires > now);
            s.insert(
                token.clone(),
                Session {
                    user: user.to_string(),
                    role,
                    expires: now + SESSION_LIFETIME,
                },
            );
        }
        token
    }

    pub fn get(&self, token: &str) -> Option<Session> {
        let s = self.sessions.lock().ok()?;
        s.get(token).filter(|v| v.expires > Instant::now()).cloned()
    }

    pub fn end(&self, token: &str) {
        if let Ok(mut s) = self.sessions.lock() {
            s.remove(token);
        }
    }

    /// Starts a login attempt: refused (`None`) when the name or, when known, the client
    /// address has `MAX_FAILURES` attempts within `FAILURE_WINDOW`; otherwise the attempt is
    /// counted against both *before* the password is checked, under one lock, so that parallel
    /// guesses cannot all pass the check. A right password then takes it back
    /// (`Sessions::succeeded`); a wrong one leaves it counted.
    pub fn begin_attempt(&self, name: &str, address: Option<IpAddr>) -> Option<Attempt> {
        let Ok(mut f) = self.failures.lock() else {
            return None;
        };
        let now = Instant::now();
        let recent = |f: &HashMap<String, Vec<Instant>>, key: &str| {
            f.get(key).map_or(0, |list| {
                list.iter()
                    .filter(|t| now.duration_since(**t) < FAILURE_WINDOW)
                    .count()
            })
        };
        let name_key = name_key(name);
        let address_key = address.map(address_key);
        if recent(&f, &name_key) >= MAX_FAILURES
            || address_key
                .as_ref()
                .is_some_and(|a| recent(&f, a) >= MAX_FAILURES)
        {
            return None;
        }
        for key in std::iter::once(&name_key).chain(address_key.as_ref()) {
            f.entry(key.clone()).or_default().push(now);
        }
        bound_failures(&mut f, now);
        Some(Attempt {
            name_key,
            address_key,
            at: now,
        })
    }

    /// The attempt's password was right: the name's failures are cleared, and the attempt
    /// itself no longer counts against the address (the address's other failures do: one
    /// right password must not reset a guessing run over many names).
    pub fn succeeded(&self, attempt: &Attempt) {
        self.take_back(attempt, true);
    }

    /// The attempt was never tried (the server was too busy to check the password): it does
    /// not count.
    pub fn not_tried(&self, attempt: &Attempt) {
        self.take_back(attempt, false);
    }

    fn take_back(&self, attempt: &Attempt, clear_name: bool) {
        let Ok(mut f) = self.failures.lock() else {
            return;
        };
        if clear_name {
            f.remove(&attempt.name_key);
        }
        let keys = std::iter::once(&attempt.name_key).chain(attempt.address_key.as_ref());
        for key in keys {
            if let Some(list) = f.get_mut(key)
                && let Some(i) = list.iter().rposition(|t| *t == attempt.at)
            {
                list.remove(i);
            }
        }
    }
}

/// At most this many names and addresses are tracked for failed logins.
const MAX_TRACKED: usize = 10_000;

/// A login attempt counted by `Sessions::begin_attempt`.
#[derive(Debug)]
pub struct Attempt {
    name_key: String,
    address_key: Option<String>,
    at: Instant,
}

/// Keeps the failure map bounded whatever names an attacker tries: expired entries go first,
/// and beyond `MAX_TRACKED` keys the one whose last failure is oldest.
fn bound_failures(f: &mut HashMap<String, Vec<Instant>>, now: Instant) {
    if f.len() > MAX_TRACKED {
        f.retain(|_, list| {
            list.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
            !list.is_empty()
        });
    }
    while f.len() > MAX_TRACKED {
        let oldest = f
            .iter()
            .min_by_key(|(_, list)| list.last().copied())
            .map(|(k, _)| k.clone());
        match oldest {
            Some(k) => f.remove(&k),
            None => break,
        };
    }
}

fn name_key(name: &str) -> String {
    format!("naam:{name}")
}

fn address_key(address: IpAddr) -> String {
    format!("adres:{address}")
}

/// How long a locked-out name or address waits, for the `Retry-After` header.
pub fn lockout_seconds() -> u64 {
    FAILURE_WINDOW.as_secs()
}

/// The session token in a `Cookie` header.
pub fn token_from_cookie(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)
}

/// The session cookie; `secure` (`[server] secure_cookie`, behind TLS) adds `Secure`, so that
/// a browser never sends it over plain HTTP.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
        SESSION_LIFETIME.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

pub fn expired_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_round_trip_and_verify() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("gebruikers.toml");
        let mut users = UsersFile::load(&path).expect("missing is empty");
        assert!(users.users.is_empty());
        users
            .add("anna", Role::Analist, "correct horse battery")
            .expect("add");
        assert!(matches!(
            users.add("anna", Role::College, "another long password"),
            Err(AuthError::Exists(_))
        ));
        assert!(matches!(
            users.add("bob", Role::College, "short"),
            Err(AuthError::WeakPassword)
        ));
        assert!(matches!(
            users.add("Bob!", Role::College, "long enough pass"),
            Err(AuthError::BadName)
        ));
        users.save(&path).expect("save");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains("$argon2id$"), "{text}");
        assert!(
            !text.contains("correct horse"),
            "the password itself is never stored"
        );
        let users = UsersFile::load(&path).expect("load");
        assert_eq!(
            users.verify("anna", "correct horse battery"),
            Some(Role::Analist)
        );
        assert_eq!(users.verify("anna", "wrong password!!"), None);
        assert_eq!(users.verify("nobody", "correct horse battery"), None);
    }

    #[test]
    fn failed_logins_are_limited_per_name() {
        let s = Sessions::default();
        for _ in 0..MAX_FAILURES {
            assert!(s.begin_attempt("anna", None).is_some());
        }
        assert!(s.begin_attempt("anna", None).is_none());
        assert!(s.begin_attempt("bob", None).is_some());
    }

    #[test]
    fn failed_logins_are_limited_per_address_across_names() {
        let s = Sessions::default();
        let attacker: IpAddr = [192, 0, 2, 7].into();
        let colleague: IpAddr = [192, 0, 2, 8].into();
        for i in 0..MAX_FAILURES {
            assert!(
                s.begin_attempt(&format!("naam{i}"), Some(attacker))
                    .is_some()
            );
        }
        assert!(s.begin_attempt("nog een naam", Some(attacker)).is_none());
        assert!(s.begin_attempt("nog een naam", Some(colleague)).is_some());
    }

    #[test]
    fn parallel_guesses_are_counted_before_any_password_is_checked() {
        // Forty guesses at once for one name from one address: the attempts are counted as
        // they begin, so only MAX_FAILURES get to a password check.
        let s = std::sync::Arc::new(Sessions::default());
        let address: IpAddr = [192, 0, 2, 9].into();
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(40));
        let started: usize = (0..40)
            .map(|_| {
                let (s, barrier) = (s.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    s.begin_attempt("anna", Some(address)).is_some()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().unwrap_or(false))
            .filter(|&began| began)
            .count();
        assert_eq!(started, MAX_FAILURES);
    }

    #[test]
    fn a_right_password_takes_its_attempt_back() {
        let s = Sessions::default();
        let address: IpAddr = [192, 0, 2, 10].into();
        // A user who logs in right many times from one address is never locked out.
        for _ in 0..3 * MAX_FAILURES {
            let attempt = s.begin_attempt("anna", Some(address)).expect("allowed");
            s.succeeded(&attempt);
        }
        // Wrong guesses for other names from the same address still count.
        for i in 0..MAX_FAILURES {
            assert!(s.begin_attempt(&format!("x{i}"), Some(address)).is_some());
        }
        assert!(s.begin_attempt("anna", Some(address)).is_none());
    }

    #[test]
    fn the_failure_map_stays_bounded_whatever_names_are_tried() {
        let s = Sessions::default();
        for i in 0..MAX_TRACKED + 500 {
            assert!(s.begin_attempt(&format!("naam{i}"), None).is_some());
        }
        let tracked = s.failures.lock().map(|f| f.len()).unwrap_or(usize::MAX);
        assert!(tracked <= MAX_TRACKED, "{tracked} keys");
        // The most recent failures are still counted.
        let last = format!("naam{}", MAX_TRACKED + 499);
        for _ in 1..MAX_FAILURES {
            assert!(s.begin_attempt(&last, None).is_some());
        }
        assert!(s.begin_attempt(&last, None).is_none());
    }

    #[test]
    fn cookies_carry_the_session_and_its_flags() {
        let s = Sessions::default();
        let token = s.create("anna", Role::College);
        let cookie = session_cookie(&token, false);
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        assert!(!cookie.contains("Secure") && session_cookie(&token, true).ends_with("; Secure"));
        let header = format!("other=1; {COOKIE}={token}");
        assert_eq!(token_from_cookie(&header), Some(token.as_str()));
        assert_eq!(s.get(&token).map(|x| x.role), Some(Role::College));
        s.end(&token);
        assert!(s.get(&token).is_none());
    }
}
