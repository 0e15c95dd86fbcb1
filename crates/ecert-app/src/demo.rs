//! The demo card: a virtual PIV card (piv-authenticator, in-process through the same PIV
//! driver and `Token` as a real card) holding two sample e-Certs issued by a clearly labelled
//! demo CA, so every screen can be tried on a machine with no reader or no pcscd. Keys are
//! generated on the card at first use; the CA key lives only in memory for that moment. PIN
//! `123456`, PUK `12345678`, the factory management key — like a new card.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use der::asn1::{Ia5String, ObjectIdentifier, OctetString};
use der::{Decode, Encode};
use ecert_vcard::VirtualPiv;
use p256::ecdsa::signature::Signer;
use spki::{AlgorithmIdentifierRef, EncodePublicKey};
use x509_cert::ext::pkix::constraints::BasicConstraints;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName, SubjectKeyIdentifier,
};
use x509_cert::ext::Extension;
use x509_cert::name::Name;

use crate::piv::KeyAlgorithm;
use crate::secret::{ManagementKey, Pin};
use crate::token::{Auth, PivToken, Token, TokenError, TokenInfo, TokenRef};
use crate::transport::memory::MemoryTransport;

/// The demo card's PIN (shown in the app next to the card).
pub const DEMO_PIN: &str = "123456";
/// The common name of the demo CA that issues the sample e-Certs.
pub const DEMO_CA_CN: &str = "e-Cert Manager DEMO CA (sample only)";
/// What the sidebar calls it.
pub const DEMO_LABEL: &str = "Demo card (sample e-Certs, not real)";

const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

static CARD: OnceLock<Result<Arc<Mutex<VirtualPiv>>, String>> = OnceLock::new();
/// The demo CA's self-signed certificate, made with the card.
static DEMO_CA: OnceLock<Vec<u8>> = OnceLock::new();

/// The demo CA's certificate once the demo card is made: the app trusts it when checking
/// the demo card's e-Certs, and nowhere else (it is never added to a trust store).
pub fn ca_certificate() -> Option<Vec<u8>> {
    DEMO_CA.get().cloned()
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the demo card could not be made: {0}")]
pub struct DemoError(pub String);

/// Makes the demo card on first call (two key generations and signatures: well under a
/// second); later calls return the same card, with whatever the user changed on it.
pub fn open() -> Result<Arc<Mutex<VirtualPiv>>, DemoError> {
    CARD.get_or_init(|| {
        let card = Arc::new(Mutex::new(VirtualPiv::in_memory().map_err(|e| e.to_string())?));
        provision(&card)?;
        Ok(card)
    })
    .clone()
    .map_err(DemoError)
}

/// Whether the user opened the demo card this session.
pub fn is_open() -> bool {
    CARD.get().is_some_and(Result::is_ok)
}

/// A new connection to the demo card, which starts from a reset: a PIN verified by an
/// earlier request is forgotten (every request verifies what it needs), so the PIN state
/// shows the tries left rather than "already verified".
fn transport(card: &Arc<Mutex<VirtualPiv>>) -> MemoryTransport {
    card.lock().unwrap_or_else(std::sync::PoisonError::into_inner).reset();
    let card = Arc::clone(card);
    MemoryTransport::new(move |apdu| {
        Ok(card.lock().unwrap_or_else(std::sync::PoisonError::into_inner).execute(apdu))
    })
}

/// A connection to the demo card, for one request.
pub fn token() -> Result<Box<dyn Token>, TokenError> {
    let card = open().map_err(|_| TokenError::NotFound { reference: TokenRef::Demo.to_string() })?;
    Ok(Box::new(
        PivToken::connect(Box::new(transport(&card)), "demo").with_reference(TokenRef::Demo, DEMO_LABEL),
    ))
}

/// The demo card as the sidebar lists it (PIN state read like a real card's).
pub fn info() -> Option<TokenInfo> {
    let card = CARD.get()?.as_ref().ok()?;
    PivToken::open(Box::new(transport(card)), "demo")
        .ok()
        .map(|t| t.with_reference(TokenRef::Demo, DEMO_LABEL).info().clone())
}

fn now() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default()
}

