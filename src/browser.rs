//! The few browser services the page uses beyond drawing: downloads, local
//! storage, the URL, the clipboard, (de)compression with the browser's own
//! `CompressionStream` (no compressor in the bundle), and recording a
//! canvas to a video clip. Thin wrappers; the formats are elsewhere
//! (`share_link`, `export`).

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, ReadableStream,
    ReadableStreamDefaultReader, ReadableWritablePair, Url, WritableStream,
};

// The Compression Streams API is in every current browser, but web-sys
// still files it as unstable; these few bindings avoid building the whole
// crate with `--cfg=web_sys_unstable_apis`.
#[wasm_bindgen]
extern "C" {
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> WritableStream;

    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> WritableStream;
}

/// Offers `bytes` as a file called `name`.
pub fn download_bytes(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    download_blob(name, &gloo_file::Blob::new_with_options(bytes, Some(mime)).into())
}

/// Offers a blob as a file called `name`.
pub fn download_blob(name: &str, blob: &Blob) -> Result<(), String> {
    let url = gloo_file::ObjectUrl::from(gloo_file::Blob::from(blob.clone()));
    let result = download_url(name, &url);
    // The click has started the download; the URL is revoked (dropped) once
    // it has run.
    gloo_timers::callback::Timeout::new(10_000, move || drop(url)).forget();
    result
}

/// Offers what `url` points at (an object or data URL) as a file.
pub fn download_url(name: &str, url: &str) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: HtmlAnchorElement =
        document.create_element("a").map_err(|e| format!("{e:?}"))?.unchecked_into();
    a.set_href(url);
    a.set_download(name);
    a.click();
    Ok(())
}

/// Local storage, or `None` where the browser refuses it (a sandboxed
/// iframe, storage disabled). Bound by hand: `gloo-storage` throws there,
/// and an embed in a sandboxed frame must still run.
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// A value kept in local storage.
pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

/// Keeps a value in local storage; `false` when the browser refuses (full,
/// or storage disabled).
pub fn save(key: &str, value: &str) -> bool {
    storage().is_some_and(|s| s.set_item(key, value).is_ok())
}

/// Forgets a value kept in local storage.
pub fn remove(key: &str) -> bool {
    storage().is_some_and(|s| s.remove_item(key).is_ok())
}

/// The URL's fragment, without `#`.
pub fn hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_owned())
        .unwrap_or_default()
}

/// A message as `postMessage` carries it: `bytes` copied into a JS array
/// whose buffer is transferred, not copied again.
pub fn post_bytes(
    post: impl FnOnce(&JsValue, &JsValue) -> Result<(), JsValue>,
    bytes: &[u8],
) -> Result<(), JsValue> {
    let array = Uint8Array::from(bytes);
    post(&array, &Array::of1(&array.buffer()))
}

/// The bytes of a received message, or the text of a string message (which
/// only the worker's bootstrap sends, when it cannot start the module).
pub fn message_bytes(data: JsValue) -> Result<Vec<u8>, String> {
    match data.dyn_into::<Uint8Array>() {
        Ok(array) => Ok(array.to_vec()),
        Err(data) => Err(data.as_string().unwrap_or_else(|| "an unreadable message".to_owned())),
    }
}

/// Whether this instance runs in the simulation worker rather than the page.
pub fn in_worker() -> bool {
    js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>().is_ok()
}

/// The role `static/worker.js` started this worker in (`"sweep"` for a
/// sweep pool's), `None` for the simulation worker.
pub fn worker_role() -> Option<String> {
    js_sys::Reflect::get(&js_sys::global(), &"scalesimRole".into()).ok()?.as_string()
}

/// A query parameter of the page's URL.
pub fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// The page's URL without its fragment and with `embed` removed.
pub fn page_url() -> String {
    let base = href_without_fragment();
    match Url::new(&base) {
        Ok(url) => {
            url.search_params().delete("embed");
            url.href()
        }
        Err(_) => base,
    }
}

/// Replaces the fragment without reloading or adding a history entry.
pub fn replace_hash(fragment: &str) {
    if let Some(w) = web_sys::window()
        && let Ok(history) = w.history()
    {
        let url = format!("{}#{fragment}", href_without_fragment());
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}

/// Takes what named the opened scenario out of the address (a share
/// link's fragment, a `scenario=` query), without reloading or adding a
/// history entry, once the page shows another document: a reload then
/// opens the user's work, not what the address named.
pub fn forget_opening() {
    let Some(w) = web_sys::window() else { return };
    let Some(url) = w.location().href().ok().and_then(|h| Url::new(&h).ok()) else { return };
    if url.hash().is_empty() && url.search_params().get("scenario").is_none() {
        return;
    }
    url.set_hash("");
    url.search_params().delete("scenario");
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url.href()));
    }
}

fn href_without_fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

/// Puts text on the clipboard; `false` if the browser would not.
pub async fn copy(text: &str) -> bool {
    let Some(w) = web_sys::window() else { return false };
    JsFuture::from(w.navigator().clipboard().write_text(text)).await.is_ok()
}

/// Bytes through the browser's deflate-raw compressor.
pub async fn compress(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let stream = CompressionStream::new("deflate-raw")
        .map_err(|e| format!("this browser cannot compress: {e:?}"))?;
    let pair = ReadableWritablePair::new(&stream.readable(), &stream.writable());
    read_all(source(bytes)?.pipe_through(&pair), usize::MAX).await
}

