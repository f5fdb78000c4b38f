//! A chart's canvas follows its box: a hook that changes its value when
//! the box changes size (a tab shown, the window resized, a phone turned),
//! so an effect keyed on it draws again.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// A number that changes whenever `canvas`'s box changes size; the
/// observer is disconnected when the component goes.
#[hook]
pub fn use_box_size(canvas: &NodeRef) -> u32 {
    let resized = use_state(|| 0u32);
    {
        let (canvas, resized) = (canvas.clone(), resized.clone());
        use_effect_with((), move |_| {
            let observer = canvas.cast::<web_sys::Element>().and_then(|element| {
                let size = Rc::new(RefCell::new((0, 0)));
                let callback = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                    let now = (element.client_width(), element.client_height());
                    if *size.borrow() != now {
                        *size.borrow_mut() = now;
                        resized.set(now.0.wrapping_mul(7919).wrapping_add(now.1) as u32);
                    }
                });
                let observer =
                    web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok()?;
                observer.observe(canvas.cast::<web_sys::Element>().as_ref()?);
                Some((observer, callback))
            });
            move || {
                if let Some((observer, _callback)) = observer {
                    observer.disconnect();
                }
            }
        });
    }
    *resized
}