fn ext(oid: &str, critical: bool, value: &impl Encode) -> Result<Extension, String> {
    crate::cert::build::ext(oid, critical, value).map_err(|e| e.to_string())
}

fn key_id(spki_der: &[u8]) -> Result<Vec<u8>, String> {
    use sha1::Digest;
    let info = spki::SubjectPublicKeyInfoRef::from_der(spki_der).map_err(|e| e.to_string())?;
    Ok(sha1::Sha1::digest(info.subject_public_key.raw_bytes()).to_vec())
}

/// One certificate signed by the demo CA (ECDSA P-256 / SHA-256).
struct Issue<'a> {
    serial: u8,
    subject: &'a str,
    spki: &'a [u8],
    valid_from: Duration,
    valid_until: Duration,
    extensions: Vec<Extension>,
}

fn sign_certificate(
    ca: &p256::ecdsa::SigningKey,
    ca_name: &Name,
    ca_spki: &[u8],
    c: Issue<'_>,
) -> Result<Vec<u8>, String> {
    let e = |e: der::Error| e.to_string();
    let alg = AlgorithmIdentifierRef { oid: ECDSA_SHA256, parameters: None };
    let mut extensions = c.extensions;
    extensions.push(ext(
        "2.5.29.14",
        false,
        &SubjectKeyIdentifier(OctetString::new(key_id(c.spki)?).map_err(e)?),
    )?);
    let aki = AuthorityKeyIdentifier {
        key_identifier: Some(OctetString::new(key_id(ca_spki)?).map_err(e)?),
        authority_cert_issuer: None,
        authority_cert_serial_number: None,
    };
    extensions.push(ext("2.5.29.35", false, &aki)?);
    let tbs = crate::cert::build::Unsigned {
        serial: &[c.serial],
        algorithm: alg,
        issuer: ca_name.clone(),
        subject: c.subject.parse::<Name>().map_err(|x| x.to_string())?,
        not_before: c.valid_from,
        not_after: c.valid_until,
        spki: c.spki,
        extensions,
    }
    .tbs_der()
    .map_err(e)?;
    let sig: p256::ecdsa::Signature = ca.sign(&tbs);
    crate::cert::build::certificate_der(&tbs, alg, sig.to_der().as_bytes()).map_err(e)
}

fn random_ca_key() -> Result<p256::ecdsa::SigningKey, String> {
    for _ in 0..16 {
        let mut b = [0u8; 32];
        getrandom::fill(&mut b).map_err(|e| e.to_string())?;
        if let Ok(k) = p256::ecdsa::SigningKey::from_slice(&b) {
            return Ok(k);
        }
    }
    Err("no usable random key".into())
}

