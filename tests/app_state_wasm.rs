//! The page's reducer (`page::app_state`), which builds only for the
//! browser: a live change's answer and a canvas gesture's refusal, each
//! said where the user acted.

#![cfg(target_arch = "wasm32")]

use std::rc::Rc;

use scalesim_engine::outline::Outline;
use scalesim_web::page::app_state::{Action, AppState, LiveChange, LiveOutcome};
use scalesim_web::side::EditStatus;
use scalesim_web::worker::protocol::FromWorker;
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

fn live(id: Option<u64>) -> Action {
    let change = "api.replicas = 4".to_owned();
    Action::LiveChange(LiveChange { change, id, outcome: LiveOutcome::Waiting })
}

fn applied(id: u64) -> Action {
    Action::Report(FromWorker::Applied {
        id,
        revision: 1,
        outline: Outline::default(),
        restarted: None,
        can_undo: true,
        can_redo: false,
    })
}

/// A live change's answer is said under the form: applied at the
/// simulated second it took effect, or refused, and then not at the
/// canvas's foot; another edit's answer leaves it as it was.
#[wasm_bindgen_test]
fn a_live_change_hears_its_own_answer() {
    let state = Rc::new(AppState { sim_time_ns: 3_500_000_000, ..AppState::default() });
    let state = state.reduce(live(Some(7))).reduce(applied(6));
    let words = |s: &AppState| s.live_change.as_ref().map(LiveChange::words);
    assert_eq!(words(&state).as_deref(), Some("Applying api.replicas = 4…"));
    let done = state.clone().reduce(applied(7));
    assert_eq!(words(&done).as_deref(), Some("Applied at 3.5 s: api.replicas = 4"));
    let message = "expected 1 to 10000 replicas".to_owned();
    let refused = state.reduce(Action::Report(FromWorker::Refused { id: 7, message }));
    assert_eq!(words(&refused).as_deref(), Some("Not applied: expected 1 to 10000 replicas"));
    assert_eq!(refused.error, None);
}

/// A canvas gesture's refusal goes to the canvas (with the edit's
/// number, so the canvas draws the document again), not to the
/// canvas's foot; the next applied edit or selection puts it away.
#[wasm_bindgen_test]
fn a_canvas_refusal_is_the_canvas_s() {
    let message = "no call goes into `api`".to_owned();
    let refusal = Some((scalesim_web::side::CANVAS.to_owned(), message.clone()));
    let status = EditStatus { can_undo: false, can_redo: false, refusal };
    let refused = Rc::new(AppState::default())
        .reduce(Action::Edits(status))
        .reduce(Action::Report(FromWorker::Refused { id: 9, message: message.clone() }));
    assert_eq!(refused.canvas_refusal, Some((9, AttrValue::from(message))));
    assert_eq!(refused.error, None);
    assert_eq!(refused.clone().reduce(applied(10)).canvas_refusal, None);
    assert_eq!(refused.reduce(Action::Select(None)).canvas_refusal, None);
}
