//! The subscription that runs the service worker for the app's lifetime and turns its
//! events into messages. Requests go back through a plain channel owned by a small thread
//! that holds the `Service` handle.

use std::sync::mpsc;

use ecert::service::{Config, Request, Service};
use futures::channel::mpsc as fmpsc;
use futures::{SinkExt, Stream, StreamExt};

use super::Message;

/// The stream behind `Subscription::run`.
pub fn connect() -> impl Stream<Item = Message> {
    iced::stream::channel(64, async |mut output: fmpsc::Sender<Message>| {
        let (event_tx, mut event_rx) = fmpsc::unbounded();
        let (request_tx, request_rx) = mpsc::channel::<Request>();
        let owner = std::thread::Builder::new().name("ecert-service-owner".into()).spawn(move || {
            // Under X11, iced's tiny-skia compositor diffs each frame against the buffer it
            // believes is on screen; a change that lands before the window's first frames are
            // presented can be lost until the next change. Starting the device watch once the
            // window is up (measured: mapped within ~0.5 s in a debug build) avoids a blank
            // sidebar at start.
            std::thread::sleep(std::time::Duration::from_millis(800));
            let Ok(service) = Service::spawn(Config::default(), move |ev| {
                let _ = event_tx.unbounded_send(ev);
            }) else {
                return;
            };
            // Lives until the app drops the request sender.
            for request in request_rx {
                service.request(request);
            }
        });
        if owner.is_err() {
            return;
        }
        let _ = output.send(Message::ServiceReady(request_tx)).await;
        while let Some(event) = event_rx.next().await {
            if output.send(Message::Service(event)).await.is_err() {
                break;
            }
        }
    })
}