/// Keys on the card, certificates from a throw-away demo CA: 9A (authentication, two years
/// left) and 9C (signature, 45 days left, so the renewal banner shows).
fn provision(card: &Arc<Mutex<VirtualPiv>>) -> Result<(), String> {
    let mut token = PivToken::connect(Box::new(transport(card)), "demo");
    let auth = Auth {
        pin: Some(Pin::new(DEMO_PIN.into())),
        management_key: Some(ManagementKey::factory_default()),
        ..Auth::default()
    };
    let ca = random_ca_key()?;
    let ca_spki = ca.verifying_key().to_public_key_der().map_err(|e| e.to_string())?.as_bytes().to_vec();
    let ca_name: Name =
        format!("CN={DEMO_CA_CN},O=Demo only,C=HK").parse().map_err(|e: der::Error| e.to_string())?;
    let day = Duration::from_secs(86_400);
    let t = now();
    let email = |m: &str| -> Result<Extension, String> {
        let name = GeneralName::Rfc822Name(Ia5String::new(m).map_err(|e| e.to_string())?);
        ext("2.5.29.17", false, &SubjectAltName(vec![name]))
    };
    let eku = ExtendedKeyUsage(vec![
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2"),
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4"),
    ]);
    let basic = BasicConstraints { ca: false, path_len_constraint: None };
    let ca_basic = BasicConstraints { ca: true, path_len_constraint: Some(0) };
    let ca_cert = sign_certificate(
        &ca,
        &ca_name,
        &ca_spki,
        Issue {
            serial: 1,
            subject: &format!("CN={DEMO_CA_CN},O=Demo only,C=HK"),
            spki: &ca_spki,
            valid_from: t.saturating_sub(day * 1100),
            valid_until: t + day * 1825,
            extensions: vec![
                ext("2.5.29.19", true, &ca_basic)?,
                ext("2.5.29.15", true, &KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign))?,
            ],
        },
    )?;
    let _ = DEMO_CA.set(ca_cert);
    let subject = "CN=CHAN Tai Man (DEMO),O=Demo e-Cert (Personal) - not a real certificate,C=HK";
    for (slot, serial, usage, left) in
        [("9a", 2u8, KeyUsages::DigitalSignature, 730u32), ("9c", 3u8, KeyUsages::NonRepudiation, 45)]
    {
        let key = token.generate_key(slot, KeyAlgorithm::EccP256, &auth).map_err(|e| e.to_string())?;
        let extensions = vec![
            ext("2.5.29.19", true, &basic)?,
            ext("2.5.29.15", true, &KeyUsage(usage.into()))?,
            ext("2.5.29.37", false, &eku)?,
            email("chan.taiman@demo.invalid")?,
        ];
        let issue = Issue {
            serial,
            subject,
            spki: &key.spki_der,
            valid_from: t.saturating_sub(day * (1095 - left)),
            valid_until: t + day * left,
            extensions,
        };
        let cert = sign_certificate(&ca, &ca_name, &ca_spki, issue)?;
        token.import_certificate(slot, &cert, &auth).map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_card_holds_two_labelled_sample_ecerts_with_their_keys() {
        open().unwrap();
        assert!(is_open());
        let mut token = token().unwrap();
        assert_eq!(token.info().reference, TokenRef::Demo);
        let certs = token.certificates().unwrap();
        let slots: Vec<&str> = certs.iter().map(|c| c.location.as_str()).collect();
        assert_eq!(slots, ["9a", "9c"]);
        for c in &certs {
            let s = c.summary.as_ref().unwrap();
            assert!(s.subject.contains("DEMO") && s.issuer.contains(DEMO_CA_CN), "{}", s.subject);
            let parsed = crate::verify::Cert::parse(&c.der).unwrap();
            assert_eq!(parsed.issuer_display(), "CN=e-Cert Manager DEMO CA (sample only),O=Demo only,C=HK");
        }
        let now = now().as_secs();
        let days: Vec<i64> = certs.iter().map(|c| c.summary.as_ref().unwrap().days_left(now)).collect();
        assert!(days[0] > 700 && (40..=45).contains(&days[1]), "{days:?}");
        // The demo CA is not trusted: verification says so.
        let leaf = crate::verify::Cert::parse(&certs[0].der).unwrap();
        let report = crate::verify::verify(
            &leaf,
            &[],
            &[],
            &[],
            &crate::verify::Options { time: now, ..Default::default() },
        );
        assert_eq!(report.verdict, crate::verify::Verdict::Invalid);
        // Given as the anchor (what the app does for the demo card only), both check out.
        let ca = crate::verify::Cert::parse(&ca_certificate().unwrap()).unwrap();
        for c in &certs {
            let leaf = crate::verify::Cert::parse(&c.der).unwrap();
            let options = crate::verify::Options { time: now, ..Default::default() };
            let report = crate::verify::verify(&leaf, &[], std::slice::from_ref(&ca), &[], &options);
            assert_eq!(report.verdict, crate::verify::Verdict::Valid, "{:?}", report.reason);
        }
        let listed = info().unwrap();
        assert_eq!((listed.reference, listed.label.as_str()), (TokenRef::Demo, DEMO_LABEL));
    }
}
