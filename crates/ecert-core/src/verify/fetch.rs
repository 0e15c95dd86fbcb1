//! Plain-HTTP fetches for revocation data (OCSP, RFC 6960 App. A.1; CRLs, RFC 5280
//! §4.2.1.13) and the on-disk cache that keeps answers until their nextUpdate. Only
//! `http://`: both objects are signed, and fetching them over TLS would need revocation
//! checks of its own (RFC 5280 §4.2.1.13 notes the same loop). Where a fetch may go is
//! [`super::network`]'s decision: the host is resolved and checked first and the connection
//! pinned to the checked addresses; redirects are never followed (a 3xx is an error naming
//! where it pointed), so a public URL cannot bounce us to a private one.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::DefaultConnector;

use super::network::{Policy, Refusal};

/// Environment variable naming the cache directory instead of the per-user default.
pub const CACHE_DIR_ENV: &str = "ECERT_CACHE_DIR";

/// Why a fetch (or a cache write) failed. Each variant keeps the URL it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// Only `http://` URLs are fetched (see the module note).
    #[error("unsupported URL scheme (only http:// is fetched): {url}")]
    UnsupportedScheme { url: String },
    #[error("not a valid URL: {url}")]
    BadUrl { url: String },
    /// Name resolution or connection failed: nothing answering at that address.
    #[error("cannot reach {url}: {io}")]
    Unreachable { url: String, io: String },
    /// The whole exchange did not finish within the allowed time.
    #[error("no answer from {url} within {after:?}")]
    Timeout { url: String, after: Duration },
    #[error("{url} answered HTTP {status}")]
    HttpStatus { url: String, status: u16 },
    #[error("the response from {url} exceeds {limit} bytes")]
    TooLarge { url: String, limit: usize },
    /// The connection broke mid-exchange.
    #[error("I/O error talking to {url}: {io}")]
    Io { url: String, io: String },
    /// The server spoke broken HTTP, or redirected too often.
    #[error("HTTP error from {url}: {detail}")]
    Protocol { url: String, detail: String },
    #[error("cannot write the cache file {path}: {io}")]
    Cache { path: PathBuf, io: String },
    /// The host is not contacted (a private address from a certificate, see `network`).
    #[error("{url} is not contacted: {refusal}")]
    Refused { url: String, refusal: Refusal },
    /// The server redirected; redirects are not followed (they could lead anywhere).
    #[error("{url} redirects to {location}; redirects are not followed")]
    Redirect { url: String, location: String },
}

/// GETs `url` (e.g. a CRL distribution point), failing after `timeout` for the whole
/// exchange or when the body exceeds `max_bytes`. Only hosts `policy` permits are contacted.
pub fn http_get(
    url: &str,
    timeout: Duration,
    max_bytes: usize,
    policy: &Policy,
) -> Result<Vec<u8>, FetchError> {
    check_scheme(url)?;
    let response =
        agent(url, timeout, policy)?.get(url).call().map_err(|e| map_error(url, timeout, max_bytes, e))?;
    read_body(url, timeout, max_bytes, response)
}

/// POSTs `body` with `content_type` (e.g. an OCSP request, RFC 6960 App. A.1), with the
/// same limits as [`http_get`].
pub fn http_post(
    url: &str,
    content_type: &str,
    body: &[u8],
    timeout: Duration,
    max_bytes: usize,
    policy: &Policy,
) -> Result<Vec<u8>, FetchError> {
    check_scheme(url)?;
    let response = agent(url, timeout, policy)?
        .post(url)
        .content_type(content_type)
        .send(body)
        .map_err(|e| map_error(url, timeout, max_bytes, e))?;
    read_body(url, timeout, max_bytes, response)
}

fn check_scheme(url: &str) -> Result<(), FetchError> {
    match url.get(..7) {
        Some(s) if s.eq_ignore_ascii_case("http://") => Ok(()),
        _ => Err(FetchError::UnsupportedScheme { url: url.to_owned() }),
    }
}

/// Connects only to the addresses checked before (no second DNS lookup, so no rebinding);
/// ureq keeps at most 16 addresses.
#[derive(Debug)]
struct Pinned(Vec<std::net::SocketAddr>);

impl Resolver for Pinned {
    fn resolve(
        &self,
        _uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut out = self.empty();
        for a in self.0.iter().take(16) {
            out.push(*a);
        }
        if out.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(out)
    }
}

