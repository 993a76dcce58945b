//! Waiting on JS promises so that one `AbortSignal` interrupts every wait at once: a request, a
//! body read, a backoff sleep, a token function that never answers.

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;

    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// Why a wait ended without the promise's value.
pub(crate) enum Interrupted {
    /// The signal aborted first.
    Aborted,
    /// The promise rejected with this value.
    Rejected(JsValue),
}

/// Calls `f` when `signal` aborts, until dropped (which removes the listener).
pub(crate) struct OnAbort {
    signal: AbortSignal,
    listener: Closure<dyn FnMut()>,
}

impl OnAbort {
    pub(crate) fn new(signal: &AbortSignal, f: impl FnMut() + 'static) -> OnAbort {
        let listener = Closure::<dyn FnMut()>::new(f);
        let _ = signal.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        OnAbort {
            signal: signal.clone(),
            listener,
        }
    }
}

impl Drop for OnAbort {
    fn drop(&mut self) {
        let _ = self
            .signal
            .remove_event_listener_with_callback("abort", self.listener.as_ref().unchecked_ref());
    }
}

/// Calls `f` once after `ms` milliseconds, unless dropped first (which clears the timer, so that
/// no timer keeps a runtime's event loop alive after its export ended).
pub(crate) struct Timer {
    id: JsValue,
    _callback: Closure<dyn FnMut()>,
}

impl Timer {
    pub(crate) fn new(ms: f64, f: impl FnOnce() + 'static) -> Timer {
        let callback = Closure::once(f);
        let id = set_timeout(callback.as_ref().unchecked_ref(), ms);
        Timer {
            id,
            _callback: callback,
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        // Clearing a timer that already fired does nothing.
        clear_timeout(&self.id);
    }
}

/// Awaits `promise`, or stops waiting as soon as `signal` aborts.
pub(crate) async fn abortable(
    promise: &Promise,
    signal: &AbortSignal,
) -> Result<JsValue, Interrupted> {
    if signal.aborted() {
        return Err(Interrupted::Aborted);
    }
    let mut reject = None;
    // The executor runs before `Promise::new` returns.
    let on_abort = Promise::new(&mut |_, r| reject = Some(r));
    let Some(reject) = reject else {
        return JsFuture::from(promise.clone())
            .await
            .map_err(Interrupted::Rejected);
    };
    let _listener = OnAbort::new(signal, move || {
        let _ = reject.call0(&JsValue::UNDEFINED);
    });
    let outcome = JsFuture::from(Promise::race(&Array::of2(promise, &on_abort))).await;
    match outcome {
        Ok(value) if !signal.aborted() => Ok(value),
        Err(e) if !signal.aborted() => Err(Interrupted::Rejected(e)),
        _ => Err(Interrupted::Aborted),
    }
}

/// Sleeps `ms` milliseconds; `false` when `signal` aborted first.
pub(crate) async fn sleep(ms: f64, signal: &AbortSignal) -> bool {
    let mut timer = None;
    let elapsed = Promise::new(&mut |resolve, _| {
        timer = Some(Timer::new(ms, move || {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }));
    });
    let slept = abortable(&elapsed, signal).await.is_ok();
    drop(timer);
    slept
}
