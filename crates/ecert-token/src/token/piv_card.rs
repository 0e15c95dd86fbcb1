//! [`Token`] for a PIV card, over any [`Transport`] (pcscd, or in-process for tests and
//! the demo card). Each call selects the application first, so another application's
//! SELECT in between does not confuse us.

use crate::piv::{AppInfo, KeyAlgorithm, MgmtAlgorithm, PinRef, Piv, PivError, PublicKey, Slot};
use crate::secret::{ManagementKey, Pin};
use crate::transport::Transport;

use super::{Auth, CertObject, PinFacts, Token, TokenError, TokenInfo, TokenKind, TokenRef};

fn slot(location: &str) -> Result<Slot, TokenError> {
    Slot::from_id(location).ok_or_else(|| TokenError::BadLocation { location: location.to_owned() })
}

/// Authenticates with the management key: 3DES first (SP 800-78-4 default), then AES-192
/// for cards whose 24-byte key is AES (newer cards). A rejected key is never retried with
/// the same algorithm.
fn admin(piv: &mut Piv<'_>, auth: &Auth) -> Result<(), TokenError> {
    let key = auth.management_key.as_ref().ok_or(TokenError::CredentialNeeded { what: "management key" })?;
    admin_with(piv, key)
}

fn admin_with(piv: &mut Piv<'_>, key: &ManagementKey) -> Result<(), TokenError> {
    let algs: &[MgmtAlgorithm] = match key.expose().len() {
        16 => &[MgmtAlgorithm::Aes128],
        24 => &[MgmtAlgorithm::TripleDes, MgmtAlgorithm::Aes192],
        _ => &[MgmtAlgorithm::Aes256],
    };
    let mut last = PivError::ManagementKeyRejected;
    for alg in algs {
        match piv.authenticate_management(*alg, key) {
            Ok(()) => return Ok(()),
            Err(e @ PivError::ManagementKeyRejected) => last = e,
            Err(e) => return Err(e.into()),
        }
    }
    Err(last.into())
}

