//! A single-threaded trussed platform for the virtual card.
//!
//! trussed's own `virt` module runs the service on a second thread that polls every
//! millisecond and seeds its RNG with a constant. This module keeps trussed's `virt` storage
//! (`StoreConfig`, RAM or file-backed littlefs) but:
//! - seeds the platform RNG from the operating system, so two virtual cards never share keys
//!   or CHUID GUIDs (trussed still mixes it with the seed it keeps in internal storage);
//! - runs the service synchronously inside the client's syscall (no thread, no polling delay);
//! - shares one trussed client between successive piv-authenticator instances, so a card reset
//!   can start the PIV application afresh (`SharedClient`).

use std::{cell::RefCell, rc::Rc, task::Poll};

use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng as _;
use trussed::{
    pipe::ServiceEndpoint,
    platform,
    serde_extensions::ExtensionId,
    virt::{Store, UserInterface},
    Service,
};
use trussed_core::{
    api::{Reply, RequestVariant},
    serde_extensions::{Extension, ExtensionClient},
    ClientResult, CryptoClient, Error, FilesystemClient, FutureResult, PollClient,
};

use crate::dispatch::{Backend, DispatchContext, Dispatcher};

/// The trussed platform: OS-seeded RNG, trussed's virt store and UI.
pub struct VirtPlatform<'a> {
    rng: ChaCha8Rng,
    store: Store<'a>,
    ui: UserInterface,
}

impl<'a> VirtPlatform<'a> {
    /// A platform over `store` with a freshly OS-seeded RNG.
    pub fn new(store: Store<'a>) -> Self {
        Self { rng: ChaCha8Rng::from_entropy(), store, ui: UserInterface::new() }
    }
}

impl<'a> platform::Platform for VirtPlatform<'a> {
    type R = ChaCha8Rng;
    type S = Store<'a>;
    type UI = UserInterface;

    fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    fn store(&self) -> Store<'a> {
        self.store
    }

    fn user_interface(&mut self) -> &mut UserInterface {
        &mut self.ui
    }
}

/// A syscall that runs the trussed service right away, on the caller's thread.
pub struct DirectSyscall<'a> {
    service: Service<VirtPlatform<'a>, Dispatcher>,
    endpoints: [ServiceEndpoint<'a, Backend, DispatchContext>; 1],
}

impl<'a> DirectSyscall<'a> {
    /// Serves the single `endpoint` with `service`.
    pub fn new(
        service: Service<VirtPlatform<'a>, Dispatcher>,
        endpoint: ServiceEndpoint<'a, Backend, DispatchContext>,
    ) -> Self {
        Self { service, endpoints: [endpoint] }
    }
}

impl platform::Syscall for DirectSyscall<'_> {
    fn syscall(&mut self) {
        self.service.process(&mut self.endpoints);
    }
}

/// The trussed client of the virtual card.
pub type VirtClient<'a> = trussed::ClientImplementation<'a, DirectSyscall<'a>, Dispatcher>;

/// A trussed client shared by reference counting, so that it survives the piv-authenticator
/// instance using it. Implements every client trait piv-authenticator requires by delegation.
pub struct SharedClient<C>(Rc<RefCell<C>>);

impl<C> SharedClient<C> {
    /// Shares `client`.
    pub fn new(client: C) -> Self {
        Self(Rc::new(RefCell::new(client)))
    }
}

impl<C> Clone for SharedClient<C> {
    fn clone(&self) -> Self {
        Self(Rc::clone(&self.0))
    }
}

impl<C: PollClient> PollClient for SharedClient<C> {
    fn request<Rq: RequestVariant>(&mut self, req: Rq) -> ClientResult<'_, Rq::Reply, Self> {
        // The inner future only borrows the inner client; polling goes through `poll` below.
        drop(self.0.borrow_mut().request(req)?);
        Ok(FutureResult::new(self))
    }

    fn poll(&mut self) -> Poll<Result<Reply, Error>> {
        self.0.borrow_mut().poll()
    }
}

impl<C: PollClient> CryptoClient for SharedClient<C> {}
impl<C: PollClient> FilesystemClient for SharedClient<C> {}
impl<C: PollClient> trussed_core::mechanisms::Tdes for SharedClient<C> {}

impl<E: Extension, C: ExtensionClient<E>> ExtensionClient<E> for SharedClient<C> {
    fn id() -> u8 {
        C::id()
    }
}

/// Checks at compile time that the shared client is a complete piv-authenticator client.
const _: fn() = || {
    fn is_piv_client<T: piv_authenticator::Client>() {}
    is_piv_client::<SharedClient<VirtClient<'static>>>();
    // The dispatcher knows every extension piv-authenticator uses.
    fn has_id<T: ExtensionId<trussed_auth::AuthExtension>>() {}
    has_id::<Dispatcher>();
};
