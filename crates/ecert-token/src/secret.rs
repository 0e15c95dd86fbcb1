//! Secrets the user types or holds: PIN, PUK, management key, file password. Each is a
//! `secrecy` box (zeroized on drop, `Debug` prints nothing), validated on construction so
//! a malformed PIN is refused before any VERIFY is sent — a typo must never cost a try.

use secrecy::{ExposeSecret, SecretBox, SecretString};
use zeroize::Zeroizing;

/// A PIN or PUK as the user typed it.
pub struct Pin(SecretString);

/// Why a PIN was refused before reaching the card.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PinFormatError {
    /// SP 800-73-4 Part 2 §3.2.1: 6 to 8 bytes (PIV PINs are digits).
    #[error("must be {min} to {max} characters long")]
    Length { min: usize, max: usize },
    #[error("may contain only digits")]
    NotDigits,
}

impl Pin {
    pub fn new(text: String) -> Self {
        Self(SecretString::from(text))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// The PIV reference-data block: the PIN's bytes padded with 0xFF to 8 bytes
    /// (SP 800-73-4 Part 2 §2.4.3). Refuses anything that is not 6–8 digits.
    pub fn piv_block(&self) -> Result<Zeroizing<[u8; 8]>, PinFormatError> {
        let s = self.expose().as_bytes();
        if !(6..=8).contains(&s.len()) {
            return Err(PinFormatError::Length { min: 6, max: 8 });
        }
        if !s.iter().all(u8::is_ascii_digit) {
            return Err(PinFormatError::NotDigits);
        }
        let mut block = Zeroizing::new([0xFF; 8]);
        block[..s.len()].copy_from_slice(s);
        Ok(block)
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(***)")
    }
}

/// An e-Cert file (PKCS#12) password.
pub struct Password(SecretString);

impl Password {
    pub fn new(text: String) -> Self {
        Self(SecretString::from(text))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A PIV card management key (SP 800-78-4 Table 5: 3DES 24 bytes, AES-128/192/256).
pub struct ManagementKey(SecretBox<Vec<u8>>);

impl ManagementKey {
    /// The well-known factory key 0102…08 (×3). Cards still holding it are flagged.
    pub fn factory_default() -> Self {
        Self::from_bytes((1..=8u8).cycle().take(24).collect())
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(SecretBox::new(Box::new(bytes)))
    }

    /// Parses hex as typed (spaces and colons ignored). Only 16, 24 or 32 bytes.
    pub fn from_hex(text: &str) -> Option<Self> {
        let clean: Zeroizing<String> =
            Zeroizing::new(text.chars().filter(|c| !c.is_whitespace() && *c != ':').collect());
        let bytes = hex::decode(clean.as_str()).ok()?;
        matches!(bytes.len(), 16 | 24 | 32).then(|| Self::from_bytes(bytes))
    }

    pub fn expose(&self) -> &[u8] {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for ManagementKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ManagementKey(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piv_pin_block_is_padded_and_checked() {
        assert_eq!(*Pin::new("123456".into()).piv_block().unwrap(), *b"123456\xFF\xFF");
        assert_eq!(*Pin::new("12345678".into()).piv_block().unwrap(), *b"12345678");
        assert_eq!(
            Pin::new("12345".into()).piv_block().unwrap_err(),
            PinFormatError::Length { min: 6, max: 8 }
        );
        assert_eq!(Pin::new("12a456".into()).piv_block().unwrap_err(), PinFormatError::NotDigits);
    }

    #[test]
    fn secrets_never_print() {
        assert_eq!(format!("{:?}", Pin::new("123456".into())), "Pin(***)");
        assert_eq!(format!("{:?}", ManagementKey::factory_default()), "ManagementKey(***)");
    }

    #[test]
    fn management_key_hex() {
        let k = ManagementKey::from_hex("01 02 03 04 05 06 07 08 01:02:03:04:05:06:07:08 0102030405060708")
            .unwrap();
        assert_eq!(k.expose(), ManagementKey::factory_default().expose());
        assert!(ManagementKey::from_hex("0102").is_none());
        assert!(ManagementKey::from_hex("zz").is_none());
    }
}
