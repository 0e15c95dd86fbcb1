//! [`Token`] operations on a PKCS#11 token (PKCS#11 v2.40 §5.6–5.13): objects found by
//! CKA_ID (our "location", hex), certificates and keys paired by that id, login only for
//! the call that needs it, and the key/certificate match proven by a signature before a
//! certificate is stored.

use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, CertificateType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use der::asn1::{ObjectIdentifier, OctetString};
use der::{Decode, Encode};

use super::module::{token_info, Pkcs11Token};
use super::Pkcs11Error;
use crate::secret::Pin;
use crate::token::{Auth, CertObject, PinFacts, Token, TokenError, TokenInfo};
use crate::token::{KeyAlgorithm, PinRef, PublicKey};

fn ck(e: cryptoki::error::Error) -> TokenError {
    TokenError::Pkcs11(Pkcs11Error::from_cryptoki(e))
}

fn auth_pin(pin: &Pin) -> AuthPin {
    AuthPin::from(pin.expose().to_owned())
}

fn id_of(location: &str) -> Result<Vec<u8>, TokenError> {
    hex::decode(location.trim())
        .ok()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| TokenError::BadLocation { location: location.to_owned() })
}

fn curve_oid(alg: KeyAlgorithm) -> Option<ObjectIdentifier> {
    match alg {
        KeyAlgorithm::EccP256 => Some(ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7")),
        KeyAlgorithm::EccP384 => Some(ObjectIdentifier::new_unwrap("1.3.132.0.34")),
        KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 => None,
    }
}

impl Pkcs11Token {
    fn rw_user_session(&self, pin: Option<&Pin>) -> Result<Session, TokenError> {
        let session = self.ctx.open_rw_session(self.slot).map_err(ck)?;
        let pin = pin.ok_or(TokenError::CredentialNeeded { what: "PIN" })?;
        session.login(UserType::User, Some(&auth_pin(pin))).map_err(ck)?;
        Ok(session)
    }

    fn find_one(
        session: &Session,
        class: ObjectClass,
        id: &[u8],
    ) -> Result<Option<ObjectHandle>, TokenError> {
        let found =
            session.find_objects(&[Attribute::Class(class), Attribute::Id(id.to_vec())]).map_err(ck)?;
        Ok(found.into_iter().next())
    }

    fn public_key(
        session: &Session,
        alg: KeyAlgorithm,
        handle: ObjectHandle,
    ) -> Result<PublicKey, TokenError> {
        let attrs = session
            .get_attributes(
                handle,
                &[AttributeType::Modulus, AttributeType::PublicExponent, AttributeType::EcPoint],
            )
            .map_err(ck)?;
        let (mut modulus, mut exponent, mut point) = (None, None, None);
        for a in attrs {
            match a {
                Attribute::Modulus(n) => modulus = Some(n),
                Attribute::PublicExponent(e) => exponent = Some(e),
                // CKA_EC_POINT is a DER OCTET STRING around the point (PKCS#11 v2.40 §2.3.3).
                Attribute::EcPoint(p) => {
                    point = Some(OctetString::from_der(&p).map(|o| o.as_bytes().to_vec()).unwrap_or(p));
                }
                _ => {}
            }
        }
        let key = match (alg.is_rsa(), modulus, exponent, point) {
            (true, Some(n), Some(e), _) => PublicKey::from_rsa_parts(alg, &n, &e),
            (false, _, _, Some(p)) => PublicKey::from_ec_point(alg, &p),
            _ => {
                return Err(TokenError::Pkcs11(Pkcs11Error::Other {
                    detail: format!("the {alg:?} public key has no key attributes"),
                }))
            }
        };
        key.map_err(|e| TokenError::Pkcs11(Pkcs11Error::Other { detail: e.to_string() }))
    }
}

impl Token for Pkcs11Token {
    fn info(&self) -> &TokenInfo {
        &self.info
    }

    /// Public certificate objects (CKO_CERTIFICATE) readable without login.
    fn certificates(&mut self) -> Result<Vec<CertObject>, TokenError> {
        let session = self.ctx.open_ro_session(self.slot).map_err(ck)?;
        let handles = session.find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)]).map_err(ck)?;
        // Key objects visible without login (public keys, non-private private keys), by id.
        let mut key_ids: Vec<Vec<u8>> = Vec::new();
        for class in [ObjectClass::PUBLIC_KEY, ObjectClass::PRIVATE_KEY] {
            for h in session.find_objects(&[Attribute::Class(class)]).map_err(ck)? {
                if let Some(Attribute::Id(id)) =
                    session.get_attributes(h, &[AttributeType::Id]).map_err(ck)?.into_iter().next()
                {
                    key_ids.push(id);
                }
            }
        }
        let mut out = Vec::with_capacity(handles.len());
        for h in handles {
            let attrs = session
                .get_attributes(h, &[AttributeType::Id, AttributeType::Label, AttributeType::Value])
                .map_err(ck)?;
            let (mut id, mut label, mut value) = (Vec::new(), None, Vec::new());
            for a in attrs {
                match a {
                    Attribute::Id(v) => id = v,
                    Attribute::Label(v) => label = Some(String::from_utf8_lossy(&v).into_owned()),
                    Attribute::Value(v) => value = v,
                    _ => {}
                }
            }
            let mut object = CertObject::new(hex::encode(&id), label, value);
            object.key = Some(key_ids.contains(&id));
            out.push(object);
        }
        Ok(out)
    }

    fn pin_status(&mut self) -> Result<PinFacts, TokenError> {
        let ti = self.ctx.get_token_info(self.slot).map_err(ck)?;
        self.info = token_info(&self.ctx_module_path(), &ti);
        Ok(self.info.pin.unwrap_or_default())
    }

    /// C_SetPIN: for the user PIN without login (the old PIN authenticates the call); for
    /// the SO PIN after C_Login as SO.
    fn change_pin(&mut self, which: PinRef, old: &Pin, new: &Pin) -> Result<(), TokenError> {
        let session = self.ctx.open_rw_session(self.slot).map_err(ck)?;
        if which == PinRef::Puk {
            session.login(UserType::So, Some(&auth_pin(old))).map_err(ck)?;
        }
        session.set_pin(&auth_pin(old), &auth_pin(new)).map_err(ck)
    }

    /// C_Login as SO, then C_InitPIN with the new user PIN.
    fn unblock_pin(&mut self, so_pin: &Pin, new_pin: &Pin) -> Result<(), TokenError> {
        let session = self.ctx.open_rw_session(self.slot).map_err(ck)?;
        session.login(UserType::So, Some(&auth_pin(so_pin))).map_err(ck)?;
        session.init_pin(&auth_pin(new_pin)).map_err(ck)
    }

    fn generate_key(
        &mut self,
        location: &str,
        alg: KeyAlgorithm,
        auth: &Auth,
    ) -> Result<PublicKey, TokenError> {
        let id = id_of(location)?;
        let session = self.rw_user_session(auth.pin.as_ref())?;
        // Never shadow or lose a key: one key pair per id.
        if Self::find_one(&session, ObjectClass::PRIVATE_KEY, &id)?.is_some() {
            return Err(TokenError::LocationInUse { location: location.to_owned() });
        }
        let label = format!("e-Cert key {location}").into_bytes();
        let mut public = vec![
            Attribute::Token(true),
            Attribute::Verify(true),
            Attribute::Id(id.clone()),
            Attribute::Label(label.clone()),
        ];
        let private = vec![
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            Attribute::Id(id),
            Attribute::Label(label),
        ];
        let mechanism = if let Some(curve) = curve_oid(alg) {
            public.push(Attribute::EcParams(curve.to_der().map_err(ecert_core::cert::CertError::from)?));
            Mechanism::EccKeyPairGen
        } else {
            let bits = cryptoki::types::Ulong::new(if alg == KeyAlgorithm::Rsa3072 { 3072 } else { 2048 });
            public.push(Attribute::ModulusBits(bits));
            public.push(Attribute::PublicExponent(vec![0x01, 0x00, 0x01]));
            Mechanism::RsaPkcsKeyPairGen
        };
        let (pub_handle, _) = session.generate_key_pair(&mechanism, &public, &private).map_err(ck)?;
        Self::public_key(&session, alg, pub_handle)
    }

    /// RSA: CKM_RSA_PKCS over the DigestInfo inside the padded block we are given (the
    /// token pads); EC: CKM_ECDSA over the hash, r‖s re-encoded as DER ECDSA-Sig-Value.
    fn sign(
        &mut self,
        location: &str,
        alg: KeyAlgorithm,
        input: &[u8],
        auth: &Auth,
    ) -> Result<Vec<u8>, TokenError> {
        let id = id_of(location)?;
        let session = self.rw_user_session(auth.pin.as_ref())?;
        let key = Self::find_one(&session, ObjectClass::PRIVATE_KEY, &id)?
            .ok_or_else(|| TokenError::BadLocation { location: location.to_owned() })?;
        let key_type = session.get_attributes(key, &[AttributeType::KeyType]).map_err(ck)?;
        let want = if alg.is_rsa() { KeyType::RSA } else { KeyType::EC };
        if !key_type.iter().any(|a| matches!(a, Attribute::KeyType(t) if *t == want)) {
            return Err(TokenError::KeyMismatch { location: location.to_owned() });
        }
        if alg.is_rsa() {
            let digest_info =
                strip_pkcs1_type1(input).ok_or(TokenError::Unsupported { operation: "this input" })?;
            return session.sign(&Mechanism::RsaPkcs, key, digest_info).map_err(ck);
        }
        let raw = session.sign(&Mechanism::Ecdsa, key, input).map_err(ck)?;
        ecdsa_raw_to_der(&raw).ok_or(TokenError::Unsupported { operation: "this signature" })
    }

    fn import_certificate(&mut self, location: &str, der: &[u8], auth: &Auth) -> Result<(), TokenError> {
        let id = id_of(location)?;
        let cert = x509_cert::Certificate::from_der(der).map_err(ecert_core::cert::CertError::from)?;
        let spki = ecert_core::cert::spki_der(der)?;
        let alg =
            KeyAlgorithm::from_spki(&spki).ok_or(TokenError::Unsupported { operation: "this key type" })?;
        // Prove the token's key with this id is the certificate's key before storing it.
        let mut challenge = [0u8; 32];
        getrandom::fill(&mut challenge)
            .map_err(|_| TokenError::Unsupported { operation: "random numbers" })?;
        let sig = self.sign(location, alg, &crate::csr::card_sign_input(alg, &challenge), auth).map_err(
            |e| match e {
                TokenError::BadLocation { .. } => TokenError::KeyMismatch { location: location.to_owned() },
                other => other,
            },
        )?;
        ecert_core::verify::signature::verify_message(&spki, &challenge, &sig)
            .map_err(|_| TokenError::KeyMismatch { location: location.to_owned() })?;
        let session = self.rw_user_session(auth.pin.as_ref())?;
        let tbs = cert.tbs_certificate();
        let label = tbs
            .subject()
            .common_name()
            .ok()
            .flatten()
            .map_or_else(|| format!("e-Cert {location}"), |cn| cn.value().into_owned());
        session
            .create_object(&[
                Attribute::Class(ObjectClass::CERTIFICATE),
                Attribute::CertificateType(CertificateType::X_509),
                Attribute::Token(true),
                Attribute::Id(id),
                Attribute::Label(label.into_bytes()),
                Attribute::Subject(tbs.subject().to_der().map_err(ecert_core::cert::CertError::from)?),
                Attribute::Issuer(tbs.issuer().to_der().map_err(ecert_core::cert::CertError::from)?),
                Attribute::SerialNumber(
                    tbs.serial_number().to_der().map_err(ecert_core::cert::CertError::from)?,
                ),
                Attribute::Value(der.to_vec()),
            ])
            .map_err(ck)?;
        Ok(())
    }

    /// Creates the private key object (CKO_PRIVATE_KEY, sensitive, not extractable) and its
    /// public key object from a PKCS#8 key, both with CKA_ID = location.
    fn import_key(&mut self, location: &str, pkcs8_der: &[u8], auth: &Auth) -> Result<(), TokenError> {
        let id = id_of(location)?;
        let (private, public) = key_templates(pkcs8_der, &id)?;
        let session = self.rw_user_session(auth.pin.as_ref())?;
        if Self::find_one(&session, ObjectClass::PRIVATE_KEY, &id)?.is_some() {
            return Err(TokenError::LocationInUse { location: location.to_owned() });
        }
        let handle = session.create_object(&private).map_err(ck)?;
        if let Err(e) = session.create_object(&public) {
            // Never leave half a key pair behind.
            let _ = session.destroy_object(handle);
            return Err(ck(e));
        }
        Ok(())
    }

    fn delete_key(&mut self, location: &str, auth: &Auth) -> Result<(), TokenError> {
        let id = id_of(location)?;
        let session = self.rw_user_session(auth.pin.as_ref())?;
        for class in [ObjectClass::PRIVATE_KEY, ObjectClass::PUBLIC_KEY] {
            if let Some(h) = Self::find_one(&session, class, &id)? {
                session.destroy_object(h).map_err(ck)?;
            }
        }
        Ok(())
    }

    fn delete_certificate(&mut self, location: &str, auth: &Auth) -> Result<(), TokenError> {
        let id = id_of(location)?;
        let session = self.rw_user_session(auth.pin.as_ref())?;
        let cert = Self::find_one(&session, ObjectClass::CERTIFICATE, &id)?
            .ok_or_else(|| TokenError::BadLocation { location: location.to_owned() })?;
        session.destroy_object(cert).map_err(ck)
    }
}