fn agent(url: &str, timeout: Duration, policy: &Policy) -> Result<ureq::Agent, FetchError> {
    let uri: ureq::http::Uri = url.parse().map_err(|_| FetchError::BadUrl { url: url.to_owned() })?;
    let host =
        uri.host().filter(|h| !h.is_empty()).ok_or_else(|| FetchError::BadUrl { url: url.to_owned() })?;
    let addrs = policy
        .resolve(host, uri.port_u16().unwrap_or(80))
        .map_err(|refusal| FetchError::Refused { url: url.to_owned(), refusal })?;
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        // No proxy from the environment: the connection must go to the checked address.
        .proxy(None)
        .user_agent(concat!("ecert-manager/", env!("CARGO_PKG_VERSION")))
        .build();
    Ok(ureq::Agent::with_parts(config, DefaultConnector::default(), Pinned(addrs)))
}

fn read_body(
    url: &str,
    timeout: Duration,
    max_bytes: usize,
    response: ureq::http::Response<ureq::Body>,
) -> Result<Vec<u8>, FetchError> {
    let status = response.status().as_u16();
    if (300..400).contains(&status) {
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("(no Location)")
            .chars()
            .take(200)
            .collect();
        return Err(FetchError::Redirect { url: url.to_owned(), location });
    }
    if !(200..300).contains(&status) {
        return Err(FetchError::HttpStatus { url: url.to_owned(), status });
    }
    let too_large = || FetchError::TooLarge { url: url.to_owned(), limit: max_bytes };
    let declared = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let limit = u64::try_from(max_bytes).unwrap_or(u64::MAX);
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let body = response
        .into_body()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|e| map_error(url, timeout, max_bytes, e))?;
    if body.len() > max_bytes {
        return Err(too_large());
    }
    Ok(body)
}

fn map_error(url: &str, timeout: Duration, max_bytes: usize, e: ureq::Error) -> FetchError {
    use std::io::ErrorKind as K;
    let url = url.to_owned();
    match e {
        ureq::Error::Timeout(_) => FetchError::Timeout { url, after: timeout },
        ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge { url, limit: max_bytes },
        ureq::Error::StatusCode(status) => FetchError::HttpStatus { url, status },
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => FetchError::BadUrl { url },
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => {
            FetchError::Unreachable { io: e.to_string(), url }
        }
        // A redirect to https:// lands here: no TLS is built in.
        ureq::Error::Tls(_) | ureq::Error::TlsRequired | ureq::Error::RequireHttpsOnly(_) => {
            FetchError::UnsupportedScheme { url }
        }
        ureq::Error::Io(io) => match io.kind() {
            K::TimedOut | K::WouldBlock => FetchError::Timeout { url, after: timeout },
            K::ConnectionRefused
            | K::AddrNotAvailable
            | K::HostUnreachable
            | K::NetworkUnreachable
            | K::NotFound => FetchError::Unreachable { url, io: io.to_string() },
            _ => FetchError::Io { url, io: io.to_string() },
        },
        other => FetchError::Protocol { url, detail: other.to_string() },
    }
}

/// Revocation answers on disk, each kept until its nextUpdate. Files are named by the
/// SHA-256 of the caller's key, hold an 8-byte big-endian expiry then the payload, and
/// are replaced atomically (write to a temporary file, then rename). Entries are re-checked
/// by the caller when read, so a tampered file costs a round trip, never a wrong answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    dir: PathBuf,
}

const MAGIC: &[u8; 4] = b"ERC1";

