//! The trussed backend dispatch piv-authenticator needs.
//!
//! Implements `trussed::serde_extensions::ExtensionDispatch`: core requests go, in order, to the
//! staging backend (chunked files, HPKE, wrap-key-to-file), the auth backend (PINs), the software
//! RSA backend, then trussed's core backend; the extension requests `AuthExtension`,
//! `ChunkedExtension`, `HpkeExtension` and `WrapKeyToFileExtension` go to the backend that
//! implements them. This is the "runner" part of a trussed firmware, as in shared/RIG.md
//! ("Virtual cards").

use trussed::{
    backend::{Backend as _, BackendId},
    platform::Platform,
    serde_extensions::{ExtensionDispatch, ExtensionId, ExtensionImpl},
    service::ServiceResources,
    types::Context,
};
use trussed_auth::AuthExtension;
use trussed_auth_backend::{AuthBackend, AuthContext, FilesystemLayout, MAX_HW_KEY_LEN};
use trussed_chunked::ChunkedExtension;
use trussed_core::{
    api::{reply, request, Reply, Request},
    types::{Bytes, Location},
    Error,
};
use trussed_hpke::HpkeExtension;
use trussed_rsa_alloc::SoftwareRsa;
use trussed_staging::{StagingBackend, StagingContext};
use trussed_wrap_key_to_file::WrapKeyToFileExtension;

/// Key material the auth backend mixes into PIN-derived keys (a device secret on real
/// hardware). Fixed, so that a state directory stays readable across runs and builds; the
/// virtual card's storage is a plain file anyway.
const HW_KEY: &[u8] = b"e-Cert Manager virtual PIV card, hardware key v1";

/// The backends, in the order trussed tries them for each request.
pub const BACKENDS: &[BackendId<Backend>] = &[
    BackendId::Custom(Backend::Staging),
    BackendId::Custom(Backend::Auth),
    BackendId::Custom(Backend::Rsa),
    BackendId::Core,
];

/// The custom backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `trussed_staging::StagingBackend`.
    Staging,
    /// `trussed_auth_backend::AuthBackend`.
    Auth,
    /// `trussed_rsa_alloc::SoftwareRsa`.
    Rsa,
}

/// The serde extensions, with the ids the client and the service agree on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extension {
    /// `trussed_auth::AuthExtension`.
    Auth = 0,
    /// `trussed_chunked::ChunkedExtension`.
    Chunked = 1,
    /// `trussed_hpke::HpkeExtension`.
    Hpke = 2,
    /// `trussed_wrap_key_to_file::WrapKeyToFileExtension`.
    WrapKeyToFile = 3,
}

impl From<Extension> for u8 {
    fn from(extension: Extension) -> u8 {
        extension as u8
    }
}

impl TryFrom<u8> for Extension {
    type Error = Error;

    fn try_from(id: u8) -> Result<Self, Error> {
        Ok(match id {
            0 => Self::Auth,
            1 => Self::Chunked,
            2 => Self::Hpke,
            3 => Self::WrapKeyToFile,
            _ => return Err(Error::RequestNotAvailable),
        })
    }
}

/// Per-client state of the custom backends.
#[derive(Default)]
pub struct DispatchContext {
    auth: AuthContext,
    staging: StagingContext,
}

/// The dispatcher handed to the trussed service.
pub struct Dispatcher {
    auth: AuthBackend,
    staging: StagingBackend,
}

impl Default for Dispatcher {
    fn default() -> Self {
        Self::new()
    }
}

impl Dispatcher {
    /// A dispatcher whose auth backend keeps PINs in internal storage.
    pub fn new() -> Self {
        let mut hw_key = Bytes::<MAX_HW_KEY_LEN>::new();
        // HW_KEY is shorter than MAX_HW_KEY_LEN (checked by a test).
        let _ = hw_key.extend_from_slice(HW_KEY);
        Self {
            auth: AuthBackend::with_hw_key(Location::Internal, hw_key, FilesystemLayout::V0),
            staging: StagingBackend::new(),
        }
    }
}

impl ExtensionDispatch for Dispatcher {
    type BackendId = Backend;
    type Context = DispatchContext;
    type ExtensionId = Extension;

    fn core_request<P: Platform>(
        &mut self,
        backend: &Backend,
        ctx: &mut Context<DispatchContext>,
        request: &Request,
        resources: &mut ServiceResources<P>,
    ) -> Result<Reply, Error> {
        match backend {
            Backend::Staging => {
                self.staging.request(&mut ctx.core, &mut ctx.backends.staging, request, resources)
            }
            Backend::Auth => self.auth.request(&mut ctx.core, &mut ctx.backends.auth, request, resources),
            Backend::Rsa => SoftwareRsa.request(&mut ctx.core, &mut (), request, resources),
        }
    }

    fn extension_request<P: Platform>(
        &mut self,
        backend: &Backend,
        extension: &Extension,
        ctx: &mut Context<DispatchContext>,
        request: &request::SerdeExtension,
        resources: &mut ServiceResources<P>,
    ) -> Result<reply::SerdeExtension, Error> {
        let core = &mut ctx.core;
        match (backend, extension) {
            (Backend::Auth, Extension::Auth) => ExtensionImpl::<AuthExtension>::extension_request_serialized(
                &mut self.auth,
                core,
                &mut ctx.backends.auth,
                request,
                resources,
            ),
            (Backend::Staging, Extension::Chunked) => {
                ExtensionImpl::<ChunkedExtension>::extension_request_serialized(
                    &mut self.staging,
                    core,
                    &mut ctx.backends.staging,
                    request,
                    resources,
                )
            }
            (Backend::Staging, Extension::Hpke) => {
                ExtensionImpl::<HpkeExtension>::extension_request_serialized(
                    &mut self.staging,
                    core,
                    &mut ctx.backends.staging,
                    request,
                    resources,
                )
            }
            (Backend::Staging, Extension::WrapKeyToFile) => {
                ExtensionImpl::<WrapKeyToFileExtension>::extension_request_serialized(
                    &mut self.staging,
                    core,
                    &mut ctx.backends.staging,
                    request,
                    resources,
                )
            }
            _ => Err(Error::RequestNotAvailable),
        }
    }
}

impl ExtensionId<AuthExtension> for Dispatcher {
    type Id = Extension;
    const ID: Extension = Extension::Auth;
}

impl ExtensionId<ChunkedExtension> for Dispatcher {
    type Id = Extension;
    const ID: Extension = Extension::Chunked;
}

impl ExtensionId<HpkeExtension> for Dispatcher {
    type Id = Extension;
    const ID: Extension = Extension::Hpke;
}

impl ExtensionId<WrapKeyToFileExtension> for Dispatcher {
    type Id = Extension;
    const ID: Extension = Extension::WrapKeyToFile;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hw_key_fits() {
        assert!(HW_KEY.len() <= MAX_HW_KEY_LEN);
    }

    #[test]
    fn extension_ids_round_trip() {
        for e in [Extension::Auth, Extension::Chunked, Extension::Hpke, Extension::WrapKeyToFile] {
            assert_eq!(Extension::try_from(u8::from(e)), Ok(e));
        }
        assert!(Extension::try_from(9).is_err());
    }
}
