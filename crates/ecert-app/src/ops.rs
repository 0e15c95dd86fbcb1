//! Workflows shared by CLI and app (install, enroll, renew, remove, PIN) as resumable step
//! machines with a journal. The first one is the read-only inventory of a token.

pub mod audit;
pub mod card_proof;
pub mod counter;
pub mod diagnostics;
pub mod install;
pub mod journal;
pub mod workflow;

// Certificate requests and software keys live with the tokens that sign them (ecert-token).
pub use ecert_token::{csr, soft_key};

use serde::Serialize;

use crate::token::{CertObject, Token, TokenError, TokenInfo};

/// A token and its certificates, as `ecert certs` and the app's certificate list show them.
#[derive(Clone, Debug, Serialize)]
pub struct Inventory {
    pub token: TokenInfo,
    pub certificates: Vec<CertObject>,
}

/// Reads everything a token shows without a PIN.
pub fn inventory(token: &mut dyn Token) -> Result<Inventory, TokenError> {
    let certificates = token.certificates()?;
    Ok(Inventory { token: token.info().clone(), certificates })
}
