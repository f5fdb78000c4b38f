//! Embedding a scenario in someone else's page: the player's options as
//! they travel in its URL, and the three snippets the embed dialog copies
//! (a responsive `<iframe>`, the same as JSX for MDX, and a script with the
//! `<scalesim-player>` element that sizes itself from the player's
//! messages). Each snippet holds a plain link to the full app, which is
//! what a host that strips iframes (a GitHub README) keeps. Pure, tested
//! natively: the dialog only fills in the page's URL.

/// What the player shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Show {
    /// The topology and the chart of its figure.
    #[default]
    Both,
    Topology,
    Chart,
}

/// The player's colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// The reader's `prefers-color-scheme`.
    #[default]
    Auto,
    Light,
    Dark,
}

/// How tall the frame is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Height {
    /// As tall as the player's content: the custom element follows the
    /// heights the player posts; a bare `<iframe>` gets [`AUTO_GUESS_PX`].
    #[default]
    Auto,
    /// A fixed height in CSS pixels; the player fills it.
    Px(u32),
    /// Width to height (16:10 is `Aspect(16, 10)`); the player fills it.
    Aspect(u32, u32),
}

/// The height a bare `<iframe>` gets for [`Height::Auto`]: what the player
/// needs with both views at a typical column width.
pub const AUTO_GUESS_PX: u32 = 520;
/// Heights and ratios outside these bounds are clamped: a frame of 5 px or
/// 50 000 px is a typo.
const MIN_PX: u32 = 160;
const MAX_PX: u32 = 2_000;
/// The longest start time an embed accepts (a day), and the longest title.
const MAX_START_S: u32 = 86_400;
const MAX_TITLE: usize = 120;

/// The headline figure an embed shows before and while it plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    P50,
    P99,
    Goodput,
    Failed,
    Amplification,
    Cost,
}

impl Figure {
    /// Every figure, in the dialog's order.
    pub const ALL: [Figure; 6] = [
        Figure::P99,
        Figure::P50,
        Figure::Goodput,
        Figure::Failed,
        Figure::Amplification,
        Figure::Cost,
    ];

    /// Its name in the URL.
    pub fn key(self) -> &'static str {
        match self {
            Figure::P50 => "p50",
            Figure::P99 => "p99",
            Figure::Goodput => "goodput",
            Figure::Failed => "failed",
            Figure::Amplification => "amplification",
            Figure::Cost => "cost",
        }
    }

    /// Its label beside the number.
    pub fn label(self) -> &'static str {
        match self {
            Figure::P50 => "user p50",
            Figure::P99 => "user p99",
            Figure::Goodput => "goodput",
            Figure::Failed => "failed",
            Figure::Amplification => "amplification",
            Figure::Cost => "cost / 10⁶ req",
        }
    }

    /// The figure named `key`, if any.
    pub fn from_key(key: &str) -> Option<Figure> {
        Figure::ALL.into_iter().find(|f| f.key() == key.trim().to_ascii_lowercase())
    }
}

/// Where the player's scenario comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A built-in lesson by file name (`scenario=`): later fixes to the
    /// lesson reach the embed.
    Lesson(String),
    /// A share link's fragment (`v2.…`, without `#`): an edited scenario.
    Link(String),
}

/// Everything the embed dialog lets an author choose.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EmbedOptions {
    pub show: Show,
    /// The headline figure; `None`: the one the lesson's `watch` names.
    pub figure: Option<Figure>,
    pub height: Height,
    pub theme: Theme,
    /// Play as soon as it has loaded (else a reader presses Play).
    pub autoplay: bool,
    /// Simulated seconds to run to, paused, before the reader sees it.
    pub start_s: u32,
    /// The load multiplier to start at (1 when not set).
    pub load: Option<f64>,
    /// The title shown in the player and given to the frame; `None`: the
    /// scenario's own name.
    pub title: Option<String>,
}

