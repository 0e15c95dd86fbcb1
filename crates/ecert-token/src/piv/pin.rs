//! PIN and PUK: VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER (SP 800-73-4 Part 2
//! §3.2.1–3.2.3). One user attempt sends at most one VERIFY; nothing here ever retries.

use super::{Piv, PivError};
use crate::apdu::{Command, StatusWord};
use crate::secret::Pin;
use crate::token::PinRef;

/// The reference datum of a PIN or PUK (Part 1 Table 4): the PIV application PIN or the PUK.
fn key_ref(which: PinRef) -> u8 {
    match which {
        PinRef::Pin => 0x80,
        PinRef::Puk => 0x81,
    }
}

fn block(which: PinRef, pin: &Pin) -> Result<zeroize::Zeroizing<[u8; 8]>, PivError> {
    pin.piv_block().map_err(|error| PivError::PinFormat { which, error })
}

/// Maps the answer to a PIN-bearing command.
fn pin_result(which: PinRef, ins: u8, sw: StatusWord) -> Result<(), PivError> {
    match sw {
        StatusWord::Success => Ok(()),
        StatusWord::TriesLeft { tries: 0 } | StatusWord::Blocked => Err(PivError::Blocked { which }),
        StatusWord::TriesLeft { tries } => Err(PivError::WrongPin { which, tries_left: Some(tries) }),
        sw => Err(PivError::Unexpected { ins, sw }),
    }
}

impl Piv<'_> {
    /// Some cards answer a wrong PIN with plain 6300 (no counter, ISO 7816-4 §5.6): the
    /// tries left are then read with an empty VERIFY, which spends nothing.
    fn with_tries(&mut self, which: PinRef, result: Result<(), PivError>) -> Result<(), PivError> {
        match result {
            Err(PivError::Unexpected { sw: StatusWord::Other(0x6300), .. }) => {
                let tries_left = match (which, self.pin_state()) {
                    (PinRef::Pin, Ok(super::PinState::Blocked)) => return Err(PivError::Blocked { which }),
                    (PinRef::Pin, Ok(super::PinState::TriesLeft { tries })) => Some(tries),
                    _ => None,
                };
                Err(PivError::WrongPin { which, tries_left })
            }
            other => other,
        }
    }

    /// VERIFY the PIN: exactly one APDU; a wrong PIN costs one try and says how many remain.
    pub fn verify_pin(&mut self, pin: &Pin) -> Result<(), PivError> {
        let data = block(PinRef::Pin, pin)?;
        let cmd = Command::new(0x00, 0x20, 0x00, key_ref(PinRef::Pin)).with_data(&data[..]);
        let sw = self.send(&cmd)?.sw;
        let result = pin_result(PinRef::Pin, 0x20, sw);
        self.with_tries(PinRef::Pin, result)
    }

    /// CHANGE REFERENCE DATA for the PIN or PUK (old and new in one APDU).
    pub fn change(&mut self, which: PinRef, old: &Pin, new: &Pin) -> Result<(), PivError> {
        let mut data = zeroize::Zeroizing::new(Vec::with_capacity(16));
        data.extend_from_slice(&block(which, old)?[..]);
        data.extend_from_slice(&block(which, new)?[..]);
        let cmd = Command::new(0x00, 0x24, 0x00, key_ref(which)).with_data(&data);
        let sw = self.send(&cmd)?.sw;
        let result = pin_result(which, 0x24, sw);
        self.with_tries(which, result)
    }

    /// RESET RETRY COUNTER: unblock the PIN with the PUK and set a new PIN.
    pub fn unblock(&mut self, puk: &Pin, new_pin: &Pin) -> Result<(), PivError> {
        let mut data = zeroize::Zeroizing::new(Vec::with_capacity(16));
        data.extend_from_slice(&block(PinRef::Puk, puk)?[..]);
        data.extend_from_slice(&block(PinRef::Pin, new_pin)?[..]);
        let cmd = Command::new(0x00, 0x2C, 0x00, key_ref(PinRef::Pin)).with_data(&data);
        let sw = self.send(&cmd)?.sw;
        let result = pin_result(PinRef::Puk, 0x2C, sw);
        self.with_tries(PinRef::Puk, result)
    }

    /// PUK tries left without spending one. PIV has no empty-VERIFY for the PUK, so this
    /// is only known on cards that answer VERIFY 81 with no data (some do, with 63Cx).
    pub fn puk_state(&mut self) -> Result<Option<super::PinState>, PivError> {
        let cmd = Command::new(0x00, 0x20, 0x00, key_ref(PinRef::Puk));
        Ok(match self.send(&cmd)?.sw {
            StatusWord::TriesLeft { tries: 0 } | StatusWord::Blocked => Some(super::PinState::Blocked),
            StatusWord::TriesLeft { tries } => Some(super::PinState::TriesLeft { tries }),
            _ => None,
        })
    }
}
