//! One loaded PKCS#11 module (C_Initialize once, C_Finalize on drop), its tokens, and the
//! [`Token`] backend. Whoever owns a [`LoadedModule`] owns its sessions: the service keeps
//! each on its worker thread (sessions are `Send`, not `Sync`).

use std::path::PathBuf;

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::slot::Slot;
use serde::Serialize;

use super::{ModuleSource, ModuleSpec, Pkcs11Error};
use crate::token::{PinFacts, TokenInfo, TokenKind, TokenRef};

/// What the diagnostics page shows about a module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModuleStatus {
    pub path: PathBuf,
    pub source: ModuleSource,
    /// C_GetInfo manufacturer and description, when loaded.
    pub library: Option<String>,
    /// Why it could not be loaded or listed.
    pub error: Option<String>,
}

pub struct LoadedModule {
    spec: ModuleSpec,
    ctx: Result<Pkcs11, Pkcs11Error>,
}

impl LoadedModule {
    /// Loads and initialises the module (OS locking, PKCS#11 §5.4 C_Initialize).
    pub fn load(spec: ModuleSpec) -> Self {
        let ctx = Pkcs11::new(&spec.path)
            .map_err(|e| Pkcs11Error::Load { path: spec.path.clone(), detail: e.to_string() })
            .and_then(|ctx| match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
                Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => Ok(ctx),
                Err(e) => Err(Pkcs11Error::from_cryptoki(e)),
            });
        Self { spec, ctx }
    }

    pub fn spec(&self) -> &ModuleSpec {
        &self.spec
    }

    pub fn status(&self) -> ModuleStatus {
        let (library, error) = match &self.ctx {
            Ok(ctx) => (
                ctx.get_library_info()
                    .ok()
                    .map(|i| format!("{} {}", i.manufacturer_id().trim(), i.library_description().trim())),
                None,
            ),
            Err(e) => (None, Some(e.to_string())),
        };
        ModuleStatus { path: self.spec.path.clone(), source: self.spec.source.clone(), library, error }
    }

    fn ctx(&self) -> Result<&Pkcs11, Pkcs11Error> {
        self.ctx.as_ref().map_err(Clone::clone)
    }

    /// Tokens present in the module's slots (C_GetSlotList(TRUE) + C_GetTokenInfo).
    pub fn tokens(&self) -> Result<Vec<(Slot, TokenInfo)>, Pkcs11Error> {
        let ctx = self.ctx()?;
        let slots = ctx.get_slots_with_token().map_err(Pkcs11Error::from_cryptoki)?;
        let mut out = Vec::with_capacity(slots.len());
        for slot in slots {
            let ti = match ctx.get_token_info(slot) {
                Ok(ti) => ti,
                // A token pulled between the two calls is simply gone.
                Err(CkError::Pkcs11(RvError::TokenNotPresent | RvError::DeviceRemoved, _)) => continue,
                Err(e) => return Err(Pkcs11Error::from_cryptoki(e)),
            };
            out.push((slot, token_info(&self.spec.path, &ti)));
        }
        Ok(out)
    }

    /// Non-blocking C_WaitForSlotEvent (CKF_DONT_BLOCK): `Some(true)` a slot changed,
    /// `Some(false)` nothing happened, `None` the module has no slot events (SoftHSM) and must
    /// be polled.
    pub fn slot_event(&self) -> Option<bool> {
        let ctx = self.ctx.as_ref().ok()?;
        match ctx.get_slot_event() {
            Ok(event) => Some(event.is_some()),
            Err(_) => None,
        }
    }

    /// Opens the token that `reference` names, if this module has it.
    pub fn open(&self, reference: &TokenRef) -> Result<Option<Pkcs11Token>, Pkcs11Error> {
        let ctx = self.ctx()?;
        Ok(self
            .tokens()?
            .into_iter()
            .find(|(_, info)| &info.reference == reference)
            .map(|(slot, info)| Pkcs11Token { ctx: ctx.clone(), slot, info }))
    }
}

/// A PKCS#11 token as a [`Token`] (operations in `pkcs11/token.rs`).
pub struct Pkcs11Token {
    pub(super) ctx: Pkcs11,
    pub(super) slot: Slot,
    pub(super) info: TokenInfo,
}

/// Our view of C_GetTokenInfo.
pub(super) fn token_info(module: &std::path::Path, ti: &cryptoki::slot::TokenInfo) -> TokenInfo {
    let label = ti.label().trim().to_owned();
    let serial = ti.serial_number().trim().to_owned();
    TokenInfo {
        reference: TokenRef::Pkcs11 {
            module: module.to_owned(),
            serial: serial.clone(),
            label: label.clone(),
        },
        kind: TokenKind::Pkcs11,
        label,
        manufacturer: Some(ti.manufacturer_id().trim().to_owned()),
        model: Some(ti.model().trim().to_owned()),
        serial: Some(serial),
        card_serial: None,
        pin: Some(PinFacts {
            tries_left: None,
            count_low: ti.user_pin_count_low(),
            final_try: ti.user_pin_final_try(),
            locked: ti.user_pin_locked(),
            verified: false,
        }),
        write_protected: ti.write_protected(),
        uninitialized: !ti.token_initialized(),
    }
}