impl Pkcs11Token {
    fn ctx_module_path(&self) -> std::path::PathBuf {
        match &self.info.reference {
            crate::token::TokenRef::Pkcs11 { module, .. } => module.clone(),
            _ => std::path::PathBuf::new(),
        }
    }
}

/// Private and public key templates from PKCS#8 (RFC 5958): RSA components (RFC 8017 A.1.2)
/// or the EC scalar (RFC 5915) and point.
fn key_templates(pkcs8_der: &[u8], id: &[u8]) -> Result<(Vec<Attribute>, Vec<Attribute>), TokenError> {
    use crate::soft_key::{kind, SoftKeyKind};
    let bad = || TokenError::Unsupported { operation: "this private key" };
    let info = pkcs8::PrivateKeyInfoRef::from_der(pkcs8_der).map_err(|_| bad())?;
    let common = |class: ObjectClass, key_type: KeyType| {
        vec![
            Attribute::Class(class),
            Attribute::KeyType(key_type),
            Attribute::Token(true),
            Attribute::Id(id.to_vec()),
            Attribute::Label(b"e-Cert key".to_vec()),
        ]
    };
    let mut private;
    let mut public;
    match kind(pkcs8_der).ok_or_else(bad)? {
        SoftKeyKind::Rsa => {
            let k = pkcs1::RsaPrivateKey::from_der(info.private_key.as_bytes()).map_err(|_| bad())?;
            private = common(ObjectClass::PRIVATE_KEY, KeyType::RSA);
            public = common(ObjectClass::PUBLIC_KEY, KeyType::RSA);
            let b = |u: pkcs1::UintRef<'_>| u.as_bytes().to_vec();
            private.extend([
                Attribute::Modulus(b(k.modulus)),
                Attribute::PublicExponent(b(k.public_exponent)),
                Attribute::PrivateExponent(b(k.private_exponent)),
                Attribute::Prime1(b(k.prime1)),
                Attribute::Prime2(b(k.prime2)),
                Attribute::Exponent1(b(k.exponent1)),
                Attribute::Exponent2(b(k.exponent2)),
                Attribute::Coefficient(b(k.coefficient)),
            ]);
            public
                .extend([Attribute::Modulus(b(k.modulus)), Attribute::PublicExponent(b(k.public_exponent))]);
        }
        which @ (SoftKeyKind::P256 | SoftKeyKind::P384) => {
            let k = sec1::EcPrivateKey::from_der(info.private_key.as_bytes()).map_err(|_| bad())?;
            let alg = if which == SoftKeyKind::P256 { KeyAlgorithm::EccP256 } else { KeyAlgorithm::EccP384 };
            let params =
                curve_oid(alg).ok_or_else(bad)?.to_der().map_err(ecert_core::cert::CertError::from)?;
            let point = match k.public_key {
                Some(p) => p.to_vec(),
                None => public_point(which, k.private_key).ok_or_else(bad)?,
            };
            private = common(ObjectClass::PRIVATE_KEY, KeyType::EC);
            public = common(ObjectClass::PUBLIC_KEY, KeyType::EC);
            private.extend([Attribute::EcParams(params.clone()), Attribute::Value(k.private_key.to_vec())]);
            let point = OctetString::new(point)
                .and_then(|o| o.to_der())
                .map_err(ecert_core::cert::CertError::from)?;
            public.extend([Attribute::EcParams(params), Attribute::EcPoint(point)]);
        }
    }
    private.extend([
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::Sign(true),
    ]);
    public.push(Attribute::Verify(true));
    Ok((private, public))
}

