//! The page ↔ worker protocol, exercised in the browser: messages survive a
//! real `postMessage` round trip through a `MessageChannel`.

#![cfg(target_arch = "wasm32")]

use scalesim_web::browser;
use scalesim_web::page::app::{DEMO_FILE, DEMO_TOML};
use scalesim_web::worker::protocol::{FromWorker, Speed, ToWorker, decode, encode};
use scalesim_web::worker::replay::{Change, Entry};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Posts `bytes` through a real MessageChannel, as page and worker post
/// messages, and resolves with what arrives.
async fn through_message_channel(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    let channel = web_sys::MessageChannel::new().unwrap();
    let received = js_sys::Promise::new(&mut |resolve, _reject| {
        let on_message = Closure::once_into_js(move |event: web_sys::MessageEvent| {
            resolve.call1(&JsValue::NULL, &event.data()).unwrap();
        });
        channel.port2().set_onmessage(Some(on_message.unchecked_ref()));
    });
    let port = channel.port1();
    browser::post_bytes(
        |message, transfer| port.post_message_with_transferable(message, transfer),
        &bytes,
    )
    .unwrap();
    browser::message_bytes(wasm_bindgen_futures::JsFuture::from(received).await.unwrap())
}

#[wasm_bindgen_test]
async fn commands_round_trip() {
    let commands = [
        ToWorker::Load { file: DEMO_FILE.to_owned(), toml: DEMO_TOML.to_owned() },
        ToWorker::Play,
        ToWorker::Pause,
        ToWorker::SetSpeed { speed: Speed::Max },
        ToWorker::SetLoadMultiplier { multiplier: 12.5 },
        ToWorker::Step,
        ToWorker::Restart { seed: Some(7) },
        ToWorker::Undo { id: 3 },
        ToWorker::Redo { id: 5 },
        ToWorker::Text,
        ToWorker::Replay {
            seed: Some(7),
            load: 2.0,
            history: vec![Entry {
                at_ns: 1_500_000_000,
                change: Change::Edit {
                    edit: scalesim_engine::edit::Edit::Set {
                        path: "api.workers".into(),
                        value: "4".into(),
                    },
                },
            }],
            time_ns: 3_000_000_000,
        },
        ToWorker::Record,
        ToWorker::Edit {
            edit: scalesim_engine::edit::Edit::Connect {
                from: "api".into(),
                to: "db".into(),
                mode: scalesim_engine::scenario::Mode::Sync,
            },
            id: 4,
        },
        ToWorker::Sweep {
            param: "load.users.rate=100..2000:8".into(),
            runs: 3,
            duration_s: Some(20.0),
        },
        ToWorker::CancelSweep,
    ];
    for command in commands {
        let back: ToWorker =
            decode(&through_message_channel(encode(&command)).await.unwrap()).unwrap();
        assert_eq!(back, command);
    }
}

#[wasm_bindgen_test]
async fn garbage_is_refused_with_a_reason() {
    let bytes = through_message_channel(vec![250, 1, 2]).await.unwrap();
    let err = decode::<FromWorker>(&bytes).unwrap_err();
    assert!(err.contains("unknown tag 250"), "{err}");
}

#[wasm_bindgen_test]
async fn a_string_message_is_the_bootstrap_failure_in_words() {
    let channel = web_sys::MessageChannel::new().unwrap();
    let received = js_sys::Promise::new(&mut |resolve, _reject| {
        let on_message = Closure::once_into_js(move |event: web_sys::MessageEvent| {
            resolve.call1(&JsValue::NULL, &event.data()).unwrap();
        });
        channel.port2().set_onmessage(Some(on_message.unchecked_ref()));
    });
    channel.port1().post_message(&JsValue::from_str("could not start")).unwrap();
    let data = wasm_bindgen_futures::JsFuture::from(received).await.unwrap();
    assert_eq!(browser::message_bytes(data), Err("could not start".to_owned()));
}

#[wasm_bindgen_test]
async fn reports_round_trip() {
    let reports = [
        FromWorker::Ready,
        FromWorker::Applied {
            id: 9,
            revision: 2,
            outline: scalesim_engine::outline::of_text(DEMO_TOML).unwrap(),
            restarted: None,
            can_undo: true,
            can_redo: false,
        },
        FromWorker::Text { file: DEMO_FILE.to_owned(), toml: DEMO_TOML.to_owned(), revision: 2 },
        FromWorker::Refused { id: 10, message: "no".into() },
        FromWorker::SweepProgress { done: 3, total: 16 },
        FromWorker::SweepDone {
            param: "svc.replicas=1..8:8".into(),
            points: Vec::new(),
            usl: None,
        },
        FromWorker::Error { message: "stuck".into() },
    ];
    for report in reports {
        let back: FromWorker =
            decode(&through_message_channel(encode(&report)).await.unwrap()).unwrap();
        assert_eq!(back, report);
    }
}