impl EmbedOptions {
    /// The options as query pairs, defaults left out (so a plain embed has
    /// a short URL).
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        match self.show {
            Show::Both => {}
            Show::Topology => pairs.push(("show", "topology".to_owned())),
            Show::Chart => pairs.push(("show", "chart".to_owned())),
        }
        if let Some(f) = self.figure {
            pairs.push(("figure", f.key().to_owned()));
        }
        match self.height {
            Height::Auto => pairs.push(("height", "auto".to_owned())),
            Height::Px(_) | Height::Aspect(..) => {}
        }
        match self.theme {
            Theme::Auto => {}
            Theme::Light => pairs.push(("theme", "light".to_owned())),
            Theme::Dark => pairs.push(("theme", "dark".to_owned())),
        }
        if self.autoplay {
            pairs.push(("autoplay", "1".to_owned()));
        }
        if self.start_s > 0 {
            pairs.push(("t", self.start_s.to_string()));
        }
        if let Some(load) = self.load.filter(|l| (*l - 1.0).abs() > 1e-9) {
            pairs.push(("load", trim_float(load)));
        }
        if let Some(title) = self.title.as_ref().filter(|t| !t.trim().is_empty()) {
            pairs.push(("title", title.trim().to_owned()));
        }
        pairs
    }

    /// The options a player's URL asks for (`get` reads a query
    /// parameter). Anything unreadable falls back to its default: an
    /// embed always plays something sensible.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> EmbedOptions {
        let show = match get("show").as_deref() {
            Some("topology") => Show::Topology,
            Some("chart") => Show::Chart,
            _ => Show::Both,
        };
        let theme = match get("theme").as_deref() {
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            _ => Theme::Auto,
        };
        let height =
            if get("height").as_deref() == Some("auto") { Height::Auto } else { Height::Px(0) };
        let load = get("load")
            .and_then(|l| l.trim().parse::<f64>().ok())
            .filter(|l| l.is_finite())
            .map(|l| l.clamp(0.1, 1000.0));
        let start_s = get("t")
            .and_then(|t| t.trim().parse::<f64>().ok())
            .filter(|t| t.is_finite() && *t > 0.0)
            .map_or(0, |t| t.min(f64::from(MAX_START_S)) as u32);
        EmbedOptions {
            show,
            figure: get("figure").as_deref().and_then(Figure::from_key),
            height,
            theme,
            autoplay: matches!(get("autoplay").as_deref(), Some("1" | "true")),
            start_s,
            load,
            title: get("title").map(|t| clip(t.trim(), MAX_TITLE)).filter(|t| !t.is_empty()),
        }
    }
}