/// Runs `f` on the selected PIV application inside one PC/SC transaction.
fn with_piv<R>(
    transport: &mut dyn Transport,
    f: impl FnOnce(&mut Piv<'_>, &AppInfo) -> Result<R, TokenError>,
) -> Result<R, TokenError> {
    let mut f = Some(f);
    let mut out = None;
    transport
        .exclusive(&mut |t| {
            if let Some(f) = f.take() {
                out = Some(
                    Piv::select(t).map_err(TokenError::from).and_then(|(mut piv, app)| f(&mut piv, &app)),
                );
            }
        })
        .map_err(|e| TokenError::Piv(PivError::Apdu(e.into())))?;
    out.unwrap_or(Err(TokenError::Piv(PivError::Apdu(crate::apdu::ApduError::Transport(
        crate::transport::TransportError::Disconnected,
    )))))
}

fn pin_of(auth: &Auth) -> Result<&Pin, TokenError> {
    auth.pin.as_ref().ok_or(TokenError::CredentialNeeded { what: "PIN" })
}

/// A PIV card reached through `transport`.
pub struct PivToken {
    transport: Box<dyn Transport>,
    info: TokenInfo,
}

impl PivToken {
    /// Wraps a card without sending anything; every operation selects PIV itself. For one
    /// request (listing certificates costs only SELECT and the GET DATAs).
    pub fn connect(transport: Box<dyn Transport>, reader: &str) -> Self {
        let info = TokenInfo {
            reference: TokenRef::Reader { reader: reader.to_owned() },
            kind: TokenKind::PivCard,
            label: "PIV".to_owned(),
            manufacturer: None,
            model: None,
            serial: None,
            card_serial: None,
            pin: None,
            write_protected: false,
            uninitialized: false,
        };
        Self { transport, info }
    }

    /// Selects PIV on the card and reads its PIN state and GUID (three APDUs; no try spent).
    pub fn open(mut transport: Box<dyn Transport>, reader: &str) -> Result<Self, TokenError> {
        let (app, pin, guid, card_serial) = with_piv(transport.as_mut(), |piv, app| {
            let pin = piv.pin_state()?;
            let guid = piv.card_guid().ok().flatten();
            // The serial only identifies a card without a GUID (ops::card_proof); a card with
            // a CHUID is spared the one or two extra commands.
            let serial = if guid.is_none() { piv.card_serial().ok().flatten() } else { None };
            Ok((app.clone(), pin, guid, serial))
        })?;
        let info = TokenInfo {
            reference: TokenRef::Reader { reader: reader.to_owned() },
            kind: TokenKind::PivCard,
            label: app.label.unwrap_or_else(|| "PIV".to_owned()),
            manufacturer: None,
            model: None,
            serial: guid,
            card_serial,
            pin: Some(PinFacts::from(pin)),
            write_protected: false,
            uninitialized: false,
        };
        Ok(Self { transport, info })
    }
}

impl PivToken {
    /// The same card under another reference and label (the in-process demo card).
    #[must_use]
    pub fn with_reference(mut self, reference: TokenRef, label: &str) -> Self {
        self.info.reference = reference;
        label.clone_into(&mut self.info.label);
        self
    }
}

impl Token for PivToken {
    fn info(&self) -> &TokenInfo {
        &self.info
    }

    /// GUID and serial read now, in one transaction (a card swapped since `open` shows its
    /// own). A card that answers neither gives `(None, None)`; a failed exchange is an error.
    fn card_marks(&mut self) -> Result<(Option<String>, Option<String>), TokenError> {
        with_piv(self.transport.as_mut(), |piv, _| {
            let guid = match piv.card_guid() {
                Ok(g) => g,
                // A CHUID that is there but unreadable or without a GUID: no GUID.
                Err(PivError::Malformed(_) | PivError::Unexpected { .. }) => None,
                Err(e) => return Err(e.into()),
            };
            Ok((guid, piv.card_serial()?))
        })
    }

    fn pin_status(&mut self) -> Result<PinFacts, TokenError> {
        with_piv(self.transport.as_mut(), |piv, _| {
            let facts = PinFacts::from(piv.pin_state()?);
            self.info.pin = Some(facts);
            Ok(facts)
        })
    }

    fn change_pin(&mut self, which: PinRef, old: &Pin, new: &Pin) -> Result<(), TokenError> {
        with_piv(self.transport.as_mut(), |piv, _| Ok(piv.change(which, old, new)?))
    }

    fn unblock_pin(&mut self, puk: &Pin, new_pin: &Pin) -> Result<(), TokenError> {
        with_piv(self.transport.as_mut(), |piv, _| Ok(piv.unblock(puk, new_pin)?))
    }

    fn generate_key(
        &mut self,
        location: &str,
        alg: KeyAlgorithm,
        auth: &Auth,
    ) -> Result<PublicKey, TokenError> {
        let slot = slot(location)?;
        with_piv(self.transport.as_mut(), |piv, _| {
            // A slot with a certificate holds someone's e-Cert key: generating would destroy
            // it. The user removes it (with a backup) first. PIV cannot tell whether an empty
            // slot holds a key (SP 800-73-4 has no key metadata).
            if piv.read_certificate(slot)?.is_some() {
                return Err(TokenError::LocationInUse { location: location.to_owned() });
            }
            admin(piv, auth)?;
            Ok(piv.generate_key(slot, alg)?)
        })
    }

    /// Imports a private key (Yubico IMPORT ASYMMETRIC KEY). The key type is checked before
    /// anything is sent; a slot holding a certificate holds someone's key and is refused,
    /// as for key generation.
    fn import_key(&mut self, location: &str, pkcs8_der: &[u8], auth: &Auth) -> Result<(), TokenError> {
        let slot = slot(location)?;
        let key = crate::piv::ImportKey::from_pkcs8(pkcs8_der).map_err(PivError::from)?;
        with_piv(self.transport.as_mut(), |piv, _| {
            if piv.read_certificate(slot)?.is_some() {
                return Err(TokenError::LocationInUse { location: location.to_owned() });
            }
            admin(piv, auth)?;
            Ok(piv.import_key(
                slot,
                &key,
                crate::piv::PinPolicy::Default,
                crate::piv::TouchPolicy::Default,
            )?)
        })
    }

    fn sign(
        &mut self,
        location: &str,
        alg: KeyAlgorithm,
        input: &[u8],
        auth: &Auth,
    ) -> Result<Vec<u8>, TokenError> {
        let slot = slot(location)?;
        with_piv(self.transport.as_mut(), |piv, _| {
            // 9E (card authentication) needs no PIN (SP 800-73-4 Part 1 Table 4b).
            if slot != Slot::CardAuthentication {
                piv.verify_pin(pin_of(auth)?)?;
            }
            Ok(piv.sign_raw(slot, alg, input)?)
        })
    }

    /// Proves the slot's private key matches the certificate (the card signs a fresh random
    /// challenge, verified with the certificate's key) and only then writes.
    fn import_certificate(&mut self, location: &str, der: &[u8], auth: &Auth) -> Result<(), TokenError> {
        let slot = slot(location)?;
        if slot != Slot::CardAuthentication {
            pin_of(auth)?; // needed for the proof; nothing is sent without it
        }
        let spki = ecert_core::cert::spki_der(der)?;
        let alg =
            // A key type no PIV slot can hold cannot be the slot's key.
            KeyAlgorithm::from_spki(&spki).ok_or_else(|| TokenError::KeyMismatch { location: location.to_owned() })?;
        let mut challenge = [0u8; 32];
        getrandom::fill(&mut challenge)
            .map_err(|_| TokenError::Unsupported { operation: "random numbers" })?;
        with_piv(self.transport.as_mut(), |piv, _| {
            if slot != Slot::CardAuthentication {
                piv.verify_pin(pin_of(auth)?)?;
            }
            let input = crate::csr::card_sign_input(alg, &challenge);
            let sig = match piv.sign_raw(slot, alg, &input) {
                Ok(sig) => sig,
                // No key in the slot, or a key of another type: the certificate cannot be its.
                Err(PivError::Unexpected { .. }) => {
                    return Err(TokenError::KeyMismatch { location: location.to_owned() })
                }
                Err(e) => return Err(e.into()),
            };
            ecert_core::verify::signature::verify_message(&spki, &challenge, &sig)
                .map_err(|_| TokenError::KeyMismatch { location: location.to_owned() })?;
            admin(piv, auth)?;
            Ok(piv.put_certificate(slot, der)?)
        })
    }

    fn certificate_at(&mut self, location: &str) -> Result<Option<Vec<u8>>, TokenError> {
        let slot = slot(location)?;
        with_piv(self.transport.as_mut(), |piv, _| Ok(piv.read_certificate(slot)?))
    }

    fn delete_certificate(&mut self, location: &str, auth: &Auth) -> Result<(), TokenError> {
        let slot = slot(location)?;
        with_piv(self.transport.as_mut(), |piv, _| {
            admin(piv, auth)?;
            Ok(piv.delete_certificate(slot)?)
        })
    }

    fn certificates(&mut self) -> Result<Vec<CertObject>, TokenError> {
        with_piv(self.transport.as_mut(), |piv, _| {
            let mut out = Vec::new();
            for slot in [Slot::Authentication, Slot::Signature, Slot::KeyManagement, Slot::CardAuthentication]
            {
                if let Some(der) = piv.read_certificate(slot)? {
                    out.push(CertObject::new(slot.id(), None, der));
                }
            }
            Ok(out)
        })
    }
}
