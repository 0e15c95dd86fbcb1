//! Signature checks on RustCrypto primitives, keyed by a DER SubjectPublicKeyInfo (RFC 5280
//! §4.1.2.7) and the AlgorithmIdentifier of the signed object (RFC 5280 §4.1.1.2):
//! RSA PKCS#1 v1.5 (RFC 8017 §8.2) with SHA-1/224/256/384/512, RSASSA-PSS (RFC 8017 §8.1,
//! parameters per RFC 4055 §3.1), ECDSA (FIPS 186-5, RFC 5758 §3.2) on P-256/P-384 and DSA
//! (FIPS 186-4, RFC 3279 §2.2.2) with parameter inheritance (RFC 3279 §2.3.2).
//!
//! Weak-algorithm policy: MD2/MD5 are refused outright; SHA-1 verifies but is reported as
//! [`Strength::Weak`] so the user sees it.

use der::asn1::{AnyRef, ObjectIdentifier, UintRef};
use der::{Decode, Encode, Sequence};
use rsa::{Pkcs1v15Sign, Pss};
use sha1::Sha1;
use sha2::{Digest, Sha224, Sha256, Sha384, Sha512};
use signature::hazmat::PrehashVerifier;
use spki::{AlgorithmIdentifierRef, DecodePublicKey, SubjectPublicKeyInfoRef};

const RSA: &str = "1.2.840.113549.1.1.1";
const EC: &str = "1.2.840.10045.2.1";
const DSA: &str = "1.2.840.10040.4.1";
const P256: &str = "1.2.840.10045.3.1.7";
const P384: &str = "1.3.132.0.34";

/// How much the algorithm that made a signature can be trusted today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strength {
    Good,
    /// SHA-1: collisions are practical; shown to the user as weak.
    Weak,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("unsupported public key algorithm {oid}")]
    UnsupportedKey { oid: String },
    #[error("unsupported signature algorithm {oid}")]
    UnsupportedAlgorithm { oid: String },
    #[error("signature algorithm {oid} is forbidden (broken hash)")]
    Forbidden { oid: String },
    #[error("the signature algorithm does not fit the key ({oid})")]
    KeyMismatch { oid: String },
    #[error("malformed public key")]
    BadKey,
    #[error("malformed signature")]
    BadSignature,
    #[error("the signature does not match the key")]
    Mismatch,
}