/// A number without trailing zeros: 2, 0.5, 3.16.
fn trim_float(v: f64) -> String {
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A load option as the dialog's field shows it ("1" when not set).
pub fn load_text(load: Option<f64>) -> String {
    trim_float(load.unwrap_or(1.0))
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// `s` percent-encoded for a query value (unreserved characters kept).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `base` (the app's page URL, without query or fragment) with `pairs`
/// as its query and `fragment` after `#`.
fn with_query(base: &str, pairs: &[(&str, String)], fragment: Option<&str>) -> String {
    let mut url = base.to_owned();
    for (i, (k, v)) in pairs.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(k);
        url.push('=');
        url.push_str(&encode_component(v));
    }
    if let Some(f) = fragment {
        url.push('#');
        url.push_str(f);
    }
    url
}

/// The player's URL: `embed=1`, the lesson or the link, and the options.
pub fn player_url(base: &str, source: &Source, options: &EmbedOptions) -> String {
    let mut pairs = vec![("embed", "1".to_owned())];
    let fragment = match source {
        Source::Lesson(file) => {
            pairs.push(("scenario", file.clone()));
            None
        }
        Source::Link(fragment) => Some(fragment.as_str()),
    };
    pairs.extend(options.query_pairs());
    with_query(base, &pairs, fragment)
}

/// The full app on the same scenario: the fallback link of every snippet.
pub fn app_url(base: &str, source: &Source) -> String {
    match source {
        Source::Lesson(file) => with_query(base, &[("scenario", file.clone())], None),
        Source::Link(fragment) => with_query(base, &[], Some(fragment)),
    }
}

/// The URL of the custom element's script, next to the app.
pub fn element_script_url(base: &str) -> String {
    let dir = match base.rfind('/') {
        Some(i) => &base[..=i],
        None => "./",
    };
    format!("{dir}scalesim-player.js")
}

/// Text for an HTML attribute or element (quotes and angle brackets
/// escaped).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// A JavaScript string literal (double-quoted), safe inside JSX braces:
/// `<` is escaped too, so no `</script>` or tag can start inside it.
pub fn js_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '{' => out.push_str("\\u007b"),
            '}' => out.push_str("\\u007d"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The frame's height as CSS declarations `(property, value)`: a height,
/// or an aspect ratio over the full width.
fn size_rules(height: Height) -> (&'static str, String) {
    match height {
        Height::Auto => ("height", format!("{AUTO_GUESS_PX}px")),
        Height::Px(px) => ("height", format!("{}px", px.clamp(MIN_PX, MAX_PX))),
        Height::Aspect(w, h) => {
            let (w, h) = (w.clamp(1, 100), h.clamp(1, 100));
            ("aspect-ratio", format!("{w} / {h}"))
        }
    }
}

/// A frame sized by a ratio is never shorter than this: 16:10 of a phone's
/// column (about 220 px) cannot hold the player.
pub const RATIO_MIN_PX: u32 = 380;

/// What every snippet is made of: the app's address, the scenario, the
/// options and the title.
pub struct Embed<'a> {
    pub base: &'a str,
    pub source: &'a Source,
    pub options: &'a EmbedOptions,
    pub title: &'a str,
}

impl Embed<'_> {
    /// The player's URL in a frame of fixed height or ratio, which it
    /// fills (a bare frame cannot follow its content: "auto" becomes
    /// [`AUTO_GUESS_PX`]).
    pub fn framed_url(&self) -> String {
        let options = EmbedOptions { height: self.frame_height(), ..self.options.clone() };
        player_url(self.base, self.source, &options)
    }

    /// The height a bare frame gets.
    pub fn frame_height(&self) -> Height {
        match self.options.height {
            Height::Auto => Height::Px(AUTO_GUESS_PX),
            other => other,
        }
    }

    fn app(&self) -> String {
        app_url(self.base, self.source)
    }

    fn frame_title(&self) -> String {
        format!("scalesim: {}", self.title)
    }

    fn fallback_text(&self) -> String {
        format!("Open “{}” in scalesim", self.title)
    }

    /// A plain `<iframe>`: 100% wide, the chosen height or aspect ratio,
    /// and the fallback link inside (what a host that strips iframes
    /// keeps).
    pub fn iframe(&self) -> String {
        let (prop, value) = size_rules(self.frame_height());
        format!(
            "<iframe src=\"{src}\" title=\"{title}\" loading=\"lazy\" width=\"100%\" style=\"width:100%;{prop}:{value};{floor}border:1px solid #d5dbe5;border-radius:8px\"><a href=\"{app}\">{text}</a></iframe>",
            floor = if prop == "aspect-ratio" {
                format!("min-height:{RATIO_MIN_PX}px;")
            } else {
                String::new()
            },
            src = escape_html(&self.framed_url()),
            title = escape_html(&self.frame_title()),
            app = escape_html(&self.app()),
            text = escape_html(&self.fallback_text()),
        )
    }

    /// The same frame as JSX for MDX (Docusaurus and the like): every
    /// value a JavaScript expression, the style an object, no style string.
    pub fn mdx(&self) -> String {
        let (prop, value) = size_rules(self.frame_height());
        let prop = if prop == "aspect-ratio" { "aspectRatio" } else { prop };
        format!(
            "<iframe src={{{src}}} title={{{title}}} loading=\"lazy\" width=\"100%\" style={{{{ width: \"100%\", {prop}: {value}, {floor}border: \"1px solid #d5dbe5\", borderRadius: 8 }}}}><a href={{{app}}}>{{{text}}}</a></iframe>",
            floor = if prop == "aspectRatio" {
                format!("minHeight: {RATIO_MIN_PX}, ")
            } else {
                String::new()
            },
            src = js_string(&self.framed_url()),
            title = js_string(&self.frame_title()),
            value = js_string(&value),
            app = js_string(&self.app()),
            text = js_string(&self.fallback_text()),
        )
    }

    /// The script and the custom element: it makes the frame, 100% wide,
    /// and follows the heights the player posts (auto height), or keeps
    /// the chosen height or ratio. The link inside shows until the script
    /// has run, and stays where scripts are not allowed.
    pub fn element(&self) -> String {
        let size = match self.options.height {
            Height::Auto => String::new(),
            Height::Px(_) | Height::Aspect(..) => {
                let (prop, value) = size_rules(self.options.height);
                format!(" {prop}=\"{}\"", escape_html(&value))
            }
        };
        format!(
            "<script defer src=\"{script}\"></script>\n<scalesim-player src=\"{src}\" title=\"{title}\"{size}><a href=\"{app}\">{text}</a></scalesim-player>",
            script = escape_html(&element_script_url(self.base)),
            src = escape_html(&player_url(self.base, self.source, self.options)),
            title = escape_html(&self.frame_title()),
            app = escape_html(&self.app()),
            text = escape_html(&self.fallback_text()),
        )
    }
}