/// Bytes through the browser's deflate-raw decompressor, stopping past
/// `cap` bytes (`Err(None)`), or failing on damaged data (`Err(Some(_))`).
pub async fn decompress(bytes: &[u8], cap: usize) -> Result<Vec<u8>, Option<String>> {
    let stream = DecompressionStream::new("deflate-raw")
        .map_err(|e| Some(format!("this browser cannot decompress: {e:?}")))?;
    let pair = ReadableWritablePair::new(&stream.readable(), &stream.writable());
    let out =
        read_all(source(bytes).map_err(Some)?.pipe_through(&pair), cap).await.map_err(Some)?;
    if out.len() > cap { Err(None) } else { Ok(out) }
}

fn source(bytes: &[u8]) -> Result<ReadableStream, String> {
    let blob = Blob::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(bytes)))
        .map_err(|e| format!("{e:?}"))?;
    Ok(blob.stream())
}

/// Reads a byte stream to its end, or until more than `cap` bytes.
async fn read_all(stream: ReadableStream, cap: usize) -> Result<Vec<u8>, String> {
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut out = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|e| {
            e.dyn_ref::<js_sys::Error>()
                .map_or_else(|| format!("{e:?}"), |e| String::from(e.message()))
        })?;
        if Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        if let Ok(value) = Reflect::get(&chunk, &"value".into()) {
            out.extend(Uint8Array::new(&value).to_vec());
        }
        if out.len() > cap {
            let _ = reader.cancel();
            break;
        }
    }
    Ok(out)
}

/// Records `seconds` of a canvas's animation as a WebM clip and offers it
/// as `name`.
pub async fn record(canvas: &HtmlCanvasElement, seconds: u32, name: &str) -> Result<(), String> {
    let stream = canvas
        .capture_stream_with_frame_request_rate(30.0)
        .map_err(|e| format!("this browser cannot record a canvas: {e:?}"))?;
    let recorder = web_sys::MediaRecorder::new_with_media_stream(&stream)
        .map_err(|e| format!("this browser cannot record video: {e:?}"))?;
    let chunks = Array::new();
    let collected = chunks.clone();
    let on_data = Closure::<dyn FnMut(web_sys::BlobEvent)>::new(move |e: web_sys::BlobEvent| {
        if let Some(data) = e.data() {
            collected.push(&data);
        }
    });
    recorder.set_ondataavailable(Some(on_data.as_ref().unchecked_ref()));
    let stopped = js_sys::Promise::new(&mut |resolve, _| {
        recorder.set_onstop(Some(&resolve));
    });
    recorder.start_with_time_slice(500).map_err(|e| format!("{e:?}"))?;
    sleep_ms(i32::try_from(seconds.saturating_mul(1000)).unwrap_or(i32::MAX)).await;
    recorder.stop().map_err(|e| format!("{e:?}"))?;
    let _ = JsFuture::from(stopped).await;
    drop(on_data);
    let options = BlobPropertyBag::new();
    options.set_type("video/webm");
    let blob = Blob::new_with_blob_sequence_and_options(&chunks, &options)
        .map_err(|e| format!("{e:?}"))?;
    if blob.size() == 0.0 {
        return Err("the recording came out empty".to_owned());
    }
    download_blob(name, &blob)
}

/// Waits `ms` milliseconds.
pub async fn sleep_ms(ms: i32) {
    gloo_timers::future::TimeoutFuture::new(ms.max(0) as u32).await;
}

/// Whether the page draws dark: the theme an embed asked for
/// (`data-theme` on the root element, set by the player), else the
/// reader's `prefers-color-scheme`.
pub fn dark_theme() -> bool {
    let window = web_sys::window();
    let asked = window
        .as_ref()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|root| root.get_attribute("data-theme"));
    match asked.as_deref() {
        Some("dark") => true,
        Some("light") => false,
        _ => window
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|m| m.matches()),
    }
}

/// Sets (or, with `None`, removes) an attribute of the root element.
pub fn set_root_attribute(name: &str, value: Option<&str>) {
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element());
    if let Some(root) = root {
        let _ = match value {
            Some(v) => root.set_attribute(name, v),
            None => root.remove_attribute(name),
        };
    }
}

/// Removes the embedded player's static "loading" note (`index.html`'s
/// `#boot-embed`) once the Wasm module runs.
pub fn remove_boot_note() {
    if let Some(note) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("boot-embed"))
    {
        note.remove();
    }
}

/// Whether the page runs inside a frame of another page.
pub fn in_frame() -> bool {
    let Some(window) = web_sys::window() else { return false };
    match window.parent() {
        Ok(Some(parent)) => !js_sys::Object::is(&parent, &window),
        _ => false,
    }
}

/// Tells the page around the frame how tall this page is, as
/// `{type: "scalesim:height", height}` (the custom element's script sizes
/// the frame from it). Only a height goes out, so any origin may read it.
pub fn post_height_to_parent(height: f64) {
    let Some(window) = web_sys::window() else { return };
    let Ok(Some(parent)) = window.parent() else { return };
    let message = js_sys::Object::new();
    let ok = Reflect::set(&message, &"type".into(), &"scalesim:height".into())
        .and_then(|_| Reflect::set(&message, &"height".into(), &height.into()));
    if ok.is_ok() {
        let _ = parent.post_message(&message, "*");
    }
}

/// Opens `url` in a new tab; `false` when the browser (or a sandboxed
/// frame) would not.
pub fn open_tab(url: &str) -> bool {
    // Not "noopener" in the features: the browser then answers null even
    // when it opened the tab. The opener is cut by hand instead.
    let opened = web_sys::window().and_then(|w| w.open_with_url_and_target(url, "_blank").ok());
    match opened.flatten() {
        Some(tab) => {
            let _ = Reflect::set(&tab, &"opener".into(), &JsValue::NULL);
            true
        }
        None => false,
    }
}