/// The uncompressed public point for an EC scalar whose PKCS#8 left it out.
fn public_point(which: crate::soft_key::SoftKeyKind, scalar: &[u8]) -> Option<Vec<u8>> {
    use crate::soft_key::SoftKeyKind;
    match which {
        SoftKeyKind::P256 => {
            let sk = p256::SecretKey::from_slice(scalar).ok()?;
            Some(sk.public_key().to_sec1_bytes().into_vec())
        }
        SoftKeyKind::P384 => {
            let sk = p384::SecretKey::from_slice(scalar).ok()?;
            Some(sk.public_key().to_sec1_bytes().into_vec())
        }
        SoftKeyKind::Rsa => None,
    }
}

/// The DigestInfo inside an EMSA-PKCS1-v1_5 block `00 01 FF… 00 T` (RFC 8017 §9.2).
fn strip_pkcs1_type1(em: &[u8]) -> Option<&[u8]> {
    let rest = em.strip_prefix(&[0x00, 0x01])?;
    let zero = rest.iter().position(|b| *b != 0xFF)?;
    (rest[zero] == 0x00 && zero >= 8).then(|| &rest[zero + 1..])
}

/// ECDSA-Sig-Value (RFC 5480 §2.2 / SEC 1).
#[derive(der::Sequence)]
struct EcdsaSig<'a> {
    r: der::asn1::UintRef<'a>,
    s: der::asn1::UintRef<'a>,
}

/// PKCS#11 ECDSA signatures are r‖s; X.509 and openssl want DER SEQUENCE { r, s }.
fn ecdsa_raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) {
        return None;
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    EcdsaSig { r: der::asn1::UintRef::new(r).ok()?, s: der::asn1::UintRef::new(s).ok()? }.to_der().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkcs1_block_strips_to_digest_info() {
        let em = crate::csr::card_sign_input(KeyAlgorithm::Rsa2048, b"x");
        let t = strip_pkcs1_type1(&em).unwrap();
        assert_eq!(t.len(), 19 + 32);
        assert!(strip_pkcs1_type1(&[0, 1, 0xFF, 0]).is_none());
        assert!(strip_pkcs1_type1(&[0, 2, 0xFF]).is_none());
    }

    #[test]
    fn raw_ecdsa_becomes_der() {
        let mut raw = vec![0x80; 32];
        raw.extend(vec![0x01; 32]);
        let der = ecdsa_raw_to_der(&raw).unwrap();
        assert_eq!(der[0], 0x30);
        assert_eq!(der[2], 0x02);
        assert_eq!(der[3], 33); // leading zero added for the high bit
        assert!(ecdsa_raw_to_der(&[1, 2, 3]).is_none());
    }
}