/// The page's URL stripped to what a snippet starts from: no query, no
/// fragment.
pub fn base_of(page_url: &str) -> &str {
    let end = page_url.find(['?', '#']).unwrap_or(page_url.len());
    &page_url[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://docs.example/scalesim/";

    fn embed(source: Source, options: &EmbedOptions, title: &str) -> Snippets {
        let e = Embed { base: BASE, source: &source, options, title };
        Snippets { iframe: e.iframe(), mdx: e.mdx(), element: e.element() }
    }

    struct Snippets {
        iframe: String,
        mdx: String,
        element: String,
    }

    #[test]
    fn a_lesson_embeds_in_the_short_form() {
        let url = player_url(BASE, &Source::Lesson("fanout-tail.toml".into()), &Default::default());
        assert_eq!(
            url,
            "https://docs.example/scalesim/?embed=1&scenario=fanout-tail.toml&height=auto"
        );
        assert_eq!(
            app_url(BASE, &Source::Lesson("fanout-tail.toml".into())),
            "https://docs.example/scalesim/?scenario=fanout-tail.toml"
        );
    }

    #[test]
    fn a_link_embeds_its_fragment() {
        let options = EmbedOptions { height: Height::Px(480), ..Default::default() };
        let source = Source::Link("v2.abc_-".into());
        assert_eq!(player_url(BASE, &source, &options), format!("{BASE}?embed=1#v2.abc_-"));
        assert_eq!(app_url(BASE, &source), format!("{BASE}#v2.abc_-"));
    }

    #[test]
    fn options_travel_through_the_url_and_back() {
        let options = EmbedOptions {
            show: Show::Chart,
            figure: Some(Figure::P50),
            height: Height::Auto,
            theme: Theme::Dark,
            autoplay: true,
            start_s: 30,
            load: Some(3.16),
            title: Some("Hedged & fast <fan-out>".into()),
        };
        let url = player_url(BASE, &Source::Lesson("x.toml".into()), &options);
        assert!(url.contains("title=Hedged%20%26%20fast%20%3Cfan-out%3E"), "{url}");
        let query: Vec<(String, String)> = url
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or_default()
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), decode(v)))
            .collect();
        let get = |k: &str| query.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        assert_eq!(EmbedOptions::from_query(get), options);
    }

    fn decode(v: &str) -> String {
        let bytes = v.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap_or(b'?'));
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn hostile_or_absurd_query_values_fall_back() {
        let get = |k: &str| {
            Some(
                match k {
                    "t" => "-5",
                    "load" => "1e9",
                    "figure" => "<script>",
                    "show" => "everything",
                    "autoplay" => "yes please",
                    "title" => "   ",
                    _ => "NaN",
                }
                .to_owned(),
            )
        };
        let o = EmbedOptions::from_query(get);
        assert_eq!(o.start_s, 0);
        assert_eq!(o.load, Some(1000.0));
        assert_eq!(o.figure, None);
        assert_eq!(o.show, Show::Both);
        assert!(!o.autoplay);
        assert_eq!(o.title, None);
        assert_eq!(o.height, Height::Px(0));
        let long = |k: &str| (k == "t").then(|| "1e12".to_owned());
        assert_eq!(EmbedOptions::from_query(long).start_s, MAX_START_S);
    }

    #[test]
    fn the_iframe_is_responsive_and_holds_a_fallback_link() {
        let options = EmbedOptions { height: Height::Aspect(16, 10), ..Default::default() };
        let html =
            embed(Source::Lesson("sync-chain.toml".into()), &options, "A \"sync\" chain").iframe;
        assert!(html.starts_with("<iframe src=\"https://docs.example/scalesim/?embed=1&amp;scenario=sync-chain.toml\""), "{html}");
        assert!(html.contains("width=\"100%\""));
        assert!(html.contains("aspect-ratio:16 / 10;min-height:380px;"));
        assert!(html.contains("title=\"scalesim: A &quot;sync&quot; chain\""));
        assert!(html.contains("<a href=\"https://docs.example/scalesim/?scenario=sync-chain.toml\">Open “A &quot;sync&quot; chain” in scalesim</a></iframe>"), "{html}");
        let fixed = EmbedOptions { height: Height::Px(5), ..Default::default() };
        assert!(
            embed(Source::Lesson("a.toml".into()), &fixed, "a").iframe.contains("height:160px")
        );
    }

    #[test]
    fn the_mdx_form_has_no_style_string_and_escapes_into_expressions() {
        let options = EmbedOptions { height: Height::Px(500), ..Default::default() };
        let jsx = embed(Source::Link("v2.x".into()), &options, "{evil} </iframe> \"q\"").mdx;
        assert!(!jsx.contains("style=\""), "{jsx}");
        assert!(jsx.contains("style={{ width: \"100%\", height: \"500px\""), "{jsx}");
        assert!(jsx.contains("src={\"https://docs.example/scalesim/?embed=1#v2.x\"}"), "{jsx}");
        // Nothing from the title can close a tag or open an expression.
        assert!(jsx.contains("\\u007bevil\\u007d \\u003c/iframe\\u003e \\\"q\\\""), "{jsx}");
        assert_eq!(jsx.matches("</iframe>").count(), 1);
        assert!(jsx.contains("<a href={\"https://docs.example/scalesim/#v2.x\"}>"));
        let ratio = EmbedOptions { height: Height::Aspect(4, 3), ..Default::default() };
        assert!(
            embed(Source::Link("v2.x".into()), &ratio, "t")
                .mdx
                .contains("aspectRatio: \"4 / 3\", minHeight: 380,")
        );
    }

    #[test]
    fn the_custom_element_loads_its_script_next_to_the_app() {
        let html = embed(Source::Lesson("a.toml".into()), &Default::default(), "A").element;
        let (script, element) = html.split_once('\n').unwrap_or_default();
        assert_eq!(
            script,
            "<script defer src=\"https://docs.example/scalesim/scalesim-player.js\"></script>"
        );
        assert!(element.starts_with("<scalesim-player src=\"https://docs.example/scalesim/?embed=1&amp;scenario=a.toml&amp;height=auto\" title=\"scalesim: A\">"), "{element}");
        assert!(element.ends_with("</a></scalesim-player>"));
        let fixed = EmbedOptions { height: Height::Px(400), ..Default::default() };
        assert!(
            embed(Source::Lesson("a.toml".into()), &fixed, "A")
                .element
                .contains(" height=\"400px\">")
        );
    }

    #[test]
    fn urls_and_text_helpers() {
        assert_eq!(base_of("http://h/p/index.html?embed=1#v2.x"), "http://h/p/index.html");
        assert_eq!(base_of("http://h/p/"), "http://h/p/");
        assert_eq!(element_script_url("http://h/p/index.html"), "http://h/p/scalesim-player.js");
        assert_eq!(encode_component("a b/é"), "a%20b%2F%C3%A9");
        assert_eq!(trim_float(2.0), "2");
        assert_eq!(trim_float(3.16), "3.16");
        assert_eq!(Figure::from_key(" P50 "), Some(Figure::P50));
        assert_eq!(js_string("a\u{2028}b\\"), "\"a\\u2028b\\\\\"");
    }
}