/// The digests signatures (and OCSP CertIDs, RFC 6960 §4.1.1) are made with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    pub(crate) fn digest(self, m: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => Sha1::digest(m).to_vec(),
            Hash::Sha224 => Sha224::digest(m).to_vec(),
            Hash::Sha256 => Sha256::digest(m).to_vec(),
            Hash::Sha384 => Sha384::digest(m).to_vec(),
            Hash::Sha512 => Sha512::digest(m).to_vec(),
        }
    }

    pub(crate) fn oid(self) -> ObjectIdentifier {
        ObjectIdentifier::new_unwrap(match self {
            Hash::Sha1 => "1.3.14.3.2.26",
            Hash::Sha224 => "2.16.840.1.101.3.4.2.4",
            Hash::Sha256 => "2.16.840.1.101.3.4.2.1",
            Hash::Sha384 => "2.16.840.1.101.3.4.2.2",
            Hash::Sha512 => "2.16.840.1.101.3.4.2.3",
        })
    }

    pub(crate) fn from_oid(oid: &str) -> Option<Self> {
        Some(match oid {
            "1.3.14.3.2.26" => Hash::Sha1,
            "2.16.840.1.101.3.4.2.4" => Hash::Sha224,
            "2.16.840.1.101.3.4.2.1" => Hash::Sha256,
            "2.16.840.1.101.3.4.2.2" => Hash::Sha384,
            "2.16.840.1.101.3.4.2.3" => Hash::Sha512,
            _ => return None,
        })
    }

    fn strength(self) -> Strength {
        if self == Hash::Sha1 {
            Strength::Weak
        } else {
            Strength::Good
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scheme {
    RsaPkcs1(Hash),
    RsaPss,
    Ecdsa(Hash),
    Dsa(Hash),
}

fn scheme(oid: &str) -> Result<Scheme, SignatureError> {
    use Hash::{Sha1, Sha224, Sha256, Sha384, Sha512};
    Ok(match oid {
        "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => Scheme::RsaPkcs1(Sha1),
        "1.2.840.113549.1.1.14" => Scheme::RsaPkcs1(Sha224),
        "1.2.840.113549.1.1.11" => Scheme::RsaPkcs1(Sha256),
        "1.2.840.113549.1.1.12" => Scheme::RsaPkcs1(Sha384),
        "1.2.840.113549.1.1.13" => Scheme::RsaPkcs1(Sha512),
        "1.2.840.113549.1.1.10" => Scheme::RsaPss,
        "1.2.840.10045.4.1" => Scheme::Ecdsa(Sha1),
        "1.2.840.10045.4.3.1" => Scheme::Ecdsa(Sha224),
        "1.2.840.10045.4.3.2" => Scheme::Ecdsa(Sha256),
        "1.2.840.10045.4.3.3" => Scheme::Ecdsa(Sha384),
        "1.2.840.10045.4.3.4" => Scheme::Ecdsa(Sha512),
        "1.2.840.10040.4.3" => Scheme::Dsa(Sha1),
        "2.16.840.1.101.3.4.3.1" => Scheme::Dsa(Sha224),
        "2.16.840.1.101.3.4.3.2" => Scheme::Dsa(Sha256),
        // md2WithRSA, md4WithRSA, md5WithRSA
        "1.2.840.113549.1.1.2" | "1.2.840.113549.1.1.3" | "1.2.840.113549.1.1.4" => {
            return Err(SignatureError::Forbidden { oid: oid.to_owned() })
        }
        _ => return Err(SignatureError::UnsupportedAlgorithm { oid: oid.to_owned() }),
    })
}

/// Checks `sig` over `message` with the key in `spki_der`, using the hash that goes with
/// the key type (SHA-256 for RSA and P-256, SHA-384 for P-384), as PIV cards sign.
pub fn verify_message(spki_der: &[u8], message: &[u8], sig: &[u8]) -> Result<(), SignatureError> {
    let info = SubjectPublicKeyInfoRef::from_der(spki_der).map_err(|_| SignatureError::BadKey)?;
    let alg = match (info.algorithm.oid.to_string().as_str(), info.algorithm.parameters_oid().ok()) {
        (RSA, _) => "1.2.840.113549.1.1.11",
        (EC, Some(c)) if c.to_string() == P384 => "1.2.840.10045.4.3.3",
        (EC, _) => "1.2.840.10045.4.3.2",
        (oid, _) => return Err(SignatureError::UnsupportedKey { oid: oid.to_owned() }),
    };
    let oid = ObjectIdentifier::new_unwrap(alg);
    let alg = AlgorithmIdentifierRef { oid, parameters: None };
    verify_signed(spki_der, None, &alg, message, sig).map(|_| ())
}

/// Checks a signed object's `signature` over `message` (the DER of its TBS part) made with
/// `algorithm`, against the signer's key. `inherited_dsa_params` are the DSA domain
/// parameters (DER `Dss-Parms`) of the signer's issuer, used when the signer's own key omits
/// them (RFC 3279 §2.3.2).
pub fn verify_signed(
    spki_der: &[u8],
    inherited_dsa_params: Option<&[u8]>,
    algorithm: &AlgorithmIdentifierRef<'_>,
    message: &[u8],
    sig: &[u8],
) -> Result<Strength, SignatureError> {
    let info = SubjectPublicKeyInfoRef::from_der(spki_der).map_err(|_| SignatureError::BadKey)?;
    let key_oid = info.algorithm.oid.to_string();
    let alg_oid = algorithm.oid.to_string();
    let mismatch = || SignatureError::KeyMismatch { oid: alg_oid.clone() };
    match scheme(&alg_oid)? {
        Scheme::RsaPkcs1(hash) => {
            if key_oid != RSA {
                return Err(mismatch());
            }
            // RFC 4055 §5: the parameters are NULL or absent; anything else is malformed.
            if let Some(p) = &algorithm.parameters {
                if !p.is_null() {
                    return Err(SignatureError::BadSignature);
                }
            }
            let key = rsa_key(spki_der)?;
            let padding = match hash {
                Hash::Sha1 => Pkcs1v15Sign::new::<Sha1>(),
                Hash::Sha224 => Pkcs1v15Sign::new::<Sha224>(),
                Hash::Sha256 => Pkcs1v15Sign::new::<Sha256>(),
                Hash::Sha384 => Pkcs1v15Sign::new::<Sha384>(),
                Hash::Sha512 => Pkcs1v15Sign::new::<Sha512>(),
            };
            key.verify(padding, &hash.digest(message), sig).map_err(|_| SignatureError::Mismatch)?;
            Ok(hash.strength())
        }
        Scheme::RsaPss => {
            if key_oid != RSA && key_oid != "1.2.840.113549.1.1.10" {
                return Err(mismatch());
            }
            let params = pss_params(algorithm.parameters.as_ref())?;
            let key = rsa_key(spki_der)?;
            let hashed = params.hash.digest(message);
            let salt = params.salt;
            let r = match params.hash {
                Hash::Sha1 => key.verify(Pss::<Sha1>::new_with_salt(salt), &hashed, sig),
                Hash::Sha224 => key.verify(Pss::<Sha224>::new_with_salt(salt), &hashed, sig),
                Hash::Sha256 => key.verify(Pss::<Sha256>::new_with_salt(salt), &hashed, sig),
                Hash::Sha384 => key.verify(Pss::<Sha384>::new_with_salt(salt), &hashed, sig),
                Hash::Sha512 => key.verify(Pss::<Sha512>::new_with_salt(salt), &hashed, sig),
            };
            r.map_err(|_| SignatureError::Mismatch)?;
            Ok(params.hash.strength())
        }
        Scheme::Ecdsa(hash) => {
            if key_oid != EC || algorithm.parameters.is_some() {
                return Err(mismatch());
            }
            let curve = info.algorithm.parameters_oid().map_err(|_| SignatureError::BadKey)?.to_string();
            let hashed = hash.digest(message);
            match curve.as_str() {
                P256 => {
                    let vk = p256::ecdsa::VerifyingKey::from_public_key_der(spki_der)
                        .map_err(|_| SignatureError::BadKey)?;
                    let sig =
                        p256::ecdsa::Signature::from_der(sig).map_err(|_| SignatureError::BadSignature)?;
                    vk.verify_prehash(&hashed, &sig).map_err(|_| SignatureError::Mismatch)?;
                }
                P384 => {
                    let vk = p384::ecdsa::VerifyingKey::from_public_key_der(spki_der)
                        .map_err(|_| SignatureError::BadKey)?;
                    let sig =
                        p384::ecdsa::Signature::from_der(sig).map_err(|_| SignatureError::BadSignature)?;
                    vk.verify_prehash(&hashed, &sig).map_err(|_| SignatureError::Mismatch)?;
                }
                other => return Err(SignatureError::UnsupportedKey { oid: format!("{EC} / {other}") }),
            }
            Ok(hash.strength())
        }
        Scheme::Dsa(hash) => {
            if key_oid != DSA {
                return Err(mismatch());
            }
            let own = info.algorithm.parameters.as_ref().filter(|p| !p.is_null()).map(AnyRef::to_der);
            let params = match own {
                Some(p) => p.map_err(|_| SignatureError::BadKey)?,
                None => inherited_dsa_params.ok_or(SignatureError::BadKey)?.to_vec(),
            };
            verify_dsa(&params, info.subject_public_key.raw_bytes(), hash, message, sig)?;
            Ok(hash.strength())
        }
    }
}

/// The DSA domain parameters of a key, DER, when it carries them (for inheritance).
pub fn dsa_params(spki_der: &[u8]) -> Option<Vec<u8>> {
    let info = SubjectPublicKeyInfoRef::from_der(spki_der).ok()?;
    if info.algorithm.oid.to_string() != DSA {
        return None;
    }
    info.algorithm.parameters.filter(|p| !p.is_null()).and_then(|p| p.to_der().ok())
}

/// Whether a key is a DSA key without its own domain parameters (RFC 3279 §2.3.2).
pub fn is_dsa_without_params(spki_der: &[u8]) -> bool {
    SubjectPublicKeyInfoRef::from_der(spki_der).is_ok_and(|i| {
        i.algorithm.oid.to_string() == DSA && i.algorithm.parameters.is_none_or(der::AnyRef::is_null)
    })
}

fn rsa_key(spki_der: &[u8]) -> Result<rsa::PublicKey, SignatureError> {
    rsa::PublicKey::from_public_key_der(spki_der).map_err(|_| SignatureError::BadKey)
}

struct PssParams {
    hash: Hash,
    salt: usize,
}

/// RSASSA-PSS-params (RFC 4055 §3.1); defaults SHA-1, MGF1-SHA-1, salt 20, trailer 1. The MGF
/// hash must equal the message hash (all the rsa crate supports; also what CAs use).
fn pss_params(params: Option<&AnyRef<'_>>) -> Result<PssParams, SignatureError> {
    #[derive(Sequence)]
    struct Raw<'a> {
        #[asn1(context_specific = "0", optional = "true")]
        hash: Option<AlgorithmIdentifierRef<'a>>,
        #[asn1(context_specific = "1", optional = "true")]
        mgf: Option<AlgorithmIdentifierRef<'a>>,
        #[asn1(context_specific = "2", optional = "true")]
        salt: Option<UintRef<'a>>,
        #[asn1(context_specific = "3", optional = "true")]
        trailer: Option<UintRef<'a>>,
    }
    let bad = || SignatureError::BadSignature;
    let any = params.ok_or_else(bad)?;
    let raw: Raw<'_> = any.decode_as().map_err(|_| bad())?;
    let hash_oid = raw.hash.as_ref().map_or_else(|| "1.3.14.3.2.26".to_owned(), |a| a.oid.to_string());
    let hash = Hash::from_oid(&hash_oid).ok_or(SignatureError::UnsupportedAlgorithm { oid: hash_oid })?;
    let mgf_hash = match &raw.mgf {
        None => Hash::Sha1,
        Some(m) => {
            if m.oid.to_string() != "1.2.840.113549.1.1.8" {
                return Err(SignatureError::UnsupportedAlgorithm { oid: m.oid.to_string() });
            }
            let inner: AlgorithmIdentifierRef<'_> =
                m.parameters.as_ref().ok_or_else(bad)?.decode_as().map_err(|_| bad())?;
            Hash::from_oid(&inner.oid.to_string())
                .ok_or(SignatureError::UnsupportedAlgorithm { oid: inner.oid.to_string() })?
        }
    };
    if mgf_hash != hash {
        return Err(SignatureError::UnsupportedAlgorithm {
            oid: "MGF1 hash differing from message hash".into(),
        });
    }
    let small = |u: &UintRef<'_>| -> Result<usize, SignatureError> {
        let b = u.as_bytes();
        if b.len() > 4 {
            return Err(bad());
        }
        Ok(b.iter().fold(0usize, |a, x| (a << 8) | usize::from(*x)))
    };
    let salt = raw.salt.as_ref().map_or(Ok(20), small)?;
    if raw.trailer.as_ref().map_or(Ok(1), small)? != 1 {
        return Err(bad());
    }
    Ok(PssParams { hash, salt })
}

fn verify_dsa(
    params: &[u8],
    key_bits: &[u8],
    hash: Hash,
    message: &[u8],
    sig: &[u8],
) -> Result<(), SignatureError> {
    #[derive(Sequence)]
    struct DssParms<'a> {
        p: UintRef<'a>,
        q: UintRef<'a>,
        g: UintRef<'a>,
    }
    let bad_key = || SignatureError::BadKey;
    let domain = DssParms::from_der(params).map_err(|_| bad_key())?;
    let y = UintRef::from_der(key_bits).map_err(|_| bad_key())?;
    let big = |u: &UintRef<'_>| rsa::BoxedUint::from_be_slice_vartime(u.as_bytes());
    let components = dsa::Components::from_components(big(&domain.p), big(&domain.q), big(&domain.g))
        .map_err(|_| bad_key())?;
    let vk = dsa::VerifyingKey::from_components(components, big(&y)).map_err(|_| bad_key())?;
    let sig = dsa::Signature::from_der(sig).map_err(|_| SignatureError::BadSignature)?;
    // FIPS 186-4 §4.6: the digest is truncated to the bit length of q by the verifier.
    vk.verify_prehash(&hash.digest(message), &sig).map_err(|_| SignatureError::Mismatch)
}