impl Cache {
    /// A cache in `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The per-user cache: `$ECERT_CACHE_DIR` when set, else the platform cache directory
    /// (e.g. `~/.cache/ecert-manager/revocation`). `None` when no home directory is known.
    pub fn user() -> Option<Self> {
        if let Some(dir) = std::env::var_os(CACHE_DIR_ENV).filter(|d| !d.is_empty()) {
            return Some(Self::new(dir));
        }
        let dirs = directories::ProjectDirs::from("hk", "ecert", "ecert-manager")?;
        Some(Self::new(dirs.cache_dir().join("revocation")))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The payload stored under `key`, if its nextUpdate is still after `now_unix`.
    /// Expired entries are removed.
    pub fn get(&self, key: &str, now_unix: u64) -> Option<Vec<u8>> {
        let path = self.path(key);
        let data = fs::read(&path).ok()?;
        let expiry = data.get(4..12).filter(|_| data.starts_with(MAGIC))?;
        let expiry = u64::from_be_bytes(expiry.try_into().ok()?);
        if expiry <= now_unix {
            let _ = fs::remove_file(&path);
            return None;
        }
        Some(data[12..].to_vec())
    }

    /// Stores `bytes` under `key` until `next_update_unix`. Without a nextUpdate the answer
    /// is always to be fetched anew (RFC 6960 §2.4), so nothing is stored and any older
    /// entry is dropped.
    pub fn put(&self, key: &str, bytes: &[u8], next_update_unix: Option<u64>) -> Result<(), FetchError> {
        let path = self.path(key);
        let Some(expiry) = next_update_unix else {
            let _ = fs::remove_file(&path);
            return Ok(());
        };
        // Private (0700 folder, 0600 files: what was checked says whose certificates these
        // are) and replaced atomically (careful_file).
        let cache_err = |p: &Path, e: crate::careful_file::FileError| FetchError::Cache {
            path: p.to_owned(),
            io: e.to_string(),
        };
        crate::careful_file::create_private_dir_all(&self.dir).map_err(|e| cache_err(&self.dir, e))?;
        crate::careful_file::write_atomic_with(&path, crate::careful_file::Mode::PRIVATE, |f| {
            f.write_all(MAGIC)?;
            f.write_all(&expiry.to_be_bytes())?;
            f.write_all(bytes)
        })
        .map_err(|e| cache_err(&path, e))
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{}.bin", hex::encode(Sha256::digest(key.as_bytes()))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_other_schemes() {
        for url in
            ["https://example.com/x.crl", "ftp://x/y", "ldap://x/cn=y", "file:///etc/passwd", "", "http:/"]
        {
            let e = http_get(url, Duration::from_secs(1), 10, &Policy::default()).unwrap_err();
            assert_eq!(e, FetchError::UnsupportedScheme { url: url.to_owned() }, "{url}");
        }
        let e =
            http_post("HTTPS://x", "a/b", b"", Duration::from_secs(1), 10, &Policy::default()).unwrap_err();
        assert!(matches!(e, FetchError::UnsupportedScheme { .. }));
    }

    #[test]
    fn cache_keeps_until_next_update() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path().join("sub"));
        assert_eq!(cache.get("k", 100), None);
        cache.put("k", b"hello", Some(200)).unwrap();
        assert_eq!(cache.get("k", 100).as_deref(), Some(&b"hello"[..]));
        assert_eq!(cache.get("k", 199).as_deref(), Some(&b"hello"[..]));
        assert_eq!(cache.get("other", 100), None);
        assert_eq!(cache.get("k", 200), None, "expired at nextUpdate");
        assert_eq!(cache.get("k", 100), None, "expired entries are removed");
    }

    #[test]
    fn cache_skips_entries_without_next_update() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        cache.put("k", b"old", Some(500)).unwrap();
        cache.put("k", b"new", None).unwrap();
        assert_eq!(cache.get("k", 1), None);
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert!(names.is_empty(), "no files, including temporaries: {names:?}");
    }

    #[test]
    fn cache_overwrites_and_ignores_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(dir.path());
        cache.put("k", b"one", Some(500)).unwrap();
        cache.put("k", b"two", Some(600)).unwrap();
        assert_eq!(cache.get("k", 550).as_deref(), Some(&b"two"[..]));
        fs::write(cache.path("k"), b"junk").unwrap();
        assert_eq!(cache.get("k", 1), None);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "one entry, no temporaries");
    }

    #[test]
    fn cache_file_name_is_hashed_key() {
        let cache = Cache::new("/c");
        let p = cache.path("ocsp:../../etc/passwd");
        assert_eq!(p.parent(), Some(Path::new("/c")));
        assert_eq!(p.file_name().unwrap().len(), 64 + 4);
    }

    #[test]
    fn cache_put_reports_unwritable_dir() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("not-a-dir");
        fs::write(&file, b"x").unwrap();
        let e = Cache::new(&file).put("k", b"v", Some(9)).unwrap_err();
        assert!(matches!(e, FetchError::Cache { .. }), "{e:?}");
    }
}
